"""Mail waiting to leave: the transactional outbox (govwiki/services/outbox.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govwiki.models.base import Base, UTCDateTime, utcnow


class OutgoingMail(Base):
    """One mail, written in the transaction of the event it tells about and sent afterwards by
    `flask --app app govwiki send-mail`. What it says is composed when it is sent, from `kind`,
    `params` and `locale` (the recipient's language), and kept in `subject` and `body` once sent;
    notification and digest mail is composed from the recipient's entries as they are then
    (govwiki/mail/letters.py)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "sent_at", "failed_at", "send_after"),
        Index("ix_outbox_user_group", "user_id", "group_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what it is about: invitation, password_reset, notification, digest (one template per kind)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    #: the account it goes to, when there is one
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the recipient's language; "" for mail to an account: its language when the mail leaves
    locale: Mapped[str] = mapped_column(String(16), default="en")
    #: a notification mail's group (its entry's group key): later events join it while unsent
    group_key: Mapped[str | None] = mapped_column(String(160))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: not before this moment (later after each failure: the backoff)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: a worker holds the mail until this moment while it sends it (then it is anyone's again)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(40), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: given up after MAX_ATTEMPTS failures (an admin may send it again)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return "sent"
        if self.failed_at is not None:
            return "failed"
        return "retrying" if self.attempts else "queued"

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.kind} {self.status}>"
