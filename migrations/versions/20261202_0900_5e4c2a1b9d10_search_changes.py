"""Search: the queue of rows whose searchable text changed since the index read them.

Revision ID: 5e4c2a1b9d10
Revises: 170f95613ba6
Create Date: 2026-12-02 09:00:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "5e4c2a1b9d10"
down_revision = "170f95613ba6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_changes")),
    )


def downgrade():
    op.drop_table("search_changes")
