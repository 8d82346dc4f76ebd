"""People and their API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from govwiki.core.names import name_key
from govwiki.models.base import Base, UTCDateTime, utcnow


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('resident', 'official', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sign-in name, also the public handle in URLs; stored lowercase
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    #: core.names.name_key of the username and of the display name, set with them: no one may
    #: take a display name that reads like another account's name (web.settings, registration)
    username_key: Mapped[str] = mapped_column(String(255), default="", index=True)
    display_key: Mapped[str] = mapped_column(String(255), default="", index=True)
    #: never shown to other people
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    #: site role; expert rights are per consultation (see Membership)
    role: Mapped[str] = mapped_column(String(16), default="resident")
    affiliation: Mapped[str] = mapped_column(String(120), default="")
    #: the interface and mail language this person chose ("en", "zh"); "" follows the browser
    locale: Mapped[str] = mapped_column(String(8), default="")
    #: when this person proved the address is theirs; None until then (see services.accounts)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    #: set by an admin: a suspended person cannot sign in, write or use API tokens
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_reason: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @validates("username")
    def _key_username(self, _key: str, value: str) -> str:
        self.username_key = name_key(value)[:255]
        return value

    @validates("display_name")
    def _key_display_name(self, _key: str, value: str) -> str:
        self.display_key = name_key(value)[:255]
        return value

    @property
    def is_verified(self) -> bool:
        """Whether the account's address is proven to be its owner's."""
        return self.email_verified_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active and self.suspended_at is None

    def __repr__(self) -> str:
        return f"<User {self.username!r} {self.role}>"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the token; the token itself is shown once and never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} of user {self.user_id}>"


class PasswordReset(Base):
    """A password-reset link sent by mail: its token kept only as a sha256, usable once, for an
    hour (govwiki/services/password_resets.py)."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EmailVerification(Base):
    """A link mailed to prove an address (govwiki/services/email_addresses.py): the account's
    own address after registering, or a new address it asked to move to, which becomes its
    address only when the link is used. The token is kept as a sha256; it works once, until it
    expires, and any newer link or a used one spends the account's other links."""

    __tablename__ = "email_verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the address this link proves: the account's own, or the one it moves to
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<EmailVerification {self.id} of user {self.user_id}>"
