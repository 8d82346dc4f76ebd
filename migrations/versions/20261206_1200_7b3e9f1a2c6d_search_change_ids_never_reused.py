"""Search: the queue's ids are never handed out again (SQLite AUTOINCREMENT).

A drain deletes the rows it read by id once the index has committed. Two drains can read the
same rows; if the first has deleted them and SQLite gives a newly queued change the freed
highest rowid, the second drain's delete forgets that change unindexed. PostgreSQL's sequence
never reuses ids, so only SQLite's table is rebuilt (with its rows).

Revision ID: 7b3e9f1a2c6d
Revises: 5d0c1e2f3a4b
Create Date: 2026-12-06 12:00:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "7b3e9f1a2c6d"
down_revision = "5d0c1e2f3a4b"
branch_labels = None
depends_on = None


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "search_changes", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade():
    _rebuild(autoincrement=True)


def downgrade():
    _rebuild(autoincrement=False)
