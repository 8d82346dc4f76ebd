"""Accounts: making them, signing in, passwords, site roles and API tokens.

`register_user` makes an account directly, its address counted as verified: the command line,
the demo and the tests. People registering on the web go through services/registration.py,
which never says whether a name or an address is taken and finishes by mail.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govwiki.core.policy import SITE_ROLES, may_assign_roles
from govwiki.core.text import display_problems, text_problems
from govwiki.core.tokens import new_token, token_hash
from govwiki.core.messages import Message
from govwiki.models import ApiToken, PasswordReset, User, utcnow
from govwiki.services import audit, clock, passwords, profiles, sign_in_sessions
from govwiki.services.errors import Forbidden, Invalid, NotFound
from govwiki.services.validation import one_of, check_choice, check_display, raise_if

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,38}[a-z0-9]$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
#: how stale `last_used_at` may get before a request refreshes it (avoids a write per read)
TOKEN_TOUCH_INTERVAL = timedelta(minutes=10)


def register_user(
    session: Session,
    username: str,
    email: str,
    password: str,
    *,
    display_name: str = "",
    role: str = "resident",
    affiliation: str = "",
) -> User:
    """Create an account, its address verified; usernames and e-mail addresses are unique,
    case-insensitively, and the display name may not read like anyone else's name."""
    fields: dict[str, str] = {}
    username = _check_username(session, fields, username)
    if "username" not in fields:
        profiles.check_username_look(session, fields, username)
    email = _check_email(session, fields, email)
    if password_problem(password):
        fields["password"] = password_problem(password)
    display_name = profiles.check_display_name(
        session, fields, display_name or username, username=valid_username(fields, username)
    )
    affiliation = check_display(fields, "affiliation", affiliation, max_length=120, required=False)
    check_choice(fields, "role", role, SITE_ROLES)
    raise_if(fields)
    user = new_user(username, email, password, display_name=display_name, role=role, affiliation=affiliation)
    user.email_verified_at = clock.now()
    session.add(user)
    session.commit()
    return user


def new_user(username: str, email: str, password: str, **fields) -> User:
    """An account of checked values, not yet added to the session."""
    return User(username=username, email=email, password_hash=hash_password(password), **fields)


def password_problem(password):
    """Why a new password is refused (a Message), or None."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        return Message("at least %(count)d characters", count=MIN_PASSWORD)
    return text_problems(password)


def hash_password(password: str) -> str:
    """The hash to store of a new password (Argon2id, services/passwords.py)."""
    return passwords.hash_password(password)


def email_problem(email: str):
    """Why a (stripped) e-mail address is refused (a Message), or None."""
    if not EMAIL_RE.match(email) or len(email) > 254 or display_problems(email):
        return Message("a valid e-mail address")
    return None


def valid_username(fields: dict, username: str) -> str:
    """The username once `username_form` accepted it, else "" (a malformed one, NUL bytes and
    all, must never reach a query)."""
    return "" if "username" in fields else username


def username_form(fields: dict, username) -> str:
    """The username as stored (stripped, lowercase), with a field message when malformed."""
    username = (username or "").strip().lower() if isinstance(username, str) else ""
    if not USERNAME_RE.match(username):
        fields["username"] = Message("3–40 characters: lowercase letters, digits, - and _")
    return username


def email_form(fields: dict, email) -> str:
    """The address as stored (stripped), with a field message when malformed."""
    email = (email or "").strip() if isinstance(email, str) else ""
    if email_problem(email):
        fields["email"] = email_problem(email)
    return email


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def user_by_email(session: Session, email: str) -> User | None:
    """The account of an address, compared case-insensitively."""
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _check_username(session: Session, fields: dict, username) -> str:
    username = username_form(fields, username)
    if "username" not in fields and user_by_username(session, username):
        fields["username"] = Message("this name is taken")
    return username


def _check_email(session: Session, fields: dict, email) -> str:
    email = email_form(fields, email)
    if "email" not in fields and user_by_email(session, email):
        fields["email"] = Message("an account with this address exists")
    return email


class AccountSuspended(Forbidden):
    """The right password for an account an admin suspended."""

    code = "account_suspended"


def authenticate(session: Session, login: str, password: str) -> User | None:
    """Return the active user with this username or e-mail and password, else None.

    A suspended account is refused with AccountSuspended, but only once the password is right:
    to anyone else it answers exactly as a wrong password does (no account enumeration), and in
    the same time: an unknown login is checked against a dummy hash of the same cost. A right
    password kept in an older hash (or at another cost) is hashed again."""
    login = (login or "").strip().lower() if isinstance(login, str) else ""
    if text_problems(login):
        return passwords.verify_nothing(password) or None  # PostgreSQL cannot compare NUL
    user = session.scalar(select(User).where((User.username == login) | (func.lower(User.email) == login)))
    if user is None:
        return passwords.verify_nothing(password) or None
    if not passwords.verify(user.password_hash, password) or not user.active:
        return None
    if passwords.needs_upgrade(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    if user.suspended_at is not None:
        raise AccountSuspended(
            Message(
                "This account is suspended, so it cannot sign in. Reason: %(reason)s",
                reason=user.suspended_reason,
            )
        )
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").lower()))
    if user is None:
        raise NotFound(Message("No user named “%(name)s”.", name=username))
    return user


def set_role(session: Session, actor: User | None, username: str, role: str) -> User:
    """Change a site role; `actor` None means the command line, which may do it."""
    if actor is not None and not may_assign_roles(actor.role):
        raise Forbidden(Message("Only administrators change roles."))
    if role not in SITE_ROLES:
        raise Invalid({"role": one_of(SITE_ROLES)})
    user = get_user(session, username)
    old, user.role = user.role, role
    audit.record(
        session,
        actor,
        "role_changed",
        subject_type="user",
        subject_id=user.username,
        details={"from": old, "to": role},
    )
    session.commit()
    return user


def password_is_right(user: User, password) -> bool:
    """Whether `password` is the account's password (asked again before sensitive changes)."""
    return passwords.verify(user.password_hash, password)


