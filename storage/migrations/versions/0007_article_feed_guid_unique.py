"""(feed_id, guid) becomes unique, so inserting an article is its one duplicate check.

canonical_url and content_hash were unique already; a GUID repeated within one feed was only
found by a lookup before each insert. Two writers racing past that lookup could store one item
twice: those later copies keep their rows and lose the GUID (nothing is deleted).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Clear repeated GUIDs of one feed (all but the first), then make the index unique."""
    op.execute(
        "UPDATE articles SET guid = NULL WHERE guid IS NOT NULL AND feed_id IS NOT NULL"
        " AND id > (SELECT MIN(other.id) FROM articles AS other"
        " WHERE other.feed_id = articles.feed_id AND other.guid = articles.guid)"
    )
    op.drop_index("ix_articles_feed_guid", table_name="articles")
    op.create_index("ix_articles_feed_guid", "articles", ["feed_id", "guid"], unique=True)


def downgrade() -> None:
    """Make the index plain again."""
    op.drop_index("ix_articles_feed_guid", table_name="articles")
    op.create_index("ix_articles_feed_guid", "articles", ["feed_id", "guid"])
