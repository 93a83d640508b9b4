"""Queries on own sources: chats following a feed (subscriptions of kind "feed") and the feeds only
their followers added (``feeds.shared`` false), fetched once for all of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.feeds import FeedIn, add_feed
from storage.models import Article, Chat, ChatMute, Feed, Subscription
from storage.subscriptions import FEED, chat_digest_time, in_thread, remove_unfollowed_feeds
from storage.types import utcnow

__all__ = [
    "FEED",
    "Follower",
    "article_is_shared",
    "failing_followed_feeds",
    "feed_followers",
    "follow_feed",
    "followed_feed_ids",
    "has_followers",
    "list_follows",
    "remove_unfollowed_feeds",
    "unfollow_feed",
]

_SUBSCRIPTIONS: Table = Subscription.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Follower:
    """An active chat following a feed (in one of its forum topics, or None: the chat itself),
    with what decides when its deliveries go out."""

    chat_id: int
    timezone: str
    quiet_start: int | None
    quiet_end: int | None
    digest_time: int | None  # set when the follow is delivered in a daily digest
    language: str
    thread_id: int | None = None


async def follow_feed(
    session: AsyncSession,
    chat_id: int,
    url: str,
    *,
    display: str,
    language: str,
    title: str | None = None,
    thread_id: int | None = None,
) -> tuple[Feed, bool]:
    """Follow the feed at ``url`` in the chat's thread (the feed added, not shared, when no feed
    has it); return the feed and whether that thread did not follow it before. The follow joins
    the chat's digest when it has one (every subscription in one digest at one time, as /digest
    sets), else is instant. ``title`` is the feed's, when read already (else its first fetch
    reads it)."""
    feed_in = FeedIn(url=url, title=title or url, language=language, shared=False)
    feed, _ = await add_feed(session, feed_in)
    digest = await chat_digest_time(session, chat_id)
    values = {
        "chat_id": chat_id,
        "thread_id": thread_id,
        "kind": FEED,
        "value": str(feed.id),
        "display": display,
        "mode": "instant" if digest is None else "digest",
        "digest_time": digest,
        "feed_id": feed.id,
        "created_at": utcnow(),
    }
    result = await session.execute(insert_ignore(session, _SUBSCRIPTIONS, values))
    return feed, bool(result.rowcount)  # type: ignore[attr-defined]


async def unfollow_feed(
    session: AsyncSession, chat_id: int, feed_id: int, thread_id: int | None = None
) -> bool:
    """Stop following a feed in the chat's thread; return whether it followed it there."""
    result = await session.execute(
        delete(Subscription).where(
            Subscription.chat_id == chat_id,
            in_thread(thread_id),
            Subscription.kind == FEED,
            Subscription.feed_id == feed_id,
        )
    )
    removed = bool(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        await remove_unfollowed_feeds(session)  # no follower left: no fetch any more
    return removed


async def list_follows(
    session: AsyncSession, chat_id: int, thread_id: int | None = None
) -> list[Feed]:
    """The feeds the chat's thread follows, in the order it followed them."""
    stmt = (
        select(Feed)
        .join(Subscription, Subscription.feed_id == Feed.id)
        .where(Subscription.chat_id == chat_id, in_thread(thread_id), Subscription.kind == FEED)
        .order_by(Subscription.id)
    )
    return list((await session.execute(stmt)).scalars())


async def followed_feed_ids(session: AsyncSession, chat_id: int) -> set[int]:
    """The ids of the feeds the chat follows (in any of its threads)."""
    stmt = select(Subscription.feed_id).where(
        Subscription.chat_id == chat_id, Subscription.kind == FEED
    )
    return {feed_id for feed_id in (await session.execute(stmt)).scalars() if feed_id is not None}


async def has_followers(session: AsyncSession, feed_id: int) -> bool:
    """Whether any chat follows the feed (ix_subscriptions_match answers it)."""
    stmt = select(exists().where(Subscription.kind == FEED, Subscription.value == str(feed_id)))
    return bool((await session.execute(stmt)).scalar())


async def feed_followers(
    session: AsyncSession, feed_id: int, now: datetime, mutes: Sequence[str] = ()
) -> list[Follower]:
    """The active chats that followed the feed by ``now`` and muted none of ``mutes``, once
    for each thread that follows it."""
    stmt = (
        select(
            Chat.id,
            Chat.timezone,
            Chat.quiet_start,
            Chat.quiet_end,
            Subscription.mode,
            Subscription.digest_time,
            Chat.language,
            Subscription.thread_id,
        )
        .join(Chat, Chat.id == Subscription.chat_id)
        .where(
            Subscription.kind == FEED,
            Subscription.value == str(feed_id),
            Subscription.created_at <= now,
            Chat.active.is_(True),
        )
        .order_by(Chat.id, Subscription.id)
    )
    if mutes:
        muted = exists().where(ChatMute.chat_id == Chat.id, ChatMute.word.in_(list(mutes)))
        stmt = stmt.where(~muted)
    rows = (await session.execute(stmt)).all()
    return [
        Follower(chat, tz, qs, qe, digest if mode == "digest" else None, language, thread)
        for chat, tz, qs, qe, mode, digest, language, thread in rows
    ]


async def article_is_shared(session: AsyncSession, article_id: int) -> bool:
    """Whether the article may reach every chat: it has no feed, or an admin's (shared) feed."""
    stmt = (
        select(Feed.shared)
        .select_from(Article)
        .join(Feed, Feed.id == Article.feed_id)
        .where(Article.id == article_id)
    )
    shared = (await session.execute(stmt)).scalar_one_or_none()
    return shared is None or bool(shared)


async def failing_followed_feeds(session: AsyncSession, since: datetime) -> list[Feed]:
    """Feeds only chats follow that have failed, with no good fetch (or none at all), since
    ``since``."""
    last_good = func.coalesce(Feed.last_ok_at, Feed.created_at)
    stmt = (
        select(Feed)
        .where(Feed.shared.is_(False), Feed.error_count > 0, last_good < since)
        .order_by(Feed.id)
    )
    return list((await session.execute(stmt)).scalars())
