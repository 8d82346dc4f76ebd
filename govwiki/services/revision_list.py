"""One screen of a page's history, read from what each revision stores beside its body.

History is the most read list of a wiki after the pages themselves, so a screen of it is one
query of plain columns: the revisions' metadata (sizes and words changed are stored at save
time), their author and merger, and the page's head number for the total. No body is selected
and no ORM object is built, so a row of a 1 MB page costs what a row of a short one does, and
the fiftieth screen of 5,000 revisions what the first of ten does (the range is on the unique
`(page_id, number)` index). The statements are built once; the page and range are parameters.
A diff names its two revisions the same way (`listed_pair`), and reads their bodies only when
it is not computed yet.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from govwiki.models import Page, Revision, User
from govwiki.services.pages import page_head_number


class Person(NamedTuple):
    """What a history row shows of someone (a name links to their profile, a badge shows their
    role and affiliation, a mark their suspension)."""

    id: int
    username: str
    display_name: str
    suspended_at: datetime | None
    affiliation: str


class ListedRevision(NamedTuple):
    """A revision as the history lists it: everything but its body and blame. A tuple of plain
    values, cheap to build and to hash: a screen's rows are the key of its cached HTML."""

    number: int
    parent_number: int | None
    created_at: datetime
    summary: str
    size: int
    chars: int
    words: int
    words_added: int
    words_removed: int
    sha256: str
    proposal_id: int | None
    reverted_to: int | None
    merged_from_base: int | None
    author: Person
    merged_by: Person | None


_REVISION_FIELDS = (
    "number parent_number created_at summary size chars words words_added words_removed sha256 "
    "proposal_id reverted_to merged_from_base"
).split()
_PERSON_FIELDS = ("id", "username", "display_name", "suspended_at", "affiliation")


def list_revisions(
    session: Session, page: Page, *, page_no: int = 1, per_page: int = 50
) -> tuple[list[ListedRevision], int]:
    """Return one screen of the history, newest first, and the total; cost does not grow with it."""
    values = {"page_id": page.id, "skip": (page_no - 1) * per_page, "per_page": per_page}
    rows = session.execute(_screen_query(), values).all()
    if not rows:  # a screen past the end: the total alone
        return [], page_head_number(session, page)
    return [_listed(row) for row in rows], rows[0].head


def listed_pair(session: Session, page: Page, first: int, second: int) -> dict[int, ListedRevision]:
    """Revisions `first` and `second` of the page as lists show them, by number (one query;
    a number the page does not have is missing from the answer)."""
    values = {"page_id": page.id, "first": first, "second": second}
    return {row.number: _listed(row) for row in session.execute(_pair_query(), values)}


def _listed(row) -> ListedRevision:
    # The row's columns in `_columns`' order: the revision's, its author's, its merger's.
    merger = row[_MERGER:_END]
    return ListedRevision(
        *row[:_AUTHOR], Person(*row[_AUTHOR:_MERGER]), None if merger[0] is None else Person(*merger)
    )


_AUTHOR = len(_REVISION_FIELDS)
_MERGER = _AUTHOR + len(_PERSON_FIELDS)
_END = _MERGER + len(_PERSON_FIELDS)


def _with_people(*extra):
    """A select of a revision's listed columns and its people's, then `extra` columns."""
    author, merger = aliased(User), aliased(User)
    return (
        select(
            *(getattr(Revision, name) for name in _REVISION_FIELDS),
            *(getattr(author, name).label(f"author_{name}") for name in _PERSON_FIELDS),
            *(getattr(merger, name).label(f"merger_{name}") for name in _PERSON_FIELDS),
            *extra,
        )
        .join(author, author.id == Revision.author_id)
        .outerjoin(merger, merger.id == Revision.merged_by_id)
        .where(Revision.page_id == bindparam("page_id"))
    )


@functools.cache
def _screen_query():
    # Read in the same statement as the rows: one round trip, and a total that matches them.
    head = select(Page.head_number).where(Page.id == bindparam("page_id")).scalar_subquery()
    top = head - bindparam("skip")
    return (
        _with_people(head.label("head"))
        .where(Revision.number <= top, Revision.number > top - bindparam("per_page"))
        .order_by(Revision.number.desc())
    )


@functools.cache
def _pair_query():
    return _with_people().where(Revision.number.in_([bindparam("first"), bindparam("second")]))
