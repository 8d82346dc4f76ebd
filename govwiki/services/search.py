"""Searching on behalf of someone: what they may read, up to date with every commit."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session
from whoosh.index import LockError

from govwiki.core.messages import Message
from govwiki.models import User
from govwiki.search.index import KINDS, SearchIndex, SearchRequest, SearchResult
from govwiki.services.access import load_consultation
from govwiki.services.errors import Invalid, SearchRebuilding
from govwiki.services.validation import check_datetime
from govwiki.services import search_queue, search_rebuild
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
STATUSES = ("draft", "open", "closed", "adopted", "withdrawn", "merged", "rejected", "visible")


def asked(session: Session, actor: User | None, params, page: int, per_page: int) -> dict:
    """SearchRequest's fields (but `readable`) from query parameters (q, type, consultation,
    status, author, since, until, sort); 422 naming each one that is not understood. The text
    itself is never refused: any text is a query."""
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
    for name in ("since", "until"):
        moment = check_datetime(fields, name, params.get(name))
        if moment is not None:
            wanted[name] = moment
    if fields:
        raise Invalid(fields)
    return wanted
