"""The audit log: privileged actions append to one hash chain, and tampering is detected."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import JSON, bindparam, select, text

from govwiki.extensions import db
from govwiki.models import AuditEvent, AuditHead
from govwiki.services import accounts, audit, consultations, pages
from govwiki.services.audit import GENESIS

THREADS = 6
APPENDS_PER_THREAD = 5


def _events(session) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _assert_one_chain(events) -> None:
    previous = GENESIS
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == audit.event_hash(event)
        previous = event.hash


def test_status_changes_append_chained_events(session, make_consultation, official):
    consultation = make_consultation(status="draft")
    consultations.update_consultation(session, official, consultation, {"status": "open"})
    consultations.update_consultation(session, official, consultation, {"status": "closed"})
    events = _events(session)
    changes = [e for e in events if e.action == "status_changed"]
    assert [e.details for e in changes] == [{"from": "draft", "to": "open"}, {"from": "open", "to": "closed"}]
    assert all(e.actor_id == official.id and e.consultation_id == consultation.id for e in changes)
    _assert_one_chain(events)


def test_a_revert_appends_an_event(session, make_page, official):
    page = make_page(body="One.\n")
    pages.save_page(session, official, page, body="Two.\n", base_revision=1)
    pages.revert_page(session, official, page, to_revision=1)
    reverts = [e for e in _events(session) if e.action == "revision_reverted"]
    assert len(reverts) == 1
    assert reverts[0].details == {"to_revision": 1, "revision": 3}
    assert reverts[0].subject_id == page.slug


def test_a_role_change_appends_an_event(session, make_user):
    admin = make_user("admin")
    make_user(username="rosa")
    accounts.set_role(session, admin, "rosa", "official")
    event = _events(session)[-1]
    assert (event.action, event.subject_id, event.details) == (
        "role_changed",
        "rosa",
        {"from": "resident", "to": "official"},
    )
    assert event.actor_id == admin.id


def test_adding_a_member_appends_an_event(session, make_consultation, make_user, official):
    consultation = make_consultation()
    expert = make_user()
    consultations.add_member(session, official, consultation, expert, "expert")
    event = _events(session)[-1]
    assert (event.action, event.subject_id, event.details) == (
        "member_added",
        expert.username,
        {"role": "expert"},
    )


def test_the_head_names_the_newest_event(session, make_consultation):
    make_consultation(status="closed")
    events = _events(session)
    head = session.get(AuditHead, 1)
    assert head.hash == events[-1].hash and head.count == len(events)


def test_verify_finds_nothing_wrong_with_an_intact_log(session, make_consultation):
    make_consultation(status="adopted")
    assert audit.verify(session) == []


def test_verify_finds_nothing_wrong_with_an_empty_log(session):
    assert audit.verify(session) == []


def _tamper(session, statement: str, **params) -> None:
    query = text(statement)
    if "details" in params:
        query = query.bindparams(bindparam("details", type_=JSON))
    session.execute(query, params)
    session.commit()
    session.expire_all()


def test_verify_detects_an_edited_row(session, make_consultation):
    make_consultation(status="closed")
    target = _events(session)[1]
    _tamper(
        session,
        "UPDATE audit_events SET details = :details WHERE id = :id",
        details={"from": "draft", "to": "adopted"},
        id=target.id,
    )
    problems = audit.verify(session)
    assert [p.event_id for p in problems] == [target.id]
    assert "edited" in problems[0].what


def test_verify_detects_a_deleted_row(session, make_consultation):
    make_consultation(status="closed")
    events = _events(session)
    _tamper(session, "DELETE FROM audit_events WHERE id = :id", id=events[1].id)
    problems = audit.verify(session)
    assert [p.event_id for p in problems] == [events[2].id]
    assert "removed" in problems[0].what


def test_verify_detects_a_truncated_newest_row(session, make_consultation):
    make_consultation(status="closed")
    newest = _events(session)[-1]
    _tamper(session, "DELETE FROM audit_events WHERE id = :id", id=newest.id)
    problems = audit.verify(session)
    assert len(problems) == 1 and "truncated" in problems[0].what


def _append_from_thread(app, index: int) -> None:
    with app.app_context():
        for step in range(APPENDS_PER_THREAD):
            audit.record(db.session, None, "test_append", subject_type="test", subject_id=f"{index}-{step}")
            db.session.commit()
        db.session.remove()


def test_concurrent_appends_keep_one_unbroken_chain(app, session):
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda i: _append_from_thread(app, i), range(THREADS)))
    events = _events(session)
    assert len(events) == THREADS * APPENDS_PER_THREAD
    assert {e.subject_id for e in events} == {
        f"{i}-{s}" for i in range(THREADS) for s in range(APPENDS_PER_THREAD)
    }
    _assert_one_chain(events)
    assert audit.verify(session) == []
    assert session.get(AuditHead, 1).count == THREADS * APPENDS_PER_THREAD


def test_an_append_rolled_back_with_its_action_leaves_no_trace(session, make_consultation):
    make_consultation()
    before = _events(session)
    audit.record(session, None, "test_append", subject_type="test", subject_id="gone")
    session.rollback()
    assert [e.id for e in _events(session)] == [e.id for e in before]
    assert session.get(AuditHead, 1).hash == before[-1].hash
    assert audit.verify(session) == []
