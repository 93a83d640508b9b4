"""Initial schema: feeds, stories, articles, chats, mutes, subscriptions, deliveries, summaries.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def _chat_fk(name: str) -> sa.ForeignKey:
    # Chats move to a new id when a group becomes a supergroup: rows that hang off them follow.
    return sa.ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE", name=name)


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("topic", sa.String(32)),
        sa.Column("fetch_pages", sa.Boolean(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
        _ts("next_check_at", nullable=True),
        _ts("last_checked_at", nullable=True),
        _ts("last_ok_at", nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        _ts("created_at"),
        sa.UniqueConstraint("url", name="uq_feeds_url"),
    )
    op.create_index("ix_feeds_due", "feeds", ["enabled", "next_check_at"])

    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        _ts("first_published_at"),
        _ts("created_at"),
        _ts("updated_at"),
    )
    op.create_index("ix_stories_recent", "stories", ["first_published_at"])

    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("canonical_url", sa.String(2048), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("guid", sa.String(2048)),
        sa.Column(
            "feed_id",
            sa.Integer(),
            sa.ForeignKey("feeds.id", ondelete="SET NULL", name="fk_articles_feed_id_feeds"),
        ),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("author", sa.String(500)),
        sa.Column("image_url", sa.String(2048)),
        _ts("published_at"),
        _ts("fetched_at"),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("simhash", sa.BigInteger(), nullable=False),
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("stories.id", ondelete="SET NULL", name="fk_articles_story_id_stories"),
        ),
        sa.UniqueConstraint("canonical_url", name="uq_articles_canonical_url"),
        sa.UniqueConstraint("content_hash", name="uq_articles_content_hash"),
    )
    op.create_index("ix_articles_latest", "articles", ["language", "published_at"])
    op.create_index("ix_articles_topic_latest", "articles", ["topic", "language", "published_at"])
    op.create_index("ix_articles_published", "articles", ["published_at"])
    op.create_index("ix_articles_story", "articles", ["story_id"])
    op.create_index("ix_articles_guid", "articles", ["guid"])
    op.create_index("ix_articles_feed", "articles", ["feed_id"])

    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("title", sa.String(500)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("inactive_reason", sa.String(200)),
        sa.Column("quiet_start", sa.Integer()),
        sa.Column("quiet_end", sa.Integer()),
        _ts("created_at"),
        _ts("updated_at"),
    )

    op.create_table(
        "chat_mutes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            _chat_fk("fk_chat_mutes_chat_id_chats"),
            nullable=False,
        ),
        sa.Column("word", sa.String(200), nullable=False),
        sa.UniqueConstraint("chat_id", "word", name="uq_chat_mutes_chat_id"),
    )

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            _chat_fk("fk_subscriptions_chat_id_chats"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.Column("display", sa.String(500), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("digest_time", sa.Integer()),
        _ts("created_at"),
        sa.UniqueConstraint("chat_id", "kind", "value", name="uq_subscriptions_chat_id"),
    )
    op.create_index("ix_subscriptions_match", "subscriptions", ["kind", "value", "mode"])

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "chat_id",
            sa.BigInteger(),
            _chat_fk("fk_deliveries_chat_id_chats"),
            nullable=False,
        ),
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("stories.id", ondelete="CASCADE", name="fk_deliveries_story_id_stories"),
            nullable=False,
        ),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey(
                "articles.id", ondelete="SET NULL", name="fk_deliveries_article_id_articles"
            ),
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("message_id", sa.BigInteger()),
        _ts("created_at"),
        _ts("due_at"),
        _ts("sent_at", nullable=True),
        _ts("updated_at"),
        sa.UniqueConstraint("chat_id", "story_id", name="uq_deliveries_chat_id"),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["state", "due_at"])
    op.create_index("ix_deliveries_chat_state", "deliveries", ["chat_id", "state"])

    op.create_table(
        "summaries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey(
                "articles.id", ondelete="CASCADE", name="fk_summaries_article_id_articles"
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("article_id", "language", "backend", name="uq_summaries_article_id"),
    )


def downgrade() -> None:
    """Drop every table."""
    for table in (
        "summaries",
        "deliveries",
        "subscriptions",
        "chat_mutes",
        "chats",
        "articles",
        "stories",
        "feeds",
    ):
        op.drop_table(table)
