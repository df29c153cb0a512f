"""users.session_token: what sessions, remember cookies and API tokens rest on

Revision ID: 0004
Revises: features_head()
Create Date: 2026-12-02
"""

import secrets

import sqlalchemy as sa
from alembic import op

from {{ cookiecutter.package_name }}.migrations import features_head

# revision identifiers, used by Alembic. The core's later revisions follow every feature's
# ({{ cookiecutter.package_name }}/migrations.py).
revision = "0004"
down_revision = features_head()
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    # Every existing user gets a token of their own; their current sessions end.
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        token = secrets.token_urlsafe(32)
        connection.execute(users.update().where(users.c.id == user_id).values(session_token=token))
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_users_session_token"), ["session_token"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("uq_users_session_token"), type_="unique")
        batch_op.drop_column("session_token")
