"""Claiming a slug (the address of a consultation or page) that nothing else has."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from govwiki.core.slugs import slugify, unique_slug
from govwiki.services.errors import Conflict


def claim_slug(session: Session, column, wanted: str | None, title: str, *, fallback: str) -> str:
    """Return `wanted` if free (409 slug_taken if not), or a free slug made from `title`.

    Two creations racing for one slug are settled by the unique constraint at commit."""

    def taken(candidate: str) -> bool:
        return bool(session.scalar(select(exists().where(column == candidate))))

    if wanted:
        if taken(wanted):
            raise Conflict("slug_taken", f"The address {wanted!r} is taken.", slug=wanted)
        return wanted
    return unique_slug(slugify(title), taken, fallback=fallback)
