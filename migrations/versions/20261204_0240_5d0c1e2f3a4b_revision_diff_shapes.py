"""Each revision keeps the shape of its diff from the text it was saved over.

`revisions.diff_shape` holds core.diff_shape's packing of that diff (the kind and length of
each piece), so the first view of a change rebuilds it from the two bodies instead of diffing
them again. Revisions saved before this migration have none and are diffed when first viewed.

Revision ID: 5d0c1e2f3a4b
Revises: 1af539724dfe
Create Date: 2026-12-04 02:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5d0c1e2f3a4b"
down_revision = "1af539724dfe"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("revisions") as batch_op:
        batch_op.add_column(sa.Column("diff_shape", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("revisions") as batch_op:
        batch_op.drop_column("diff_shape")
