"""What a page view's cache key is made of, and reading it for a stranger without ORM objects.

A cached view is named by its page's situation (web/page_cache.py): the page and its head, the
consultation's last change and whether it accepts contributions, the discussion's version and
the number of open suggestions. For a signed-out reader that is all a cached view needs, so
`for_stranger` reads it as plain columns in one statement and asks the policy whether a
stranger may read the page; building the Page and Consultation objects cost as much as the
rest of such a view (they are loaded only when the view is not cached yet).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from govwiki.core.policy import Action, Situation, decide
from govwiki.models import Consultation, Page
from govwiki.services import clock
from govwiki.services.access import open_count


class PageFacts(NamedTuple):
    """A page's situation, as every view of it is keyed."""

    page_id: int
    head_number: int
    updated_at: datetime
    discussion_version: int
    consultation_updated_at: datetime
    situation: Situation

    @classmethod
    def of(cls, page: Page) -> PageFacts:
        consultation = page.consultation
        return cls(
            page.id,
            page.head_number,
            page.updated_at,
            page.discussion_version,
            consultation.updated_at,
            consultation.situation(clock.now()),
        )


class StrangersPage(NamedTuple):
    facts: PageFacts
    open_count: int


def for_stranger(session: Session, slug: str) -> StrangersPage | None:
    """The page `slug`'s facts and open suggestions if a signed-out reader may read it; None if
    there is no such page or they may not (the caller's full path says which, as it always has)."""
    row = session.execute(_stranger_query(), {"slug": slug}).first()
    if row is None:
        return None
    page_id, head, updated, version, consultation_updated, status, edit_policy, visibility, closes, count = (
        row
    )
    situation = Situation(status, edit_policy, visibility, closes, clock.now())
    if not decide(None, None, Action.READ, situation):
        return None
    return StrangersPage(PageFacts(page_id, head, updated, version, consultation_updated, situation), count)


@functools.cache
def _stranger_query():
    """`for_stranger`'s statement, built once, of the tables' plain columns (ORM-annotated ones
    send even a Core statement through the ORM's compilation on every execution)."""
    pages, consultations = Page.__table__, Consultation.__table__
    return (
        select(
            pages.c.id,
            pages.c.head_number,
            pages.c.updated_at,
            pages.c.discussion_version,
            consultations.c.updated_at,
            consultations.c.status,
            consultations.c.edit_policy,
            consultations.c.visibility,
            consultations.c.closes_at,
            open_count(pages.c.id),
        )
        .join(consultations, consultations.c.id == pages.c.consultation_id)
        .where(pages.c.slug == bindparam("slug"))
    )
