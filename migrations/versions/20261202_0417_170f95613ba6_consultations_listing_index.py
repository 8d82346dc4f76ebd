"""Consultations: one index for the list, newest first (the front page and the API's list read
their page of rows and count their total along it, whatever the number of consultations).

Revision ID: 170f95613ba6
Revises: 0ee0e4a03525
Create Date: 2026-12-02 04:17:14.700182

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "170f95613ba6"
down_revision = "0ee0e4a03525"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consultations_listing",
            ["created_at", "id", "status", "visibility", "updated_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index("ix_consultations_listing")
