"""Pages: anchored_number, the revision their comments are placed in (re-anchoring moves to the first read).

Until now every save re-anchored the page's comments, so their placements describe the head:
existing pages start anchored at their head.

Revision ID: 0ee0e4a03525
Revises: 718214beb8b9
Create Date: 2026-12-02 04:07:38.059733

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0ee0e4a03525"
down_revision = "718214beb8b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anchored_number", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE pages SET anchored_number = head_number")


def downgrade():
    # The older code re-anchors from the head at the next save. A lagging quote no longer found
    # where its placement says is looked for again by its stored context (core.anchors, rule 3),
    # so none is attached to other words; a lagging paragraph comment may keep an old number.
    # Not in batch mode: on SQLite that copies the table and drops the old one, and with foreign
    # keys on, dropping `pages` deletes every revision and comment of it. SQLite drops a column
    # in place since 3.35.
    op.drop_column("pages", "anchored_number")
