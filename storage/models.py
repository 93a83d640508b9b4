"""Typed SQLAlchemy models of the article store: feeds, articles, stories, chats, subscriptions, the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import TextClause

from storage.types import CleanString, CleanText, UTCDateTime, utcnow

__all__ = [
    "MAX_URL",
    "Article",
    "ArticleEmbedding",
    "Base",
    "Chat",
    "ChatMute",
    "Delivery",
    "DeliveryState",
    "Feed",
    "Story",
    "Subscription",
    "SummaryCache",
]


def _thread_key() -> TextClause:
    """thread_id in a unique index, NULL read as 0 (never a topic's: topics are message ids,
    from 1), since SQL's NULLs never clash."""
    return text("coalesce(thread_id, 0)")


# Stable constraint names so migrations can refer to them on both SQLite and PostgreSQL.
_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MAX_URL = 2048  # the longest address (of a feed, an article, a picture) a row keeps


class Base(DeclarativeBase):
    """Declarative base with a fixed naming convention."""

    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 - SQLAlchemy reads it


class Feed(Base):
    """A source of articles: an RSS or Atom feed with its fetch state."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(CleanString(MAX_URL), unique=True)
    title: Mapped[str] = mapped_column(CleanString(500), default="")
    language: Mapped[str] = mapped_column(CleanString(8))
    topic: Mapped[str | None] = mapped_column(CleanString(32))
    fetch_pages: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # False for a feed only chats that follow it added (/follow): its articles reach only them.
    shared: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    etag: Mapped[str | None] = mapped_column(CleanString(500))
    last_modified: Mapped[str | None] = mapped_column(CleanString(100))
    next_check_at: Mapped[datetime | None]
    last_checked_at: Mapped[datetime | None]
    last_ok_at: Mapped[datetime | None]
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(CleanText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_feeds_due", "enabled", "next_check_at"),)


class Story(Base):
    """A cluster of articles about one event, reported by one or more sources."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(CleanText)
    topic: Mapped[str] = mapped_column(CleanString(32))
    language: Mapped[str] = mapped_column(CleanString(8))
    # Every language the story has an article in, space-separated ("en", "en ur").
    languages: Mapped[str] = mapped_column(CleanString(32), default="")
    simhash: Mapped[int] = mapped_column(BigInteger, default=0)
    article_count: Mapped[int] = mapped_column(Integer, default=1)
    first_published_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="story", lazy="raise")

    __table_args__ = (Index("ix_stories_recent", "first_published_at"),)


