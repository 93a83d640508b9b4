"""chats.pictures (a chat may turn picture cards off) and articles.image_refused (Telegram
refused the article's picture once: never offer it again).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add chats.pictures (on for every chat) and articles.image_refused (off)."""
    op.add_column(
        "chats", sa.Column("pictures", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "articles",
        sa.Column("image_refused", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    """Drop both columns."""
    # Native drops (SQLite >= 3.35), not batches: rebuilding a table DROPs it, firing the
    # ON DELETE actions of every table referring to it (and losing the articles search triggers).
    op.drop_column("articles", "image_refused")
    op.drop_column("chats", "pictures")
