"""The public record: the tamper-evident audit log and the consultation's text snapshots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govwiki.models.base import Base, UTCDateTime, utcnow
from govwiki.models.users import User


class AuditEvent(Base):
    """One privileged action or decision. Rows are only ever inserted; each carries the hash of
    the previous row, so an edited or deleted row breaks the chain (`govwiki verify-audit`)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None for the command line
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: e.g. status_changed, proposal_merged, proposal_rejected, revision_reverted, role_changed
    action: Mapped[str] = mapped_column(String(40), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(80))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.subject_type}:{self.subject_id}>"


class AuditHead(Base):
    """A single row holding the newest hash; updating it first serialises appends to the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0)


class Snapshot(Base):
    """Which revision of each page was the text as opened for consultation, and as adopted."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("consultation_id", "kind", "page_id"),
        CheckConstraint("kind IN ('opened', 'adopted')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    revision_number: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
