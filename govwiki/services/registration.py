"""Registering on the web, without telling anyone which names or addresses have accounts.

Every registration that passes the checks of its fields' form (which depend on nothing but what
was typed and on public names) gets the same answer, "we sent a mail to <address> to finish",
and finishes by mail:
- a free username and a free address: an unverified account is made (not signed in) and the
  address gets a link that verifies it and signs in;
- an address that has an account: its owner is told ("you have an account: sign in, or reset
  your password"), and nothing is made;
- a taken username with a free address: the address gets a link back to the registration
  form, the address filled in, saying that the name is taken.
Every branch hashes the password and writes one mail in one transaction, so that the answer
takes about the same time whichever it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govwiki.models import User
from govwiki.services import accounts, email_addresses, outbox, profiles
from govwiki.services.validation import raise_if


@dataclass(frozen=True)
class Links:
    """The web's addresses the mails point at."""

    #: the link of a verification token
    verify: Callable[[str], str]
    #: the registration form with this address filled in
    register_again: Callable[[str], str]
    sign_in: str
    forgot_password: str


def register(
    session: Session, *, username, email, password, display_name="", locale: str, links: Links
) -> str:
    """Check the form, then finish by mail as the module says; return the address mailed."""
    fields: dict = {}
    username = accounts.username_form(fields, username)
    email = accounts.email_form(fields, email)
    if accounts.password_problem(password):
        fields["password"] = accounts.password_problem(password)
    if "username" not in fields:
        profiles.check_username_look(session, fields, username)
    display_name = profiles.check_display_name(
        session, fields, display_name or username, username=accounts.valid_username(fields, username)
    )
    raise_if(fields)
    password_hash = accounts.hash_password(password)  # in every branch: the same time for each
    try:
        _finish(session, username, email, display_name, password_hash, locale, links)
    except IntegrityError:  # someone took the name or the address a moment ago: tell by mail
        session.rollback()
        _finish(session, username, email, display_name, password_hash, locale, links)
    return email


def _finish(session, username, email, display_name, password_hash, locale, links: Links) -> None:
    owner = accounts.user_by_email(session, email)
    if owner is not None:
        outbox.enqueue(
            session,
            "account_exists",
            owner.email,
            user=owner,
            locale=owner.locale or locale,
            params={
                "username": owner.username,
                "sign_in_url": links.sign_in,
                "reset_url": links.forgot_password,
            },
        )
    elif accounts.user_by_username(session, username) is not None:
        outbox.enqueue(
            session,
            "username_taken",
            email,
            locale=locale,
            params={"username": username, "register_url": links.register_again(email)},
        )
    else:
        user = User(username=username, email=email, display_name=display_name, password_hash=password_hash)
        session.add(user)
        session.flush()
        email_addresses.issue(session, user, email, kind="verify_email", locale=locale, link=links.verify)
    session.commit()
