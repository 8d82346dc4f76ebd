"""Revision text counts: characters, words, and words added and removed since the parent, stored
at save time so that listing history reads no body and diffs nothing.

Existing revisions are counted here, page by page in revision order, with the application's own
counting and diff (govwiki.core), so old and new rows agree.

Revision ID: 718214beb8b9
Revises: 62ff371f27b7
Create Date: 2026-12-02 04:01:41.352729

"""

from alembic import op
import sqlalchemy as sa

from govwiki.core.diff import diff_texts
from govwiki.core.diff_views import count_words, diff_stats


# revision identifiers, used by Alembic.
revision = "718214beb8b9"
down_revision = "62ff371f27b7"
branch_labels = None
depends_on = None

COLUMNS = ("chars", "words", "words_added", "words_removed")
#: the revision's other columns before the long ones, as the model declares them
SHORT_COLUMNS = (
    "id",
    "page_id",
    "number",
    "parent_number",
    "author_id",
    "merged_by_id",
    "proposal_id",
    "reverted_to",
    "merged_from_base",
    "summary",
    "sha256",
    "size",
)
BATCH = 200  #: rows per UPDATE round trip


def upgrade():
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        for name in COLUMNS:  # a default only while existing rows are counted
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    _count_existing(op.get_bind())
    with op.batch_alter_table("revisions", schema=None, **_long_columns_last()) as batch_op:
        for name in COLUMNS:
            batch_op.alter_column(name, server_default=None)


def _long_columns_last() -> dict:
    """On SQLite, rebuild the table with the body and the blame as its last columns.

    SQLite reads a row's columns in order, and a column stored after a 100 KB body costs
    reading the body's overflow pages: listing history read every listed body without
    selecting it. (PostgreSQL keeps long values out of line, TOAST, so the order does not
    matter there and the table is left as it is.)
    """
    if op.get_bind().dialect.name != "sqlite":
        return {}
    order = (*SHORT_COLUMNS, *COLUMNS, "created_at", "body", "blame")
    return {"recreate": "always", "partial_reordering": [order]}


def _count_existing(connection) -> None:
    revisions = sa.table(
        "revisions", *(sa.column(name) for name in ("id", "page_id", "number", "body", *COLUMNS))
    )
    update = (
        revisions.update()
        .where(revisions.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(f"new_{name}") for name in COLUMNS})
    )
    page_ids = connection.execute(sa.select(revisions.c.page_id).distinct()).scalars().all()
    for page_id in page_ids:
        ids = (
            connection.execute(
                sa.select(revisions.c.id).where(revisions.c.page_id == page_id).order_by(revisions.c.number)
            )
            .scalars()
            .all()
        )
        previous = None
        for start in range(0, len(ids), BATCH):  # a batch of bodies in memory at a time
            chunk = ids[start : start + BATCH]
            rows = connection.execute(
                sa.select(revisions.c.id, revisions.c.body)
                .where(revisions.c.id.in_(chunk))
                .order_by(revisions.c.number)
            ).all()
            pending = []
            for row_id, body in rows:
                pending.append({"row_id": row_id, **_counts(previous, body)})
                previous = body
            connection.execute(update, pending)


def _counts(previous: str | None, body: str) -> dict[str, int]:
    words = count_words(body)
    if previous is None:
        added, removed = words, 0
    else:
        stats = diff_stats(diff_texts(previous, body))
        added, removed = stats["inserted"], stats["deleted"]
    return {
        "new_chars": len(body),
        "new_words": words,
        "new_words_added": added,
        "new_words_removed": removed,
    }


def downgrade():
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
