"""A database connection dropped under the app (a PostgreSQL restart, a failover, an idle
timeout) costs no request: the pool looks at a connection's socket before handing it out, and
replaces one the server has closed, without a round trip to the server."""

import time

import pytest
from sqlalchemy import create_engine, event, text

from govwiki.config import normalise_database_url
from tests.conftest import POSTGRES_SERVER


@pytest.mark.skipif(not POSTGRES_SERVER, reason="SQLite has no server")
def test_handing_out_a_pooled_connection_sends_the_server_nothing(client, make_page, db, monkeypatch):
    """Every statement a request sends is one of the app's: no ping before it."""
    import psycopg

    make_page()
    client.get("/")
    sent, asked = [], []
    execute = psycopg.Cursor.execute

    def counted(cursor, query, *args, **kwargs):
        sent.append(query)
        return execute(cursor, query, *args, **kwargs)

    def ask(_connection, _cursor, statement, *_):
        asked.append(statement)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    event.listen(db.engine, "before_cursor_execute", ask)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", ask)
    assert asked and len(sent) == len(asked)


@pytest.mark.skipif(not POSTGRES_SERVER, reason="kills PostgreSQL backends; SQLite has no server")
def test_requests_after_the_connections_are_killed_are_not_500s(client, database_url, make_page, db):
    make_page()
    assert client.get("/api/v1/consultations").status_code == 200
    assert client.get("/").status_code == 200
    killer = create_engine(normalise_database_url(database_url))
    with killer.connect() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
        _wait_until_gone(connection)
    killer.dispose()
    assert killed >= 1
    for _ in range(3):
        assert client.get("/api/v1/consultations").status_code == 200
        assert client.get("/").status_code == 200


def _wait_until_gone(connection) -> None:
    """pg_terminate_backend only signals: wait until the backends have ended (and said so on
    their sockets), as they have when a restart or a failover is over. A request racing a
    backend's last microseconds fails with or without a check at checkout."""
    for _ in range(500):
        connection.rollback()  # a transaction sees one snapshot of pg_stat_activity
        left = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
        if not left:
            return
        time.sleep(0.01)
    raise AssertionError("the killed backends did not end")
