"""Links that verify e-mail addresses, and the folded keys of people's names.

`username_key` and `display_key` hold core.names.name_key of the username and the display name,
so that a new display name is compared with everyone's in one indexed query. Existing rows are
filled here with the same function (imported: the keys must be what the app computes).

Revision ID: 1af539724dfe
Revises: c66c039a918b
Create Date: 2026-12-02 18:04:04.273046

"""

from alembic import op
import sqlalchemy as sa

from govwiki.core.names import name_key


# revision identifiers, used by Alembic.
revision = "1af539724dfe"
down_revision = "c66c039a918b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_email_verifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_verifications")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_email_verifications_token_hash")),
    )
    op.create_index(op.f("ix_email_verifications_user_id"), "email_verifications", ["user_id"], unique=False)
    # Plain ADD COLUMN, not a batch copy: on SQLite a batch copy of `users` would cascade-delete
    # every row that refers to a user through the foreign keys.
    op.add_column(
        "users", sa.Column("username_key", sa.String(length=255), nullable=False, server_default="")
    )
    op.add_column("users", sa.Column("display_key", sa.String(length=255), nullable=False, server_default=""))
    users = sa.table("users", sa.column("id"), sa.column("username"), sa.column("display_name"),
                     sa.column("username_key"), sa.column("display_key"))  # fmt: skip
    connection = op.get_bind()
    for id_, username, display_name in connection.execute(
        sa.select(users.c.id, users.c.username, users.c.display_name)
    ).all():
        connection.execute(
            users.update()
            .where(users.c.id == id_)
            .values(username_key=name_key(username)[:255], display_key=name_key(display_name)[:255])
        )
    op.create_index(op.f("ix_users_display_key"), "users", ["display_key"], unique=False)
    op.create_index(op.f("ix_users_username_key"), "users", ["username_key"], unique=False)


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.drop_index(op.f("ix_users_username_key"), table_name="users")
    op.drop_index(op.f("ix_users_display_key"), table_name="users")
    op.drop_column("users", "display_key")
    op.drop_column("users", "username_key")
    op.drop_index(op.f("ix_email_verifications_user_id"), table_name="email_verifications")
    op.drop_table("email_verifications")
