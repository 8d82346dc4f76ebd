"""Watchlists and in-app notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govwiki.models.base import Base, UTCDateTime, utcnow


class Watch(Base):
    """A person wants to hear about a consultation or one page (exactly one of the two)."""

    __tablename__ = "watches"
    __table_args__ = (
        # NULLs never collide in a unique constraint, so each kind of target gets its own.
        UniqueConstraint("user_id", "consultation_id"),
        UniqueConstraint("user_id", "page_id"),
        CheckConstraint("(consultation_id IS NULL) != (page_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WatchOptOut(Base):
    """A person stopped watching a page: editing it or suggesting on it again does not watch it
    for them by default (an explicit watch removes this row)."""

    __tablename__ = "watch_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "page_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<WatchOptOut user {self.user_id} page {self.page_id}>"


class Notification(Base):
    """One entry in someone's notifications. Busy subjects are grouped: every event with the same
    `group_key` (e.g. edits of one page on one day) bumps `count` on one row instead of adding
    rows."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "group_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: page_edited, status_changed, proposal_submitted, proposal_merged, proposal_partly_merged,
    #: proposal_rejected, page_commented, comment_replied, official_response
    kind: Mapped[str] = mapped_column(String(40))
    group_key: Mapped[str] = mapped_column(String(160))
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    #: how many events this entry stands for
    count: Mapped[int] = mapped_column(Integer, default=1)
    #: what to show: actor names, revision numbers, the new status…
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation = relationship("Consultation")
    page = relationship("Page")
    proposal = relationship("Proposal")
