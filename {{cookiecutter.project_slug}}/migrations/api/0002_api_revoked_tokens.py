"""API: revoked tokens

Revision ID: 0002
Revises: revision_before("api")
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

from {{ cookiecutter.package_name }}.migrations import revision_before

# revision identifiers, used by Alembic. The parent is whatever comes before this feature in
# this project's one line of history ({{ cookiecutter.package_name }}/migrations.py).
revision = "0002"
down_revision = revision_before("api")
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The notes table, created here before notes had pages of their own, is the core's now
    # (versions/0007_notes.py).
    op.create_table(
        "revoked_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("token_type", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revoked_tokens")),
        sa.UniqueConstraint("jti", name=op.f("uq_revoked_tokens_jti")),
    )


def downgrade() -> None:
    op.drop_table("revoked_tokens")
