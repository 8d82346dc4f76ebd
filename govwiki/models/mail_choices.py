"""What people chose to hear by mail, and what waits for their next digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govwiki.models.base import Base, UTCDateTime, utcnow


class MailPreference(Base):
    """One person's choice for one group of notification kinds (core.mail_choices); without a
    row the default of that group applies."""

    __tablename__ = "mail_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "category"),
        CheckConstraint("mode IN ('immediate', 'digest', 'none')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: replies, decisions, watched, status (core.mail_choices.CATEGORIES)
    category: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<MailPreference user {self.user_id} {self.category}={self.mode}>"


class DigestItem(Base):
    """A notification entry that changed since its reader's last digest and goes into the next
    one (the digest shows the entry as it is then: later events of its group join it)."""

    __tablename__ = "mail_digest_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: one item per entry: its reader is the entry's user
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<DigestItem user {self.user_id} notification {self.notification_id}>"
