"""A status change is the last word: nothing written in flight lands after it is acknowledged.

Residents keep saving (or suggesting) through the API in several threads, each request its own
connection and real commits, while an official closes the consultation; officials keep merging
while another adopts it. Once the close has answered 200, the rows it let in are all there is:
none appear later, none was made after the close was recorded, and every refused write is a 403
`consultation_closed` that hands its text back.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from govwiki.extensions import db
from govwiki.models import AuditEvent, Proposal, Revision
from govwiki.services import clock, pages, proposals
from govwiki.services.errors import ConsultationClosed

WRITERS = 5
#: how long the writers go on after each has landed a first write, before the status changes
HEAD_START = 0.2
GIVE_UP = 10.0


def _rows(model) -> tuple[int, object]:
    """How many rows `model` has and the newest created_at, read on a connection of its own."""
    with db.engine.connect() as connection:
        return connection.execute(select(func.count(), func.max(model.created_at))).one()


def _status_changed_at(consultation, target: str):
    with db.engine.connect() as connection:
        return connection.scalar(
            select(AuditEvent.at).where(
                AuditEvent.consultation_id == consultation.id,
                AuditEvent.action == "status_changed",
                AuditEvent.details["to"].as_string() == target,
            )
        )


def _race(app, writer, jobs, change, changing=None, changed=None) -> tuple[list, tuple[int, object]]:
    """Run `writer(client, job, started)` for every job in threads; once each has landed a write
    (and HEAD_START more), set `changing` (an Event, if given), apply `change` (a request that
    must answer 200), count `writer.model` rows at once and set `changed` (an Event, if given);
    return every writer's outcomes and that count."""
    started = threading.Semaphore(0)

    def run(job):
        with app.app_context():
            return writer(app.test_client(), job, started)

    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = [pool.submit(run, job) for job in jobs]
        for _ in jobs:
            assert started.acquire(timeout=GIVE_UP), "a writer never landed a write"
        time.sleep(HEAD_START)
        if changing is not None:
            changing.set()
        response = change()
        assert response.status_code == 200, response.get_json()
        acknowledged = _rows(writer.model)
        if changed is not None:
            changed.set()
        outcomes = [outcome for future in futures for outcome in future.result()]
    return outcomes, acknowledged


def _until_refused(started, request):
    """Send `request(n)` → (response, text) until one is refused (or the test gives up);
    release `started` when the first one lands."""
    outcomes, deadline, n = [], time.monotonic() + GIVE_UP, 0
    while time.monotonic() < deadline:
        n += 1
        response, text = request(n)
        outcomes.append((response.status_code, text, response.get_json()))
        if response.status_code not in (200, 201):
            break
        if n == 1:
            started.release()
    return outcomes


def _assert_nothing_after(outcomes, acknowledged, model, changed_at, *, ok: int) -> None:
    count, newest = acknowledged
    assert _rows(model)[0] == count, "rows landed after the status change was acknowledged"
    assert newest <= changed_at, "a row was written after the status change was recorded"
    assert {status for status, _, _ in outcomes} <= {ok, 403}
    refusals = [(text, data["error"]) for status, text, data in outcomes if status == 403]
    assert len(refusals) == WRITERS, "every writer ends refused"
    for text, error in refusals:
        assert error["code"] == "consultation_closed"
        assert error["your_body"] == text


def _resident_pages(make_user, make_page, make_consultation, bearer, *, edit_policy):
    consultation = make_consultation(edit_policy=edit_policy)
    jobs = [
        (make_page(consultation, title=f"Page {i}", body=f"Draft text {i}.\n").slug, bearer(make_user()))
        for i in range(WRITERS)
    ]
    return consultation, jobs


def _close(client, consultation, headers, target="closed"):
    return lambda: client.patch(
        f"/api/v1/consultations/{consultation.slug}", headers=headers, json={"status": target}
    )


def test_no_save_lands_after_the_close_is_acknowledged(
    app, client, make_user, make_page, make_consultation, bearer
):
    consultation, jobs = _resident_pages(make_user, make_page, make_consultation, bearer, edit_policy="edit")

    def keep_saving(writer_client, job, started):
        slug, headers = job
        base = [1]

        def save(n):
            text = f"Draft text, version {n}.\n"
            response = writer_client.put(
                f"/api/v1/pages/{slug}", headers=headers, json={"body": text, "base_revision": base[0]}
            )
            if response.status_code == 200:
                base[0] = response.get_json()["revision"]
            return response, text

        return _until_refused(started, save)

    keep_saving.model = Revision
    official = bearer(consultation.created_by)
    outcomes, acknowledged = _race(app, keep_saving, jobs, _close(client, consultation, official))
    _assert_nothing_after(
        outcomes, acknowledged, Revision, _status_changed_at(consultation, "closed"), ok=200
    )


