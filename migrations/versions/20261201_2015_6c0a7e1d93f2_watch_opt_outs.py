"""Watch opt-outs: a page someone stopped watching is not watched again for them by default.

Revision ID: 6c0a7e1d93f2
Revises: 81b142e0cb9d
Create Date: 2026-12-01 20:15:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "6c0a7e1d93f2"
down_revision = "81b142e0cb9d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "watch_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"], ["pages.id"], name=op.f("fk_watch_opt_outs_page_id_pages"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_watch_opt_outs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_opt_outs")),
        sa.UniqueConstraint("user_id", "page_id", name=op.f("uq_watch_opt_outs_user_id_page_id")),
    )
    with op.batch_alter_table("watch_opt_outs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_opt_outs_page_id"), ["page_id"], unique=False)


def downgrade():
    with op.batch_alter_table("watch_opt_outs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watch_opt_outs_page_id"))

    op.drop_table("watch_opt_outs")
