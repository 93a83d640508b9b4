"""send_slots: the bot's send budget shared by every instance on one PostgreSQL.

One row per bucket (the bot, or one chat) with its GCRA theoretical arrival time, in seconds
of the database server's clock (bot.budget.slots, storage.sendslots). UNLOGGED on PostgreSQL:
the rows matter for seconds, and a crash that empties the table only forgets past sends.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create send_slots."""
    op.create_table(
        "send_slots",
        sa.Column("bucket", sa.String(64), primary_key=True),
        sa.Column("tat", sa.Float(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE send_slots SET UNLOGGED")


def downgrade() -> None:
    """Drop send_slots."""
    op.drop_table("send_slots")
