"""Proposals: suggested edits written against a base revision, decided on by officials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govwiki.models.base import Base, UTCDateTime, utcnow
from govwiki.models.pages import Page
from govwiki.models.users import User


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'merged', 'rejected', 'withdrawn')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the revision number the proposer edited
    base_number: Mapped[int] = mapped_column(Integer)
    #: the whole proposed text of the page
    body: Mapped[str] = mapped_column(Text)
    #: the proposer's rationale
    summary: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the public reason given with a rejection (or a note with a merge)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the page revision the proposal landed in
    merged_revision: Mapped[int | None] = mapped_column(Integer)
    #: True when an official accepted only some of its changes
    partial: Mapped[bool] = mapped_column(default=False)
    #: the changes declined in a partial merge: [{"start", "end", "base", "text"}] in base coordinates
    declined: Mapped[list | None] = mapped_column(JSON)

    page: Mapped[Page] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<Proposal {self.id} on page {self.page_id} {self.status}>"
