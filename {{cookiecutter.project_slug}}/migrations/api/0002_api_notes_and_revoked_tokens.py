"""API: notes and revoked tokens

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
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_notes_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notes_owner_id"), ["owner_id"], unique=False)

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
    # Dropping the table drops its indexes too; MySQL refuses to drop ix_notes_owner_id on its
    # own while the owner_id foreign key needs it.
    op.drop_table("notes")
