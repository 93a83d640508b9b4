"""Test data, one way each: articles, feeds, chats and subscriptions in a real store.

Articles go the one way the product stores them, through news.pipeline.Pipeline (its
candidate builder, story index and delivery queue); feeds, chats and subscriptions are rows
written through storage, in bulk where tests need thousands.

    added = await add_article(store, "Rain floods Karachi", published_at=hours_ago(2))
    await add_article(store, "Storm hits Sindh", published_at=T0, push=True, now=clock.now)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from news.delivery.policy import DeliveryPolicy
from news.embeddings.service import Embeddings
from news.pipeline import Pipeline
from news.stories.candidate import build_candidate
from storage import Article, Chat, ChatMute, Store, Subscription
from storage.feeds import FeedIn
from storage.feeds import add_feed as store_feed

__all__ = [
    "NOW",
    "Added",
    "add_article",
    "add_chats",
    "add_feed",
    "add_subscription",
    "hours_ago",
    "stored_articles",
]

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)  # the bot's clock in the bot tests
_SUBSCRIBED_AT = NOW - timedelta(days=1)  # before any story of any test is queued
_serial = itertools.count(1)


def hours_ago(hours: float) -> datetime:
    """``hours`` before NOW."""
    return NOW - timedelta(hours=hours)


@dataclass(frozen=True)
class Added:
    """A stored article: its id, its story, and whether it started that story."""

    article_id: int
    story_id: int
    new_story: bool


async def add_article(
    store: Store,
    title: str = "",
    *,
    language: str = "en",
    topic: str = "world",
    text: str = "",
    lead: str = "",
    source: str = "Test Wire",
    published_at: datetime | None = NOW - timedelta(hours=1),
    fetched_at: datetime | None = None,
    url: str | None = None,
    image_url: str | None = None,
    feed_id: int | None = None,
    push: bool = False,
    now: datetime | None = None,
    policy: DeliveryPolicy | None = None,
    embeddings: Embeddings | None = None,
) -> Added:
    """Store one article through the pipeline; fail if the store already has it.

    It is fetched when published (or at ``now``, or an hour before NOW, when it has no date:
    ``published_at=None``). With ``push`` its story is queued or released as the pipeline
    does it at ``now`` (default: when fetched), under ``policy``; the lead is the text's first
    paragraph unless given; ``embeddings`` makes its vector (default: none); ``feed_id`` is
    the feed it came from (a chat's own one keeps it to its followers)."""
    n = next(_serial)
    title = title or f"Headline number {n}"
    text = text or f"Body of article {n}. It has a first sentence.\n\nAnd a second paragraph."
    fetched = fetched_at or published_at or now or NOW - timedelta(hours=1)
    pipeline = Pipeline(store, policy=policy, clock=lambda: now or fetched, embeddings=embeddings)
    stored = await pipeline.ingest_candidate(
        build_candidate(
            url=url or f"https://news.example.com/{language}/{topic}/{n}",
            title=title,
            text=text,
            language=language,
            fetched_at=fetched,
            topic=topic,
            lead=lead or text.split("\n\n", 1)[0],
            published_at=published_at,
            source=source,
            image_url=image_url,
            feed_id=feed_id,
        ),
        push=push,
    )
    assert stored.article_id is not None and stored.story_id, f"duplicate article {title!r}"
    return Added(stored.article_id, stored.story_id, stored.new_story)


async def stored_articles(store: Store) -> list[Article]:
    """Every stored article, in the order stored."""
    async with store.read() as session:
        return list((await session.execute(select(Article).order_by(Article.id))).scalars())


async def add_feed(
    store: Store,
    url: str,
    *,
    title: str | None = None,
    language: str = "en",
    topic: str | None = None,
    pages: bool = False,
) -> int:
    """Add a feed, never fetched, titled by its URL unless given (as /addfeed adds one)."""
    async with store.write() as session:
        feed, _ = await store_feed(session, FeedIn(url, title or url, language, topic, pages))
    return feed.id


async def add_chats(
    store: Store,
    chat_ids: Iterable[int],
    *,
    topics: Iterable[str] = ("world",),
    keywords: Iterable[str] = (),
    mutes: Iterable[str] = (),
    language: str = "en",
    news_languages: str = "both",
    timezone: str = "UTC",
    mode: str = "instant",
    digest_time: int | None = None,
    quiet: tuple[int, int] | None = None,
    subscribed_at: datetime = _SUBSCRIBED_AT,
) -> list[int]:
    """Register chats (private for positive ids, groups else) with these subscriptions and
    mutes, in three executemany inserts."""
    ids = list(chat_ids)
    chats = [
        {
            "id": i,
            "type": "private" if i > 0 else "group",
            "language": language,
            "news_languages": news_languages,
            "timezone": timezone,
            "active": True,
            "quiet_start": quiet[0] if quiet else None,
            "quiet_end": quiet[1] if quiet else None,
            "created_at": subscribed_at,
            "updated_at": subscribed_at,
        }
        for i in ids
    ]
    kinds = [*(("topic", t) for t in topics), *(("keyword", k) for k in keywords)]
    subs = [
        _subscription(i, kind, value, mode, digest_time, subscribed_at)
        for i in ids
        for kind, value in kinds
    ]
    muted = [{"chat_id": i, "word": w} for i in ids for w in mutes]
    async with store.write() as session:
        for model, rows in ((Chat, chats), (Subscription, subs), (ChatMute, muted)):
            if rows:
                await session.execute(insert(model), rows)
    return ids


async def add_subscription(
    store: Store,
    chat_id: int,
    value: str,
    *,
    kind: str = "topic",
    mode: str = "instant",
    digest_time: int | None = None,
    subscribed_at: datetime = _SUBSCRIBED_AT,
    thread_id: int | None = None,
) -> None:
    """Give an existing chat one more subscription (in its forum topic ``thread_id``)."""
    row = _subscription(chat_id, kind, value, mode, digest_time, subscribed_at)
    row["thread_id"] = thread_id
    async with store.write() as session:
        await session.execute(insert(Subscription), [row])


def _subscription(
    chat_id: int,
    kind: str,
    value: str,
    mode: str,
    digest_time: int | None,
    subscribed_at: datetime,
) -> dict[str, object]:
    return {
        "chat_id": chat_id,
        "kind": kind,
        "value": value,
        "display": value,
        "mode": mode,
        "digest_time": digest_time,
        "created_at": subscribed_at,
    }
