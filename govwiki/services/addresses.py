"""Claiming a slug (the address of a consultation or page) that nothing else has."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from govwiki.core.slugs import RESERVED_SLUGS, slugify, unique_slug
from govwiki.core.messages import Message
from govwiki.services.errors import Conflict, Invalid

RESERVED_MESSAGE = Message("a word the site's own addresses use; choose another")


def claim_slug(session: Session, column, wanted: str | None, title: str, *, fallback: str) -> str:
    """Return `wanted` if free (409 slug_taken if not), or a free slug made from `title`.

    A route word (`new`) is never free: 422 when asked for, skipped when made from a title.
    Two creations racing for one slug are settled by the unique constraint at commit."""

    def taken(candidate: str) -> bool:
        return candidate in RESERVED_SLUGS or bool(
            session.scalar(select(exists().where(column == candidate)))
        )

    if wanted in RESERVED_SLUGS:
        raise Invalid({"slug": RESERVED_MESSAGE})
    if wanted:
        if taken(wanted):
            raise Conflict(
                "slug_taken", Message("The address “%(slug)s” is taken.", slug=wanted), slug=wanted
            )
        return wanted
    return unique_slug(slugify(title), taken, fallback=fallback)
