"""`flask --app app govwiki verify-audit`: 0 and a count on an intact log, one line per problem
otherwise."""
from __future__ import annotations

import pytest
from sqlalchemy import JSON, bindparam, select, text

from govwiki.models import AuditEvent


@pytest.fixture
def logged(make_consultation, session):
    """A log of four events: created, opened, closed, adopted."""
    make_consultation(status="adopted")
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _verify(runner):
    return runner.invoke(args=["govwiki", "verify-audit"])


def test_an_intact_log_passes_with_its_count(runner, logged):
    result = _verify(runner)
    assert result.exit_code == 0
    assert result.output.strip() == f"audit log intact: {len(logged)} events"


def test_an_empty_log_passes(runner):
    result = _verify(runner)
    assert result.exit_code == 0 and result.output.strip() == "audit log intact: 0 events"


def test_an_edited_row_fails_naming_it(runner, logged, session):
    statement = text("UPDATE audit_events SET details = :details WHERE id = :id").bindparams(
        bindparam("details", type_=JSON)
    )
    session.execute(statement, {"details": {"from": "open", "to": "withdrawn"}, "id": logged[2].id})
    session.commit()
    result = _verify(runner)
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [f"event {logged[2].id}: its content does not match its hash (the row was edited)"]


def test_a_deleted_row_fails(runner, logged, session):
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": logged[1].id})
    session.commit()
    result = _verify(runner)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"event {logged[2].id}:") and "removed" in lines[0]


def test_a_truncated_newest_row_fails(runner, logged, session):
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": logged[-1].id})
    session.commit()
    result = _verify(runner)
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "truncated" in result.stderr


def test_several_problems_give_one_line_each(runner, logged, session):
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": logged[1].id})
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": logged[-1].id})
    session.commit()
    result = _verify(runner)
    assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 2
