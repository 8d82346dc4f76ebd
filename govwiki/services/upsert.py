"""INSERT … ON CONFLICT for the two databases we run on: "once per key" without losing races."""

from __future__ import annotations

from sqlalchemy import Table, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, table: Table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_or_ignore(session: Session, table: Table, values: dict, keys: list[str] | None = None) -> int:
    """Insert the row unless it would break a unique constraint (on `keys`, or any); return
    how many rows were inserted (0 or 1)."""
    statement = _insert(session, table).values(**values).on_conflict_do_nothing(index_elements=keys)
    # rowcount is -1 where the dialect adds RETURNING (psycopg): count the rows returned instead
    return len(session.execute(statement.returning(*table.primary_key.columns)).all())


def insert_unless(session: Session, table: Table, values: dict, unless) -> None:
    """Insert the row unless the SQL condition `unless` holds or a unique constraint forbids it,
    in one statement (INSERT … SELECT … WHERE NOT … ON CONFLICT DO NOTHING)."""
    row = select(*(literal(value, table.c[name].type) for name, value in values.items())).where(~unless)
    session.execute(_insert(session, table).from_select(list(values), row).on_conflict_do_nothing())


def insert_or_update(
    session: Session, table: Table, values: dict | list[dict], keys: list[str], changes
) -> None:
    """Insert the row (or rows: one statement), or apply `changes(excluded)` to the existing one
    with the same `keys`. `changes` receives the proposed row (`excluded`) and returns the
    columns to set."""
    statement = _insert(session, table).values(values)
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes(statement.excluded)))


def insert_select_or_ignore(session: Session, table: Table, columns: list[str], rows) -> None:
    """INSERT … SELECT `rows` into `columns`, leaving out those a unique constraint forbids."""
    session.execute(_insert(session, table).from_select(columns, rows).on_conflict_do_nothing())
