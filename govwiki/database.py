"""Database binding: SQLAlchemy and migrations, with SQLite made durable and concurrent."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from govwiki.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


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


def init_app(app: Flask) -> None:
    import govwiki.models  # noqa: F401 - registers the mappings before anything queries

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