def test_no_suggestion_lands_after_the_close_is_acknowledged(
    app, client, make_user, make_page, make_consultation, bearer
):
    consultation, jobs = _resident_pages(
        make_user, make_page, make_consultation, bearer, edit_policy="suggest"
    )

    def keep_suggesting(writer_client, job, started):
        slug, headers = job

        def suggest(n):
            text = f"Suggested text, version {n}.\n"
            response = writer_client.post(
                f"/api/v1/pages/{slug}/proposals", headers=headers, json={"body": text, "base_revision": 1}
            )
            return response, text

        return _until_refused(started, suggest)

    keep_suggesting.model = Proposal
    official = bearer(consultation.created_by)
    outcomes, acknowledged = _race(app, keep_suggesting, jobs, _close(client, consultation, official))
    _assert_nothing_after(
        outcomes, acknowledged, Proposal, _status_changed_at(consultation, "closed"), ok=201
    )


PROPOSALS_PER_PAGE = 40
#: proposals a merging writer keeps back until the adoption is under way, so that a fast writer
#: cannot run out of proposals while a slow one is still landing its first merge
RESERVE = 20


def _open_proposals(session, make_user, make_page, consultation, index):
    """A page of many paragraphs and one open proposal per paragraph, by a resident (stored
    directly: submitting them one by one would cost most of the test's time)."""
    base = "\n\n".join(f"Clause {i}: as first drafted." for i in range(PROPOSALS_PER_PAGE)) + "\n"
    page = make_page(consultation, title=f"Page {index}", body=base)
    resident, at = make_user(), clock.now()
    rows = [
        Proposal(
            page_id=page.id,
            author_id=resident.id,
            base_number=1,
            summary="",
            status="open",
            body=base.replace(f"Clause {i}: as first", f"Clause {i}: as amended"),
            created_at=at,
            updated_at=at,
        )
        for i in range(PROPOSALS_PER_PAGE)
    ]
    session.add_all(rows)
    session.commit()
    return [row.id for row in rows]


def test_no_merge_lands_after_the_adoption_is_acknowledged(
    app, client, session, make_user, make_page, make_consultation, bearer
):
    consultation = make_consultation(edit_policy="suggest")
    batches = [_open_proposals(session, make_user, make_page, consultation, i) for i in range(WRITERS)]
    official = bearer(consultation.created_by)
    assert _close(client, consultation, official)().status_code == 200

    changing, changed = threading.Event(), threading.Event()

    def keep_merging(writer_client, ids, started):
        queue = iter(ids)

        def merge(n):
            if n > len(ids) - RESERVE:
                changing.wait(GIVE_UP)
            if n == len(ids):
                # the last proposal only once the adoption has answered: on SQLite, whose writers
                # take turns, five busy mergers could otherwise spend every proposal before it
                changed.wait(GIVE_UP)
            proposal_id = next(queue)
            response = writer_client.post(f"/api/v1/proposals/{proposal_id}/merge", headers=official, json={})
            return response, None

        return _until_refused(started, merge)

    keep_merging.model = Revision
    outcomes, acknowledged = _race(
        app, keep_merging, batches, _close(client, consultation, official, "adopted"), changing, changed
    )
    _assert_nothing_after(
        outcomes, acknowledged, Revision, _status_changed_at(consultation, "adopted"), ok=200
    )


# --- the same, one step at a time: a status change committed between the early check and the write


def _change_elsewhere(client, consultation, headers, target: str) -> None:
    """Change the status on another connection while this session still holds the old one."""
    assert consultation.status != target
    assert _close(client, consultation, headers, target)().status_code == 200


def test_a_save_checked_before_the_close_is_refused_at_commit(
    client, session, make_user, make_page, make_consultation, bearer
):
    consultation = make_consultation(edit_policy="edit")
    page, resident = make_page(consultation), make_user()
    _change_elsewhere(client, consultation, bearer(consultation.created_by), "closed")
    with pytest.raises(ConsultationClosed) as refused:
        pages.save_page(session, resident, page, body="Late words.\n", base_revision=1)
    assert refused.value.details["your_body"] == "Late words.\n"
    assert pages.page_head_number(session, page) == 1


def test_a_suggestion_checked_before_the_close_is_refused_at_commit(
    client, session, make_user, make_page, make_consultation, bearer
):
    consultation = make_consultation(edit_policy="suggest")
    page, resident = make_page(consultation), make_user()
    _change_elsewhere(client, consultation, bearer(consultation.created_by), "closed")
    with pytest.raises(ConsultationClosed) as refused:
        proposals.submit_proposal(session, resident, page, body="Late words.\n", base_revision=1)
    assert refused.value.details["your_body"] == "Late words.\n"
    assert _rows(Proposal)[0] == 0


def test_a_merge_checked_before_the_adoption_is_refused_at_commit(
    client, session, make_user, make_page, make_consultation, bearer
):
    consultation = make_consultation(edit_policy="suggest")
    page = make_page(consultation)
    proposal = proposals.submit_proposal(session, make_user(), page, body="Better words.\n", base_revision=1)
    official = bearer(consultation.created_by)
    _change_elsewhere(client, consultation, official, "closed")
    session.refresh(consultation)
    _change_elsewhere(client, consultation, official, "adopted")
    with pytest.raises(ConsultationClosed):
        proposals.merge_proposal(session, consultation.created_by, proposal)
    assert pages.page_head_number(session, page) == 1
    assert session.get(Proposal, proposal.id).status == "open"
