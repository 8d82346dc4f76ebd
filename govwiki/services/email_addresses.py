"""Proving an e-mail address: after registering, and when moving an account to a new address.

A link is mailed (through the outbox) to the address it proves; its token is random, kept only
as its sha256, works once and for VALID_FOR. Using it marks the account's address verified, or,
for a new address, makes it the account's address only then: until the link is used the account
keeps its old one, which was told of the request. A newer link, or a used one, spends the
account's other links. Asking to move to an address that already has an account changes
nothing and tells the asker no more than any other request (that address's owner gets a notice
instead of a link).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.tokens import new_token, token_hash
from govwiki.models import EmailVerification, User
from govwiki.services import accounts, clock, outbox
from govwiki.services.errors import Conflict, Gone, NotFound
from govwiki.services.validation import raise_if

VALID_FOR = timedelta(hours=24)
#: makes the link of a token (the web layer's, with the site's address)
Link = Callable[[str], str]


def issue(session: Session, user: User, email: str, *, kind: str, locale: str, link: Link) -> None:
    """Add a link proving `email` for `user` and its mail to the caller's transaction (the
    caller commits); the account's earlier links stop working."""
    _spend_links(session, user)
    token, now = new_token(), clock.now()
    session.add(
        EmailVerification(
            user=user, email=email, token_hash=token_hash(token), created_at=now, expires_at=now + VALID_FOR
        )
    )
    outbox.enqueue(
        session,
        kind,
        email,
        user=user,
        locale=user.locale or locale,
        params={
            "name": user.display_name,
            "username": user.username,
            "email": email,
            "secret_url": link(token),
        },
    )


def resend(session: Session, user: User, *, locale: str, link: Link) -> None:
    """Mail a new link for the account's own address, unless it is verified already."""
    if user.is_verified:
        raise Conflict("already_verified", Message("Your e-mail address is verified already."))
    issue(session, user, user.email, kind="verify_email", locale=locale, link=link)
    session.commit()


def request_change(session: Session, user: User, *, email, password, locale: str, link: Link) -> str:
    """Ask to move `user` to a new address, with their current password; return the address.
    The new address gets a link (or, when it has an account already, a notice), the old one a
    notice; the account's address changes only when the link is used."""
    fields: dict = {}
    accounts.require_password(fields, user, password)
    email = accounts.email_form(fields, email)
    if "email" not in fields and email.lower() == user.email.lower():
        fields["email"] = Message("this is your address already")
    raise_if(fields)
    owner = accounts.user_by_email(session, email)
    if owner is None:
        issue(session, user, email, kind="email_change", locale=locale, link=link)
    else:
        outbox.enqueue(session, "email_in_use", email, user=owner, locale=owner.locale or locale, params={})
    outbox.enqueue(
        session,
        "email_change_notice",
        user.email,
        user=user,
        locale=user.locale or locale,
        params={"username": user.username, "new_email": email},
    )
    session.commit()
    return email


def check_token(session: Session, token) -> EmailVerification:
    """The verification of a link's token: 404 unknown, 410 used or expired."""
    if not isinstance(token, str) or not token or len(token) > 200:
        raise NotFound(Message("No such verification link."))
    found = session.query(EmailVerification).filter_by(token_hash=token_hash(token)).one_or_none()
    if found is None:
        raise NotFound(Message("No such verification link."))
    if found.used_at is not None or clock.now() >= found.expires_at:
        raise _gone()
    return found


def verify(session: Session, token) -> User:
    """Use a link, once: its address becomes the account's, verified. 409 when the address has
    come to belong to another account meanwhile."""
    found = check_token(session, token)
    now = clock.now()
    spent = session.execute(
        update(EmailVerification)
        .where(
            EmailVerification.id == found.id,
            EmailVerification.used_at.is_(None),
            EmailVerification.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not spent:
        session.rollback()
        raise _gone()
    user = found.user
    if found.email.lower() != user.email.lower():
        owner = accounts.user_by_email(session, found.email)
        if owner is not None and owner.id != user.id:
            session.rollback()
            raise _taken()
        user.email = found.email
    user.email_verified_at = now
    _spend_links(session, user)
    try:
        session.commit()
    except IntegrityError:  # another account took the address between the check and the commit
        session.rollback()
        raise _taken() from None
    return user


def pending_address(session: Session, user: User) -> str | None:
    """The new address the account asked to move to, while its link still works."""
    found = (
        session.query(EmailVerification)
        .filter(
            EmailVerification.user_id == user.id,
            EmailVerification.used_at.is_(None),
            EmailVerification.expires_at > clock.now(),
        )
        .order_by(EmailVerification.id.desc())
        .first()
    )
    return found.email if found is not None and found.email.lower() != user.email.lower() else None


def _spend_links(session: Session, user: User) -> None:
    if user.id is None:
        return
    session.execute(
        update(EmailVerification)
        .where(EmailVerification.user_id == user.id, EmailVerification.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def _gone() -> Gone:
    return Gone(Message("This verification link was used already or has expired. Ask for a new one."))


def _taken() -> Conflict:
    return Conflict(
        "email_taken",
        Message(
            "This address has come to belong to another account, so it cannot be yours. Nothing changed."
        ),
    )
