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
    assert result.stderr.strip().splitlines() == [
        f"event {logged[2].id}: its content does not match its hash (the row was edited)"
    ]


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


def _set_head(session, *, hash_=None, count=None):
    values = {"hash": hash_, "count": count}
    for column, value in values.items():
        if value is not None:
            session.execute(text(f"UPDATE audit_head SET {column} = :value WHERE id = 1"), {"value": value})
    session.commit()


def _cut_tail(session, logged, keep: int):
    for event in logged[keep:]:
        session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": event.id})
    session.commit()


def test_a_cut_tail_with_the_head_hash_rewound_fails_on_the_count(runner, logged, session):
    _cut_tail(session, logged, keep=2)
    _set_head(session, hash_=logged[1].hash)
    result = _verify(runner)
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        f"the log: the head counts {len(logged)} events but the chain holds 2 (events were removed at the end)"
    ]


def test_a_rewound_head_fails(runner, logged, session):
    _set_head(session, hash_=logged[1].hash, count=2)
    result = _verify(runner)
    assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1
    assert "the head rewound" in result.stderr


def test_a_head_counting_too_few_events_fails(runner, logged, session):
    _set_head(session, count=2)
    result = _verify(runner)
    assert result.exit_code != 0
    assert (
        result.stderr.strip()
        == f"the log: the head counts 2 events but the chain holds {len(logged)} (the head was rewound)"
    )


def test_a_missing_head_fails(runner, logged, session):
    session.execute(text("DELETE FROM audit_head"))
    session.commit()
    result = _verify(runner)
    assert result.exit_code != 0
    assert result.stderr.strip() == f"the log: the head is missing but the chain holds {len(logged)} events"


def test_audit_head_prints_the_count_and_hash_to_publish(runner, logged):
    result = runner.invoke(args=["govwiki", "audit-head"])
    assert result.exit_code == 0 and result.output.strip() == f"{len(logged)} {logged[-1].hash}"


def test_a_published_head_still_in_the_chain_passes(runner, logged, session, make_consultation):
    published = logged[-1].hash
    make_consultation()  # the log grows after publication
    result = runner.invoke(args=["govwiki", "verify-audit", "--published", f"{len(logged)}:{published}"])
    assert result.exit_code == 0 and result.output.startswith("audit log intact")


def test_a_consistently_rewound_log_passes_alone_but_fails_against_the_published_head(
    runner, logged, session
):
    """What the chain cannot prove alone: a cut tail with the head rewound to match. A published
    head (count and hash) catches it."""
    number, newest = len(logged), logged[-1].hash
    _cut_tail(session, logged, keep=2)
    _set_head(session, hash_=logged[1].hash, count=2)
    assert _verify(runner).exit_code == 0
    result = runner.invoke(args=["govwiki", "verify-audit", "--published", f"{number}:{newest}"])
    assert result.exit_code != 0
    assert result.stderr.strip() == (
        f"the log: the published head (event {number}, {newest[:12]}…) is not in the chain"
        " (events were removed or rewritten since it was published)"
    )


@pytest.mark.parametrize("value", ["nonsense", "3:xyz", "0:" + "a" * 64, "x:" + "a" * 64])
def test_a_malformed_published_head_is_a_usage_error(runner, logged, value):
    result = runner.invoke(args=["govwiki", "verify-audit", "--published", value])
    assert result.exit_code == 2 and "COUNT:HASH" in result.output
