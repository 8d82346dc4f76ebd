"""Reading history: diffs between any two revisions, blame of any revision, and which revision
introduced a phrase (from one revision's blame: core/phrase_origins.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, joinedload

from govwiki.core import phrase_origins
from govwiki.core.blame import blame_spans, unpack_blame
from govwiki.core.diff import DEFAULT_TIMEOUT, DiffOp
from govwiki.core.diff_cache import diff_once
from govwiki.core.messages import Message
from govwiki.models import Page, Revision, User
from govwiki.services.errors import Invalid
from govwiki.services.pages import get_revision, no_such_revision, page_head_number, require_revision_number
from govwiki.services.revision_list import ListedRevision, listed_pair

#: at most this many places of a phrase are listed (all are counted)
MAX_PLACES = 100


@dataclass(frozen=True)
class RevisionDiff:
    old: ListedRevision
    new: ListedRevision
    #: shared with every other view of the same two texts: read-only
    ops: tuple[DiffOp, ...]
    stats: dict


@dataclass(frozen=True)
class BlameSpan:
    text: str
    revision: int
    author: User
    #: when that revision was saved, and its edit summary (what a reader asks "who, when, why")
    created_at: datetime | None = None
    summary: str = ""


def diff_revisions(
    session: Session, page: Page, from_number=None, to_number=None, *, timeout: float = DEFAULT_TIMEOUT
) -> RevisionDiff:
    """Diff two revisions; defaults: the head against the revision before it."""
    if to_number is None:
        to_number = page_head_number(session, page)
    if from_number is None:
        from_number = max(1, to_number - 1)
    for number in (from_number, to_number):
        require_revision_number(number)
    found = listed_pair(session, page, from_number, to_number)
    for number in (from_number, to_number):
        if number not in found:
            raise no_such_revision(number)
    old, new = found[from_number], found[to_number]
    # Revisions never change: the diff is computed once per process, and the bodies are read
    # only when it is not cached yet, with the diff's shape kept at the new one's save (which
    # fits when the old one is the text it was saved over).
    diff = diff_once(
        old.sha256, new.sha256, lambda: _bodies(session, page, from_number, to_number), timeout=timeout
    )
    return RevisionDiff(old, new, diff.ops, dict(diff.stats))


def _bodies(session: Session, page: Page, old: int, new: int) -> tuple[str, str, bytes | None]:
    """The two revisions' texts and the new one's kept diff shape."""
    query = select(Revision.number, Revision.body, Revision.diff_shape).where(
        Revision.page_id == page.id, Revision.number.in_((old, new))
    )
    rows = {number: (body, shape) for number, body, shape in session.execute(query)}
    return rows[old][0], rows[new][0], rows[new][1]


def blame_revision(session: Session, page: Page, number=None) -> tuple[Revision, list[BlameSpan]]:
    """Attribute every span of a revision to the revision (and author) that introduced it."""
    revision = get_revision(session, page, number if number is not None else page_head_number(session, page))
    pieces = blame_spans(revision.body, unpack_blame(revision.blame))
    sources = _sources_of(session, page, {number for _, number in pieces})
    spans = [BlameSpan(text, number, *sources[number]) for text, number in pieces]
    return revision, spans


def _sources_of(session: Session, page: Page, numbers: set[int]) -> dict[int, tuple]:
    """Per revision number: its author, when it was saved and its edit summary."""
    rows = session.execute(
        select(Revision.number, User, Revision.created_at, Revision.summary)
        .join(User, User.id == Revision.author_id)
        .where(Revision.page_id == page.id, Revision.number.in_(numbers))
    )
    return {number: (user, created_at, summary or "") for number, user, created_at, summary in rows}


@dataclass(frozen=True)
class PhrasePlace:
    """One place a phrase stands in the searched revision, and who made it stand there."""

    start: int
    end: int
    before: str
    text: str
    after: str
    #: the revision after which the phrase stood whole here (with its author, loaded)
    introduced: Revision
    #: the oldest revision that wrote a piece of it
    oldest: int


@dataclass(frozen=True)
class PhraseOrigins:
    #: the revision whose text was searched (the head unless another was asked for)
    revision: Revision
    total: int
    places: list[PhrasePlace]


def find_phrase(session: Session, page: Page, phrase, number=None) -> PhraseOrigins:
    """Where `phrase` stands in a revision of the page (default: the head) and which revision
    introduced it at each place, from that revision's stored blame; 422 for a phrase with no
    characters but white space, or longer than MAX_PHRASE_CHARS."""
    if not isinstance(phrase, str) or phrase_origins.phrase_pattern(phrase) is None:
        raise Invalid({"q": Message("Enter the words to look for.")})
    if len(phrase) > phrase_origins.MAX_PHRASE_CHARS:
        raise Invalid({"q": Message("at most %(count)d characters", count=phrase_origins.MAX_PHRASE_CHARS)})
    revision = get_revision(session, page, number if number is not None else page_head_number(session, page))
    found = phrase_origins.occurrences(revision.body, unpack_blame(revision.blame), phrase)
    shown = found[:MAX_PLACES]
    writers = _revisions_of(session, page, {place.introduced for place in shown})
    places = [
        PhrasePlace(
            place.start,
            place.end,
            *phrase_origins.context(revision.body, place),
            writers[place.introduced],
            place.oldest,
        )
        for place in shown
    ]
    return PhraseOrigins(revision, len(found), places)


def _revisions_of(session: Session, page: Page, numbers: set[int]) -> dict[int, Revision]:
    """The page's revisions `numbers`, without their text, with their authors."""
    if not numbers:
        return {}
    rows = session.scalars(
        select(Revision)
        .options(
            defer(Revision.body, raiseload=True), joinedload(Revision.author), joinedload(Revision.merged_by)
        )
        .where(Revision.page_id == page.id, Revision.number.in_(numbers))
    )
    return {row.number: row for row in rows}
