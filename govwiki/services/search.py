"""Searching on behalf of someone: what they may read, up to date with every commit."""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh.index import LockError

from govwiki.core import moments, policy
from govwiki.core.messages import Message
from govwiki.models import Consultation, User
from govwiki.search.index import KINDS, SearchIndex, SearchRequest, SearchResult
from govwiki.services.access import load_consultation
from govwiki.services.errors import Invalid, SearchRebuilding
from govwiki.services.validation import check_datetime
from govwiki.services import proposal_review, search_queue, search_rebuild
from govwiki.services.search_documents import readable_consultations

log = logging.getLogger(__name__)


def search(session: Session, actor: User | None, index: SearchIndex, **asked) -> SearchResult:
    """Hits for `asked` (SearchRequest's fields but `readable`) among what `actor` may read.
    Changes committed before the call are all found: the queue is drained first. A missing or
    broken index is rebuilt from the database: at once when the site is small, otherwise in the
    background, and meanwhile SearchRebuilding (503) says so."""
    engine = session.get_bind()
    request = SearchRequest(readable=readable_consultations(session, actor), **asked)
    try:
        search_rebuild.make_ready(engine, index)
        return _drained_search(engine, index, request)
    except SearchRebuilding:
        raise
    except Exception:  # whoosh raises many kinds for a damaged folder: all mean the same here
        log.exception("search index %s is damaged: setting it aside and rebuilding", index.folder)
        search_rebuild.set_aside(index)
        search_rebuild.make_ready(engine, index)
        return _drained_search(engine, index, request)


def _drained_search(engine, index: SearchIndex, request: SearchRequest) -> SearchResult:
    try:
        search_queue.drain(engine, index)
    except LockError:
        # Another worker has held the index for WRITE_TIMEOUT: it is draining the same queue.
        # Answer from the index as it stands; the rows stay queued for the next search.
        log.warning("search index %s busy: searching without the newest changes", index.folder)
    return index.search(request)


SORTS = ("relevance", "date")
#: statuses a filter may name: a consultation's (for its pages), a proposal's, a comment's
STATUSES = tuple(dict.fromkeys((*policy.STATUSES, *proposal_review.STATUSES, "visible")))


def asked(session: Session, actor: User | None, params, page: int, per_page: int, zone=timezone.utc) -> dict:
    """SearchRequest's fields (but `readable`) from query parameters (q, type, consultation,
    status, author, since, until, sort); 422 naming each one that is not understood. The text
    itself is never refused: any text is a query. `since` and `until` may be bare dates: from the
    start of the one to the end of the other in the time zone `zone`."""
    fields, wanted = {}, {"text": params.get("q") or "", "page": page, "per_page": per_page}
    kinds = tuple(kind for kind in (params.get("type") or "").split(",") if kind)
    if any(kind not in KINDS for kind in kinds):
        fields["type"] = Message("one or more of %(kinds)s, separated by commas", kinds=", ".join(KINDS))
    wanted["kinds"] = kinds
    if params.get("consultation"):
        wanted["consultation"] = load_consultation(session, actor, params["consultation"]).id
    for name, allowed in (("status", STATUSES), ("sort", SORTS)):
        value = params.get(name) or None
        if value is not None and value not in allowed:
            fields[name] = Message("one of %(values)s", values=", ".join(allowed))
        elif value is not None:
            wanted[name] = value
    if params.get("author"):
        wanted["author"] = params["author"]
    for name, end in (("since", False), ("until", True)):
        moment = _moment(fields, name, params.get(name), zone, end)
        if moment is not None:
            wanted[name] = moment
    if fields:
        raise Invalid(fields)
    return wanted


def _moment(fields: dict, name: str, value, zone, end: bool) -> datetime | None:
    """An ISO 8601 moment with offset, or a bare date (its first or, when `end`, its last moment
    in `zone`)."""
    if not value:
        return None
    try:
        return moments.day_bounds(date.fromisoformat(value), zone)[1 if end else 0]
    except ValueError:
        pass
    moment = check_datetime(fields, name, value)
    if name in fields:
        fields[name] = Message(
            "a date such as 2026-12-31, or a date and time with offset such as 2026-12-31T17:00:00+08:00"
        )
    return moment


def consultation_facets(session: Session, result: SearchResult) -> list[tuple[Consultation, int]]:
    """The consultations among the hits with how many each has, the fullest first."""
    if not result.consultations:
        return []
    rows = session.scalars(select(Consultation).where(Consultation.id.in_(result.consultations)))
    return sorted(
        ((row, result.consultations[row.id]) for row in rows), key=lambda pair: (-pair[1], pair[0].title)
    )
