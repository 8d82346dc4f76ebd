"""What people show of themselves: display name, affiliation and language.

One rule for display names, at registration, in the settings and on the command line: a short
text without invisible characters that does not read like another account's display name or
username (core.names.name_key: case, fullwidth forms, look-alike letters and separators do not
count) and does not put a role in brackets. Roles are shown by the app beside the name.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.core.names import name_key, role_problem
from govwiki.models import User
from govwiki.services.validation import check_choice, check_display, raise_if

MAX_DISPLAY_NAME = 80
MAX_AFFILIATION = 120
#: the interface languages a person may choose; "" follows the browser
LOCALES = ("", "en", "zh")


def check_display_name(
    session: Session, fields: dict, name, *, user: User | None = None, username: str = ""
) -> str:
    """The display name as stored, with a field message when it is refused. `user` is the
    account it is for (its own names never collide with it); `username` is a new account's
    username, whose owner, if the name is taken, is not counted either (registration answers
    a taken name by mail, never on the form)."""
    name = check_display(fields, "display_name", name, max_length=MAX_DISPLAY_NAME)
    if "display_name" in fields:
        return name
    problem = role_problem(name) or _taken(session, name, user, username)
    if problem:
        fields["display_name"] = problem
    return name


def check_username_look(session: Session, fields: dict, username: str) -> None:
    """A field message when a new username reads like another account's name (the account of
    that very username aside: a taken name is answered by mail at registration)."""
    problem = _taken(session, username, None, username)
    if problem:
        fields["username"] = problem


def _taken(session: Session, name: str, user: User | None, username: str):
    key = name_key(name)
    if not key:
        return Message("required")
    query = select(User.id).where(or_(User.display_key == key, User.username_key == key))
    if user is not None:
        query = query.where(User.id != user.id)
    if username:
        query = query.where(User.username != username)
    if session.scalar(query.limit(1)) is not None:
        return Message("this reads like the name of someone else on GovWiki; choose another")
    return None


def update_profile(session: Session, user: User, *, display_name, affiliation, locale) -> User:
    """Change what `user` shows of themselves and the language they read GovWiki in."""
    fields: dict = {}
    display_name = check_display_name(session, fields, display_name, user=user)
    affiliation = check_display(
        fields, "affiliation", affiliation or "", max_length=MAX_AFFILIATION, required=False
    )
    locale = check_choice(fields, "locale", locale or "", LOCALES)
    raise_if(fields)
    user.display_name, user.affiliation, user.locale = display_name, affiliation, locale
    session.commit()
    return user
