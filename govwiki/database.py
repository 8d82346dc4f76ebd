"""Database binding: SQLAlchemy and migrations, with SQLite made durable and concurrent."""

from __future__ import annotations

import os
import re
import select
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from govwiki.config import normalise_database_url
from govwiki.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@event.listens_for(Engine, "do_connect")
def _private_sqlite_file(dialect, _record, cargs, cparams) -> None:
    """Create a new SQLite database file readable by its owner only, before SQLite would create
    it world-readable (0644); SQLite gives its -wal and -shm files the database file's mode."""
    if dialect.name != "sqlite" or cparams.get("uri") or not cargs or cargs[0] in ("", ":memory:"):
        return
    try:
        os.close(os.open(cargs[0], os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:  # it exists already, or SQLite will report why it cannot be opened
        pass


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers run beside a writer; foreign keys are off in SQLite unless asked for."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Pool, "checkout")
def _replace_a_dropped_connection(dbapi_connection, _record, _proxy) -> None:
    """Hand out no PostgreSQL connection the server has dropped (a restart, a failover, an idle
    timeout, a terminated backend): the pool replaces it instead of the request failing with a
    500. A server that drops a connection says so on its socket first, and an idle connection's
    socket has nothing to read otherwise (the app neither LISTENs nor SETs), so one with
    anything waiting is replaced. Looking costs no round trip, where SQLAlchemy's
    `pool_pre_ping` asked the server on every checkout: a quarter of a cached page view's trips
    on PostgreSQL. (A SQLite connection is a file: nothing drops it.)"""
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:
        return
    import psycopg  # loaded already: this is one of its connections

    try:
        readable, _, _ = select.select([pgconn.socket], [], [], 0)
    except (psycopg.OperationalError, OSError) as error:  # closed on this side already
        raise exc.DisconnectionError(str(error)) from error
    if readable:
        raise exc.DisconnectionError("the server has said something to an idle connection")


# Words in a SELECT that lock rows or write (FOR UPDATE / SHARE / NO KEY UPDATE / KEY SHARE, a
# data-modifying CTE). SQLAlchemy writes keywords in capitals and names in lower case, so a match
# in a name is unlikely, and one only costs a transaction.
_LOCKS_OR_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|SHARE)\b")


def _reads_outside_transactions(engine: Engine) -> None:
    """Run a PostgreSQL connection's reads without a transaction until it first writes or locks.

    psycopg opens a transaction before a connection's first statement (a BEGIN round trip), and
    the pool ends it on return (a ROLLBACK round trip): two of a cached page view's five trips.
    Under READ COMMITTED, which the app never changes, each statement takes its own snapshot
    inside a transaction or out of one, so a read sees the same rows either way. What a
    transaction does add, atomicity of writes and row locks held to the end, is kept: the
    first statement that is not a plain SELECT (DML, DDL, `text()`, a SELECT ... FOR UPDATE or
    SHARE, a server-side cursor for `yield_per`) turns autocommit off before it runs, so psycopg
    sends BEGIN first, and the connection stays in one transaction for the rest of its checkout,
    committed or rolled back as before."""
    import psycopg  # the engine is PostgreSQL's, so psycopg is installed
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "checkout")
    def _autocommit_while_idle(dbapi_connection, _record, _proxy) -> None:
        if dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
            dbapi_connection.autocommit = True

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_the_first_write(_connection, cursor, statement, _parameters, context, _many) -> None:
        dbapi_connection = cursor.connection
        if dbapi_connection.autocommit and not _only_reads(cursor, statement, context):
            dbapi_connection.autocommit = False

    def _only_reads(cursor, statement: str, context) -> bool:
        compiled = getattr(context, "compiled", None)
        return (
            compiled is not None
            and getattr(compiled.statement, "is_select", False)
            and not isinstance(cursor, psycopg.ServerCursor)
            and not _LOCKS_OR_WRITES.search(statement)
        )


def init_app(app: Flask) -> None:
    import govwiki.models  # noqa: F401 - registers the mappings before anything queries

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    with app.app_context():
        engine = db.engine  # made by init_app already: no connection is opened here
    if engine.dialect.name == "postgresql":
        _reads_outside_transactions(engine)


@contextmanager
def throwaway_postgres_database(server_url: str, prefix: str, *, flush_commits: bool = True) -> Iterator[str]:
    """Create an empty database on the PostgreSQL server at `server_url`, yield its URL and drop
    it afterwards, connections and all. The test suite and the benchmarks each run in one.

    `flush_commits=False` turns off `synchronous_commit` in it: a commit answers before its WAL
    reaches the disk (still atomic and at once visible to every other connection; only a crash
    of the server loses the last moments). The suite commits tens of thousands of times into a
    database it drops; the benchmarks keep the production setting."""
    server = normalise_database_url(server_url)
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        if not flush_commits:
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
