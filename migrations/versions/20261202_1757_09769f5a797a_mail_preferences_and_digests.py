"""Mail about notifications: each person's choices (at once, daily digest, none) and the entries
waiting for their next digest; a notification mail in the outbox names its group.

Revision ID: 09769f5a797a
Revises: 0d112b5124ce
Create Date: 2026-12-02 17:57:55.389634

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "09769f5a797a"
down_revision = "0d112b5124ce"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("mode IN ('immediate', 'digest', 'none')", name=op.f("ck_mail_preferences_mode")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mail_preferences_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_preferences")),
        sa.UniqueConstraint("user_id", "category", name=op.f("uq_mail_preferences_user_id_category")),
    )
    op.create_table(
        "mail_digest_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_mail_digest_items_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mail_digest_items_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_digest_items")),
        sa.UniqueConstraint("notification_id", name=op.f("uq_mail_digest_items_notification_id")),
    )
    op.create_index(op.f("ix_mail_digest_items_user_id"), "mail_digest_items", ["user_id"], unique=False)
    # a plain ADD COLUMN (a nullable column needs no table copy on either database)
    op.add_column("outbox", sa.Column("group_key", sa.String(length=160), nullable=True))
    op.create_index("ix_outbox_user_group", "outbox", ["user_id", "group_key"], unique=False)


def downgrade():
    op.drop_index("ix_outbox_user_group", table_name="outbox")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("group_key")
    op.drop_index(op.f("ix_mail_digest_items_user_id"), table_name="mail_digest_items")
    op.drop_table("mail_digest_items")
    op.drop_table("mail_preferences")
