"""Accounts: registration, sign-in, site roles and API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from govwiki.core.policy import SITE_ROLES, may_assign_roles
from govwiki.core.text import display_problems, text_problems
from govwiki.core.tokens import new_token, token_hash
from govwiki.core.messages import Message
from govwiki.models import ApiToken, User, utcnow
from govwiki.services import audit
from govwiki.services.errors import Forbidden, Invalid, NotFound
from govwiki.services.validation import one_of, check_choice, check_display, raise_if

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,38}[a-z0-9]$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
#: werkzeug hashing method; tests switch to a cheaper one
PASSWORD_METHOD = "scrypt"
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
    """Create an account; usernames and e-mail addresses are unique, case-insensitively."""
    fields: dict[str, str] = {}
    username = _check_username(session, fields, username)
    email = _check_email(session, fields, email)
    if password_problem(password):
        fields["password"] = password_problem(password)
    display_name = check_display(fields, "display_name", display_name or username, max_length=80)
    affiliation = check_display(fields, "affiliation", affiliation, max_length=120, required=False)
    check_choice(fields, "role", role, SITE_ROLES)
    raise_if(fields)
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        role=role,
        affiliation=affiliation,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.commit()
    return user


def password_problem(password):
    """Why a new password is refused (a Message), or None."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        return Message("at least %(count)d characters", count=MIN_PASSWORD)
    return text_problems(password)


def hash_password(password: str) -> str:
    return generate_password_hash(password, PASSWORD_METHOD)


def email_problem(email: str):
    """Why a (stripped) e-mail address is refused (a Message), or None."""
    if not EMAIL_RE.match(email) or len(email) > 254 or display_problems(email):
        return Message("a valid e-mail address")
    return None


def _check_username(session: Session, fields: dict, username) -> str:
    username = (username or "").strip().lower() if isinstance(username, str) else ""
    if not USERNAME_RE.match(username):
        fields["username"] = Message("3–40 characters: lowercase letters, digits, - and _")
    elif session.scalar(select(User.id).where(User.username == username)):
        fields["username"] = Message("this name is taken")
    return username


def _check_email(session: Session, fields: dict, email) -> str:
    email = (email or "").strip() if isinstance(email, str) else ""
    if email_problem(email):
        fields["email"] = email_problem(email)
    elif session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        fields["email"] = Message("an account with this address exists")
    return email


class AccountSuspended(Forbidden):
    """The right password for an account an admin suspended."""

    code = "account_suspended"


def authenticate(session: Session, login: str, password: str) -> User | None:
    """Return the active user with this username or e-mail and password, else None.

    A suspended account is refused with AccountSuspended, but only once the password is right:
    to anyone else it answers exactly as a wrong password does (no account enumeration)."""
    login = (login or "").strip().lower()
    if text_problems(login):
        return None  # no account has such a name or address, and PostgreSQL cannot compare NUL
    user = session.scalar(select(User).where((User.username == login) | (func.lower(User.email) == login)))
    if user is None or not user.active or not check_password_hash(user.password_hash, password or ""):
        return None
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
