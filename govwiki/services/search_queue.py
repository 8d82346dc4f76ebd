"""Keeping the search index right: every change to searchable text queues its row's key in the
same transaction; `drain` brings the index up to date with what has been committed.

Queuing happens in a flush listener, so no use case can forget it: a new revision queues its
page, a new or edited comment, proposal, page title or consultation queues itself, a deleted row
queues its key (the drain then finds it gone). Guarded bulk UPDATEs (a proposal's decision, a
comment hidden by a moderator) bypass the ORM's flush, and their services call `changed`.

Draining takes the index's write lock first and reads the queue and the rows after it, so the
last writer always writes the newest state; queue rows are deleted only once the index has
committed, so a worker that dies half-way loses nothing (the rows are read again next time).
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session

from govwiki.models import Comment, Consultation, Page, Proposal, Revision, SearchChange
from govwiki.search.index import SearchIndex
from govwiki.services import clock
from govwiki.services.search_documents import documents, every_key, key

log = logging.getLogger(__name__)

#: rows read from the queue per batch
BATCH = 500
#: the columns whose change changes a document
_SEARCHED = {
    Page: ("title",),
    Comment: ("body", "status"),
    Proposal: ("summary", "body", "status"),
    Consultation: ("title", "summary", "status"),
}
_KINDS = {Page: "page", Comment: "comment", Proposal: "proposal", Consultation: "consultation"}


def changed(session: Session, *keys: str) -> None:
    """Queue `keys` in the session's transaction (for changes made by bulk statements)."""
    _queue(session, set(keys))


@event.listens_for(Session, "after_flush")
def _record(session: Session, _context) -> None:
    keys = set()
    for row in session.new:
        keys |= _keys(row)
    for row in session.deleted:
        keys |= _keys(row)
    for row in session.dirty:
        columns = _SEARCHED.get(type(row), ())
        state = inspect(row)
        if any(state.attrs[column].history.has_changes() for column in columns):
            keys |= _keys(row)
    _queue(session, keys)


def _keys(row) -> set[str]:
    if isinstance(row, Revision):
        return {key("page", row.page_id)}
    kind = _KINDS.get(type(row))
    return {key(kind, row.id)} if kind else set()


def _queue(session: Session, keys: set[str]) -> None:
    if keys:
        at = clock.now()
        session.connection().execute(insert(SearchChange), [{"key": one, "at": at} for one in sorted(keys)])
        session.info[QUEUED] = True


#: set in a session's info when it queued changes (the request then drains after its commit)
QUEUED = "govwiki_search_queued"


def queued(session: Session) -> bool:
    """Whether `session` queued changes since this was last asked (and forget it)."""
    return bool(session.info.pop(QUEUED, False))


def drain(engine, index: SearchIndex) -> int:
    """Index every queued change; return how many documents were looked at."""
    done = 0
    while not _nothing_queued(engine):
        with Session(engine) as session:
            with index.batch() as batch:
                rows = session.execute(
                    select(SearchChange.id, SearchChange.key).order_by(SearchChange.id).limit(BATCH)
                ).all()
                keys = _with_pages_of_consultations(session, {row.key for row in rows})
                found, gone = documents(session, keys)
                batch.remove(gone)
                batch.put(found)
            # The index has committed; only now may the queue forget these rows. (A drain that
            # reads them again in between indexes the same or a newer state: harmless. It may
            # also forget them first: ids are never reused, so this deletes nothing newer.)
            if not rows:
                return done
            session.execute(delete(SearchChange).where(SearchChange.id.in_([row.id for row in rows])))
            session.commit()
        done += len(keys)
    return done


def _nothing_queued(engine) -> bool:
    """Whether the queue is empty, asked without the index's lock in a transaction of its own (the
    drain's reads must start after it has the lock). Empty means every committed change is in
    the index already, as queue rows go only after the index has committed: then there is no
    lock to wait for and no empty batch to commit (each commit may merge segments)."""
    with Session(engine) as session:
        return session.scalar(select(SearchChange.id).limit(1)) is None


def drain_after_response(response):
    """after_request: when the request queued changes, index them once the response has been
    sent (werkzeug calls `call_on_close` after the server has written the body), so that the
    index follows every commit without anyone waiting for it. Never fails anything: what could
    not be indexed stays queued for the next drain (a search drains first)."""
    from flask import current_app

    from govwiki.extensions import db

    if queued(db.session()):
        app = current_app._get_current_object()
        response.call_on_close(lambda: _drain_quietly(app))
    return response


def drain_after_request(error=None) -> None:
    """At the end of an app context outside a request (a command, a script) that queued
    changes: index them now. Requests have theirs drained after the response instead
    (`drain_after_response` took the mark, so this finds nothing to do)."""
    from flask import current_app

    from govwiki.extensions import db

    if queued(db.session()) and error is None:
        _drain_quietly(current_app._get_current_object())


def _drain_quietly(app) -> None:
    """Before the first search has built the index there is nothing to update (that build
    reads everything)."""
    from govwiki.extensions import db

    index = app.extensions["govwiki_search"]
    with app.app_context():
        if not index.exists():
            return
        try:
            drain(db.engine, index)
        except Exception:  # a busy or broken index must not turn a saved edit into an error page
            log.exception("search index %s not updated after a commit; the changes stay queued", index.folder)


def rebuild(engine, index: SearchIndex, progress=lambda done, total: None, procs: int = 1) -> int:
    """Index every searchable row into `index` (a new, empty one) with one writer (in `procs`
    processes) and one commit; return how many. Progress counts the documents handed to the
    writer and reaches the total once they are committed. Changes queued before it began are
    read with everything else, so they leave the queue."""
    with Session(engine) as session:
        covered = session.scalar(select(func.max(SearchChange.id)))
        keys = list(every_key(session))
        with index.bulk(procs) as batch:
            for start in range(0, len(keys), BATCH):
                found, _ = documents(session, keys[start : start + BATCH])
                batch.put(found)
                if start + BATCH < len(keys):
                    progress(start + BATCH, len(keys))
        progress(len(keys), len(keys))
        if covered is not None:
            session.execute(delete(SearchChange).where(SearchChange.id <= covered))
            session.commit()
    return len(keys)


def _with_pages_of_consultations(session: Session, keys: set[str]) -> set[str]:
    """A consultation's status is part of its pages' documents: queue them with it."""
    ids = [int(one.split(":")[1]) for one in keys if one.startswith("consultation:")]
    if ids:
        keys |= {
            key("page", id) for id in session.scalars(select(Page.id).where(Page.consultation_id.in_(ids)))
        }
    return keys