class Article(Base):
    """One stored article; the display text is kept as fetched, the ``search_*`` copies are folded."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_url: Mapped[str] = mapped_column(CleanString(MAX_URL), unique=True)
    url: Mapped[str] = mapped_column(CleanString(MAX_URL))
    guid: Mapped[str | None] = mapped_column(CleanString(MAX_URL))
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(CleanString(500), default="")
    title: Mapped[str] = mapped_column(CleanText)
    text: Mapped[str] = mapped_column(CleanText, default="")
    lead: Mapped[str] = mapped_column(CleanText, default="")
    language: Mapped[str] = mapped_column(CleanString(8))
    topic: Mapped[str] = mapped_column(CleanString(32))
    author: Mapped[str | None] = mapped_column(CleanString(500))
    image_url: Mapped[str | None] = mapped_column(CleanString(MAX_URL))
    # Telegram refused image_url once (bad URL, unreachable, not a picture): send text from then on.
    image_refused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the feed gave no usable date, published_at holds fetched_at (so lists sort by when
    # the article arrived) and date_known is False: shown as "date unknown", never breaking.
    published_at: Mapped[datetime]
    date_known: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(CleanString(64), unique=True)
    simhash: Mapped[int] = mapped_column(BigInteger, default=0)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"))
    search_title: Mapped[str] = mapped_column(CleanText, default="")
    search_text: Mapped[str] = mapped_column(CleanText, default="")

    story: Mapped[Story | None] = relationship(back_populates="articles", lazy="raise")
    feed: Mapped[Feed | None] = relationship(lazy="raise")

    __table_args__ = (
        Index("ix_articles_latest", "language", "published_at"),
        Index("ix_articles_topic_latest", "topic", "language", "published_at"),
        Index("ix_articles_published", "published_at"),
        Index("ix_articles_fetched", "fetched_at"),
        Index("ix_articles_story_published", "story_id", "published_at"),
        # Unique: with canonical_url and content_hash, what makes inserting the one duplicate
        # check (an article without a feed, feed_id NULL, never clashes on its GUID).
        Index("ix_articles_feed_guid", "feed_id", "guid", unique=True),
    )


class ArticleEmbedding(Base):
    """An article's multilingual embedding (news.embeddings.vectors), stored once."""

    __tablename__ = "article_embeddings"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    model: Mapped[str] = mapped_column(CleanString(32))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Chat(Base):
    """A Telegram chat (private, group, supergroup or channel) and its preferences."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(CleanString(16), default="private")
    title: Mapped[str | None] = mapped_column(CleanString(500))
    language: Mapped[str] = mapped_column(CleanString(8))  # of the interface (/lang)
    # The languages of news it is sent (/news): "en", "ur" or "both".
    news_languages: Mapped[str] = mapped_column(
        CleanString(8), default="both", server_default="both"
    )
    timezone: Mapped[str] = mapped_column(CleanString(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(CleanString(200))
    quiet_start: Mapped[int | None] = mapped_column(Integer)  # minutes after local midnight
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    # A channel: the Telegram user who made the bot its administrator (they configure it).
    added_by: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # Picture cards (sendPhoto) for articles with an image; off sends every card as text.
    pictures: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChatMute(Base):
    """A word whose stories a chat does not want pushed."""

    __tablename__ = "chat_mutes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE")
    )
    word: Mapped[str] = mapped_column(CleanString(200))

    __table_args__ = (UniqueConstraint("chat_id", "word"),)


class Subscription(Base):
    """A chat's interest in a topic, a keyword phrase or a feed of its own, pushed instantly or in
    a daily digest."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE")
    )
    kind: Mapped[str] = mapped_column(CleanString(16))  # "topic" | "keyword"
    value: Mapped[str] = mapped_column(CleanString(500))  # topic id, or the folded keyword phrase
    display: Mapped[str] = mapped_column(CleanString(500))  # what the user typed
    mode: Mapped[str] = mapped_column(CleanString(16), default="instant")  # "instant" | "digest"
    digest_time: Mapped[int | None] = mapped_column(Integer)  # minutes after local midnight
    # kind "feed" (a chat's own source, /follow): the feed; value holds its id as text.
    feed_id: Mapped[int | None] = mapped_column(
        ForeignKey("feeds.id", ondelete="CASCADE"), index=True
    )
    # A forum supergroup's topic (message_thread_id) the subscription was made in; None: the
    # chat itself (a private chat, a group, a channel, a forum's General topic).
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        # Unique per thread, None counting as one thread (SQL's NULLs never clash): migration 0015.
        Index(
            "uq_subscriptions_chat_thread", "chat_id", _thread_key(), "kind", "value", unique=True
        ),
        Index("ix_subscriptions_match", "kind", "value", "mode"),
    )


class DeliveryState:
    """The states of an outbox row."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    ALL = (QUEUED, SENDING, SENT, FAILED, SKIPPED)


class Delivery(Base):
    """The outbox: one story to push to one chat, with its state and attempts."""

    __tablename__ = "deliveries"

    # No foreign keys (migration 0011): on PostgreSQL each one is a trigger run per inserted row,
    # three per chat a story is queued for. What they guaranteed holds without them: rows are
    # only inserted by queue_story (chat ids read from chats, in the same statement, for a story
    # just created) and queue_delivery (a chat that wrote to the bot); the cascades are done
    # where chats, stories and articles are deleted or move (chats.migrate_chat, retention).
    # A row that still outlives its chat, story or article (a delete racing a queueing) is
    # found by the sender and marked failed (bot.push.claim), never sent.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    story_id: Mapped[int] = mapped_column(Integer)
    article_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(CleanString(16), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(CleanText)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The forum topic it goes to (Subscription.thread_id); None: the chat itself.
    thread_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # A story reaches a chat once per thread that subscribed to it (migration 0015).
        Index("uq_deliveries_chat_story_thread", "chat_id", "story_id", _thread_key(), unique=True),
        Index("ix_deliveries_due", "state", "due_at"),
        Index("ix_deliveries_chat_state", "chat_id", "state"),
    )


class SummaryCache(Base):
    """A computed summary of one article in one language by one backend."""

    __tablename__ = "summaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(CleanString(8))
    backend: Mapped[str] = mapped_column(CleanString(32))
    text: Mapped[str] = mapped_column(CleanText)
    # The headline written with a summary in another language than the article's (else None).
    headline: Mapped[str | None] = mapped_column(CleanText, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("article_id", "language", "backend"),)
