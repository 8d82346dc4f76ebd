"""Resetting a forgotten password by mail.

Asking never says whether an account exists: the same answer whatever was typed, and the mail
(through the outbox) goes only to an account's own address. Nor does it take longer for an
account's address than for an address without one: that address is told, by a mail of its own,
that it has no account here (so both write one mail and commit). Usernames are public handles,
so an unknown username writes nothing. The link's token is random, kept only
as its sha256, works once and for an hour; using it sets the new password, spends every other
reset link of the account, ends its signed-in sessions and remembered devices, revokes its API
tokens (whoever knew the old password may have used it), and confirms the account's address (the
link came to it). A suspended account gets no link.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.tokens import new_token, token_hash
from govwiki.core.text import text_problems
from govwiki.models import PasswordReset, User
from govwiki.services import accounts, clock, outbox, sign_in_sessions
from govwiki.services.errors import Gone, Invalid, NotFound

VALID_FOR = timedelta(hours=1)


def request_reset(session: Session, login, *, locale: str, link: Callable[[str], str]) -> None:
    """Mail a reset link to the account with this username or e-mail address, if there is one
    that may sign in; answer the same either way."""
    login = login.strip().lower() if isinstance(login, str) else ""
    if not login or text_problems(login):
        return
    user = session.scalar(select(User).where((User.username == login) | (func.lower(User.email) == login)))
    if user is None and accounts.email_problem(login) is None:
        outbox.enqueue(session, "no_account", login, locale=locale, params={"email": login})
        session.commit()
        return
    if user is None or not user.is_active:
        return
    token, now = new_token(), clock.now()
    session.add(
        PasswordReset(
            user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=now + VALID_FOR
        )
    )
    outbox.enqueue(
        session,
        "password_reset",
        user.email,
        user=user,
        locale=locale,
        params={"name": user.display_name, "username": user.username, "secret_url": link(token)},
    )
    session.commit()


def check_token(session: Session, token) -> PasswordReset:
    """The reset of a link's token: 404 unknown, 410 used or expired."""
    if not isinstance(token, str) or not token or len(token) > 200:
        raise NotFound(Message("No such password reset link."))
    reset = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if reset is None:
        raise NotFound(Message("No such password reset link."))
    if reset.used_at is not None or clock.now() >= reset.expires_at:
        raise _gone()
    return reset


def reset_password(session: Session, token, password) -> User:
    """Set the account's new password with the link's token, once."""
    reset = check_token(session, token)
    problem = accounts.password_problem(password)
    if problem:
        raise Invalid({"password": problem})
    now = clock.now()
    spent = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not spent:
        session.rollback()
        raise _gone()
    user = session.get(User, reset.user_id)
    user.password_hash = accounts.hash_password(password)
    # the link came to the account's address: whoever used it can read that mailbox
    user.email_verified_at = user.email_verified_at or now
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    # whoever knew the old password may be signed in or have made tokens: all of it ends
    sign_in_sessions.end_everything(session, user, "password_reset", now=now)
    session.commit()
    return user


def _gone() -> Gone:
    return Gone(Message("This password reset link was used already or has expired. Ask for a new one."))
