"""One index on (feed_id, guid) for the GUID duplicate check, instead of two single-column ones.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Replace ix_articles_guid and ix_articles_feed by ix_articles_feed_guid."""
    op.create_index("ix_articles_feed_guid", "articles", ["feed_id", "guid"])
    op.drop_index("ix_articles_guid", table_name="articles")
    op.drop_index("ix_articles_feed", table_name="articles")


def downgrade() -> None:
    """Bring the single-column indexes back."""
    op.create_index("ix_articles_feed", "articles", ["feed_id"])
    op.create_index("ix_articles_guid", "articles", ["guid"])
    op.drop_index("ix_articles_feed_guid", table_name="articles")
