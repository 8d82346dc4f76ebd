"""Signed-in sessions and remembered devices, kept on the server so that they can be ended.

The signed session cookie only names a `UserSession` (by a random id, of which the database keeps
the sha256); a session is valid while its row says so, so signing out, "sign out everywhere" and
a suspension end it for every copy of the cookie. A "remember me" cookie names a
`RememberedDevice` by a series id and carries a secret that changes at every use
(govwiki/services/sign_in_sessions.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from govwiki.models.base import Base, UTCDateTime, utcnow


class RememberedDevice(Base):
    """A browser that asked to stay signed in: its cookie is `<series>.<secret>`."""

    __tablename__ = "remembered_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the series id, which stays the same for the device's whole life
    series_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: sha256 of the current secret; a new one is issued every time the cookie signs someone in
    secret_hash: Mapped[str] = mapped_column(String(64))
    #: the secret before the last rotation, still good for a few seconds (parallel requests)
    previous_secret_hash: Mapped[str] = mapped_column(String(64), default="")
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "Firefox · Linux": what the device list shows (the full User-Agent is not kept)
    user_agent: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why it ended: signed_out, ended (from the device list), everywhere, suspended, reused
    end_reason: Mapped[str] = mapped_column(String(16), default="")

    def __repr__(self) -> str:
        return f"<RememberedDevice {self.id} of user {self.user_id}>"


class UserSession(Base):
    """One sign-in in one browser, from the sign-in form or from a remembered device."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the random id the signed session cookie holds
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the remembered device this session was resumed from (or that was remembered at sign-in)
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("remembered_devices.id", ondelete="SET NULL"), index=True
    )
    user_agent: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: refreshed at most every few minutes, not at every request
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(String(16), default="")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