def require_password(fields: dict, user: User, password, field: str = "current_password") -> None:
    """Add a field message unless `password` is the account's password."""
    if not password_is_right(user, password):
        fields[field] = Message("this is not your current password")


def change_password(
    session: Session, user: User, current, new, *, current_session_id: int | None = None
) -> User:
    """Set a new password, given the current one. The account's password-reset links are spent,
    and every other browser is signed out (whoever knew the old password is signed out with it);
    the browser of `current_session_id` stays signed in, and API tokens keep working (each is
    revoked on its own, or all by signing out everywhere)."""
    fields: dict = {}
    require_password(fields, user, current)
    if password_problem(new):
        fields["new_password"] = password_problem(new)
    raise_if(fields)
    user.password_hash = hash_password(new)
    _spend_reset_links(session, user)
    sign_in_sessions.end_other_browsers(session, user, current_session_id, "password_change")
    session.commit()
    return user


def _spend_reset_links(session: Session, user: User) -> None:
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def create_token_confirmed(session: Session, user: User, name, password) -> str:
    """Create a named API token for `user` once they have typed their password again (the web's
    settings: a session cookie alone must not mint a credential that outlives it)."""
    fields: dict = {}
    require_password(fields, user, password)
    name = check_display(fields, "name", name, max_length=80)
    raise_if(fields)
    return create_token(session, user, name)


def create_token(session: Session, user: User, name: str = "") -> str:
    """Create an API token for `user` and return it; only its hash is kept."""
    fields: dict[str, str] = {}
    name = check_display(fields, "name", name, max_length=80, required=False)
    raise_if(fields)
    token = new_token("gw_")
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), name=name))
    session.commit()
    return token


def revoke_token(session: Session, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(Message("No such token."))
    token.revoked_at = token.revoked_at or utcnow()
    session.commit()


def user_for_token(session: Session, token: str) -> User | None:
    """Return the active user a bearer token belongs to, or None if unknown, revoked or suspended."""
    if not token or len(token) > 200:
        return None
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if record is None or record.revoked_at is not None or not record.user.is_active:  # suspended too
        return None
    if record.last_used_at is None or utcnow() - record.last_used_at > TOKEN_TOUCH_INTERVAL:
        record.last_used_at = utcnow()
        session.commit()
    return record.user


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    )
