"""Reading history: diffs between any two revisions and blame of any revision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from govwiki.core.blame import blame_spans, unpack_blame
from govwiki.core.diff import DEFAULT_TIMEOUT, DiffOp
from govwiki.core.diff_cache import diff_once
from govwiki.models import Page, Revision, User
from govwiki.services.pages import get_revision, page_head_number


@dataclass(frozen=True)
class RevisionDiff:
    old: Revision
    new: Revision
    #: shared with every other view of the same two texts: read-only
    ops: tuple[DiffOp, ...]
    stats: dict


@dataclass(frozen=True)
class BlameSpan:
    text: str
    revision: int
    author: User


def diff_revisions(
    session: Session, page: Page, from_number=None, to_number=None, *, timeout: float = DEFAULT_TIMEOUT
) -> RevisionDiff:
    """Diff two revisions; defaults: the head against the revision before it."""
    if to_number is None:
        to_number = page_head_number(session, page)
    if from_number is None:
        from_number = max(1, to_number - 1)
    old = get_revision(session, page, from_number, with_body=False)
    new = get_revision(session, page, to_number, with_body=False)
    # Revisions never change: the diff is computed once per process, and the bodies are read
    # only when it is not cached yet.
    found = diff_once(old.sha256, new.sha256, lambda: (old.body, new.body), timeout=timeout)
    return RevisionDiff(old, new, found.ops, dict(found.stats))


def blame_revision(session: Session, page: Page, number=None) -> tuple[Revision, list[BlameSpan]]:
    """Attribute every span of a revision to the revision (and author) that introduced it."""
    revision = get_revision(session, page, number if number is not None else page_head_number(session, page))
    pieces = blame_spans(revision.body, unpack_blame(revision.blame))
    authors = _authors_of(session, page, {number for _, number in pieces})
    spans = [BlameSpan(text, number, authors[number]) for text, number in pieces]
    return revision, spans


def _authors_of(session: Session, page: Page, numbers: set[int]) -> dict[int, User]:
    rows = session.execute(
        select(Revision.number, User)
        .join(User, User.id == Revision.author_id)
        .where(Revision.page_id == page.id, Revision.number.in_(numbers))
    )
    return {number: user for number, user in rows}
