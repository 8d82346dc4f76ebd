"""A database connection dropped under the app (a PostgreSQL restart, a failover, an idle
timeout) costs no request: the pool tests a connection before handing it out."""

import pytest
from sqlalchemy import create_engine, text

from govwiki.config import normalise_database_url
from tests.conftest import POSTGRES_SERVER


def test_the_pool_pings_connections_before_use(app, db):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert db.engine.pool._pre_ping


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
    killer.dispose()
    assert killed >= 1
    for _ in range(3):
        assert client.get("/api/v1/consultations").status_code == 200
        assert client.get("/").status_code == 200
