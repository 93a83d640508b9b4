"""Own sources: feeds.shared (False for a feed only its followers added) and
subscriptions.feed_id (a chat following a feed of its own).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add feeds.shared (true for the feeds already stored) and subscriptions.feed_id."""
    op.add_column(
        "feeds", sa.Column("shared", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    # A batch: SQLite adds a foreign key only by rebuilding the table.
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("feed_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_subscriptions_feed_id_feeds", "feeds", ["feed_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_subscriptions_feed_id", ["feed_id"])


def downgrade() -> None:
    """Drop subscriptions.feed_id and feeds.shared."""
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_index("ix_subscriptions_feed_id")
        batch.drop_constraint("fk_subscriptions_feed_id_feeds", type_="foreignkey")
        batch.drop_column("feed_id")
    # A native drop (SQLite >= 3.35), not a batch: rebuilding feeds DROPs it, firing the
    # ON DELETE actions of articles and subscriptions.
    op.drop_column("feeds", "shared")
