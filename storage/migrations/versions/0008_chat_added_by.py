"""chats.added_by: the user who made the bot a channel's administrator (who configures it).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add chats.added_by, empty for the chats already stored."""
    op.add_column("chats", sa.Column("added_by", sa.BigInteger(), nullable=True))
    op.create_index("ix_chats_added_by", "chats", ["added_by"])


def downgrade() -> None:
    """Drop chats.added_by."""
    # The index first, then a native drop (SQLite >= 3.35), not a batch: rebuilding chats would
    # DROP it, and its ON DELETE CASCADE would empty subscriptions and chat_mutes.
    op.drop_index("ix_chats_added_by", table_name="chats")
    op.drop_column("chats", "added_by")
