"""People's chosen language and when they verified their e-mail address.

Accounts made before verification existed count as verified from the day they were made: they
signed up under the old rules, and refusing them invitations now would lock them out.

Revision ID: 0d112b5124ce
Revises: 32fb729bfa9d
Create Date: 2026-12-02 17:51:34.189898

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0d112b5124ce"
down_revision = "32fb729bfa9d"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch copy: on SQLite a batch copy of `users` would cascade-delete
    # every row that refers to a user through the foreign keys.
    op.add_column("users", sa.Column("locale", sa.String(length=8), nullable=False, server_default=""))
    op.add_column("users", sa.Column("email_verified_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at")


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.drop_column("users", "email_verified_at")
    op.drop_column("users", "locale")
