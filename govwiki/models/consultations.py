"""Consultations and who runs them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govwiki.core.policy import Situation
from govwiki.models.base import Base, UTCDateTime, utcnow
from govwiki.models.users import User


class Consultation(Base):
    __tablename__ = "consultations"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed', 'adopted', 'withdrawn')", name="status"),
        CheckConstraint("edit_policy IN ('comment', 'suggest', 'edit')", name="edit_policy"),
        CheckConstraint("visibility IN ('public', 'invited')", name="visibility"),
        # The list of consultations, newest first: its page of rows is read along this index
        # and its total counted from it, without touching the wide rows (summaries).
        Index("ix_consultations_listing", "created_at", "id", "status", "visibility", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: what residents may do: comment only, suggest edits, or edit directly
    edit_policy: Mapped[str] = mapped_column(String(16), default="suggest")
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    #: set when the consultation first opens
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: contributions are refused from this moment on, by the server clock
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()
    pages: Mapped[list["Page"]] = relationship(  # noqa: F821 - defined in models.pages
        back_populates="consultation", order_by="Page.position, Page.id"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="consultation")

    def situation(self, now: datetime) -> Situation:
        """The facts the permission policy decides on."""
        return Situation(self.status, self.edit_policy, self.visibility, self.closes_at, now)

    def __repr__(self) -> str:
        return f"<Consultation {self.slug!r} {self.status}>"


class Membership(Base):
    """A person's role in one consultation: official (runs it) or expert (invited co-author)."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("consultation_id", "user_id"),
        CheckConstraint("role IN ('official', 'expert')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Membership {self.user_id} {self.role} of {self.consultation_id}>"
