"""An index on articles.fetched_at: retention counts from when an article was stored.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ix_articles_fetched."""
    op.create_index("ix_articles_fetched", "articles", ["fetched_at"])


def downgrade() -> None:
    """Drop ix_articles_fetched."""
    op.drop_index("ix_articles_fetched", table_name="articles")
