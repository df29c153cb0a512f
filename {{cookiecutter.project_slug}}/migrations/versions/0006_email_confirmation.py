"""users.email_confirmed_at and mail_events: confirmed addresses, and the account e-mails that
rate limits count

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Accounts made before this revision start unconfirmed: their owners are asked to confirm.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "mail_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("sent_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_events")),
    )
    op.create_index("ix_mail_events_key_sent_at", "mail_events", ["key", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_events_key_sent_at", table_name="mail_events")
    op.drop_table("mail_events")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_confirmed_at")
