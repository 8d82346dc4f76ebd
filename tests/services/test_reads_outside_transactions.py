"""On PostgreSQL a connection reads without a transaction (no BEGIN, no ROLLBACK round trips)
until its first write or lock, which opens one that lasts to the commit or rollback; see
`govwiki.database._reads_outside_transactions`."""

import pytest
from sqlalchemy import create_engine, event, func, select, text

from govwiki.config import normalise_database_url
from govwiki.models import AuditEvent, AuditHead, Page
from tests.conftest import POSTGRES_SERVER

pytestmark = pytest.mark.skipif(not POSTGRES_SERVER, reason="SQLite has its own transactions")


@pytest.fixture
def states(db):
    """The server's transaction state after each statement the app's engine sends."""
    seen: list[tuple[str, str]] = []

    def record(_connection, cursor, statement, *_):
        seen.append((cursor.connection.info.transaction_status.name, statement.split()[0]))

    event.listen(db.engine, "after_cursor_execute", record)
    yield seen
    event.remove(db.engine, "after_cursor_execute", record)


def _rows_elsewhere(database_url: str, statement: str) -> int:
    other = create_engine(normalise_database_url(database_url))
    with other.connect() as connection:
        count = connection.execute(text(statement)).scalar()
    other.dispose()
    return count


def test_a_signed_out_page_view_opens_no_transaction(client, make_page, states):
    page = make_page()
    client.get(f"/pages/{page.slug}")  # the first view fills the caches
    states.clear()
    assert client.get(f"/pages/{page.slug}").status_code == 200
    assert client.get("/api/v1/consultations").status_code == 200
    assert states and all(state == "IDLE" for state, _ in states), states


def test_writes_after_reads_are_still_one_transaction(app, session, database_url, states):
    session.execute(select(Page.id)).all()
    assert states[-1] == ("IDLE", "SELECT")
    session.add(AuditHead(id=1, hash="a" * 64, count=0))
    session.flush()
    assert states[-1][0] == "INTRANS"
    session.execute(select(func.count()).select_from(AuditHead)).scalar()
    assert states[-1][0] == "INTRANS", "a read after a write stays in the write's transaction"
    session.add(
        AuditEvent(
            action="page.saved", subject_type="page", subject_id="1", details={}, prev_hash="", hash="b" * 64
        )
    )
    session.flush()
    assert _rows_elsewhere(database_url, "SELECT count(*) FROM audit_head") == 0
    session.rollback()
    assert _rows_elsewhere(database_url, "SELECT count(*) FROM audit_head") == 0
    assert _rows_elsewhere(database_url, "SELECT count(*) FROM audit_events") == 0


@pytest.mark.parametrize(
    "lock",
    [{"read": True}, {"key_share": True}, {"skip_locked": True}, {}],
    ids=["for share", "for key share", "for update skip locked", "for update"],
)
def test_a_select_that_locks_rows_opens_a_transaction(session, states, lock):
    session.execute(select(Page.id).with_for_update(**lock)).all()
    assert states[-1] == ("INTRANS", "SELECT")
    session.rollback()


def test_text_is_taken_for_a_write(session, states):
    """A `text()` statement may do anything: it is not trusted to only read."""
    session.execute(text("SELECT 1"))
    assert states[-1] == ("INTRANS", "SELECT")
    session.rollback()


def test_a_server_side_cursor_gets_its_transaction(session, make_page):
    """Streamed results come through a server-side cursor, which PostgreSQL keeps only inside a
    transaction (DECLARE CURSOR fails outside one)."""
    for number in range(3):
        make_page(title=f"Page {number}")
    session.close()
    streamed = select(Page.id).order_by(Page.id).execution_options(stream_results=True, yield_per=1)
    assert len(list(session.scalars(streamed))) == 3


def test_the_next_checkout_reads_outside_a_transaction_again(session, states):
    session.execute(text("SELECT 1"))
    session.commit()
    states.clear()
    session.execute(select(Page.id)).all()
    assert states == [("IDLE", "SELECT")]
