"""Queueing a new story for every chat that wants it, in one statement (the outbox's front door)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, cast, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Article, ChatMute, Delivery, DeliveryState, Story, Subscription
from storage.types import UTCDateTime

__all__ = [
    "QueuedForChat",
    "StoryMatch",
    "held_deliveries",
    "keyword_values",
    "mute_words",
    "queue_story",
    "set_due",
    "sources_within",
]


@dataclass(frozen=True)
class StoryMatch:
    """What subscriptions are matched against: the story's topic and language, and which stored
    keyword phrases and mute words occur in it (the caller matches words; SQL only compares)."""

    story_id: int
    article_id: int
    topic: str
    language: str
    keywords: Sequence[str] = field(default=())  # subscriptions.value rows that occur in the story
    mutes: Sequence[str] = field(default=())  # chat_mutes.word rows that occur in the story


@dataclass(frozen=True)
class QueuedForChat:
    """A just-queued delivery whose due time depends on the chat (quiet hours, digest)."""

    delivery_id: int
    chat_id: int
    timezone: str
    quiet_start: int | None
    quiet_end: int | None
    digest_time: int | None  # set when only digest subscriptions matched


async def keyword_values(session: AsyncSession) -> list[str]:
    """Every distinct keyword phrase some chat subscribed to, as stored."""
    stmt = select(Subscription.value).where(Subscription.kind == "keyword").distinct()
    return list((await session.execute(stmt)).scalars())


async def mute_words(session: AsyncSession) -> list[str]:
    """Every distinct muted word, as stored."""
    return list((await session.execute(select(ChatMute.word).distinct())).scalars())


def _matching_subscriptions(
    story: StoryMatch, mode: str | None, *, columns: str = "s.chat_id", also: str = ""
) -> str:
    """SQL selecting ``columns`` of the subscriptions (of ``mode``, or any) that match the story.

    Driven by ix_subscriptions_match (kind, value, mode), so its cost follows the matches, not
    the number of chats."""
    keyword = "OR (s.kind = 'keyword' AND s.value IN :keywords)" if story.keywords else ""
    mode_sql = f"AND s.mode = '{mode}'" if mode else ""
    return f"""SELECT {columns} FROM subscriptions s
        WHERE s.created_at <= :now {mode_sql} {also}
          AND ((s.kind = 'topic' AND s.value = :topic) {keyword})"""


def _params(story: StoryMatch, now: datetime, sql: str) -> Any:
    """text(sql) with typed timestamps and expanding lists (empty lists are left out of the SQL)."""
    params = [bindparam("now", now, type_=UTCDateTime())]
    if story.keywords:
        params.append(bindparam("keywords", list(story.keywords), expanding=True))
    if story.mutes and ":mutes" in sql:
        params.append(bindparam("mutes", list(story.mutes), expanding=True))
    return text(sql).bindparams(*params)


async def queue_story(session: AsyncSession, story: StoryMatch, now: datetime) -> int:
    """Queue ``story`` once for each active chat in its language whose subscriptions match it
    and whose mute words do not; chats that subscribed later than ``now`` are left out.
    Returns how many deliveries were queued (pairs queued before are never queued again)."""
    muted = (
        "AND NOT EXISTS (SELECT 1 FROM chat_mutes m WHERE m.chat_id = c.id AND m.word IN :mutes)"
        if story.mutes
        else ""
    )
    # SQLite needs the WHERE before ON CONFLICT to parse an INSERT ... SELECT upsert
    # (sqlite.org/lang_upsert.html, "Parsing Ambiguity").
    sql = f"""INSERT INTO deliveries
            (chat_id, story_id, article_id, state, attempts, created_at, due_at, updated_at)
        SELECT c.id, :story_id, :article_id, '{DeliveryState.QUEUED}', 0, :now, :now, :now
        FROM chats c
        WHERE c.id IN ({_matching_subscriptions(story, None)})
          AND c.active AND c.language = :language {muted}
        ON CONFLICT DO NOTHING"""
    result = await session.execute(
        _params(story, now, sql),
        {
            "story_id": story.story_id,
            "article_id": story.article_id,
            "language": story.language,
            "topic": story.topic,
        },
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def held_deliveries(
    session: AsyncSession, story: StoryMatch, now: datetime
) -> list[QueuedForChat]:
    """Queued deliveries of ``story`` that may not go out now: the chat has quiet hours, or only
    its digest subscriptions matched (then ``digest_time`` is the earliest matching one)."""
    instant = _matching_subscriptions(story, "instant")
    digest = _matching_subscriptions(
        story, "digest", columns="min(s.digest_time)", also="AND s.chat_id = c.id"
    )
    sql = f"""SELECT d.id, c.id, c.timezone, c.quiet_start, c.quiet_end,
               CASE WHEN d.chat_id IN ({instant}) THEN NULL
                    ELSE ({digest}) END AS digest_time
        FROM deliveries d JOIN chats c ON c.id = d.chat_id
        WHERE d.story_id = :story_id AND d.state = '{DeliveryState.QUEUED}'
          AND (c.quiet_start IS NOT NULL OR d.chat_id NOT IN ({instant}))"""
    rows = await session.execute(
        _params(story, now, sql), {"story_id": story.story_id, "topic": story.topic}
    )
    return [QueuedForChat(*row) for row in rows.all()]


async def set_due(session: AsyncSession, delivery_ids: list[int], due_at: datetime) -> None:
    """Move queued deliveries to another due time."""
    if delivery_ids:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.state == DeliveryState.QUEUED)
            .values(due_at=due_at)
        )


async def sources_within(
    session: AsyncSession, story_ids: Collection[int], window: timedelta
) -> dict[int, int]:
    """For each story, how many distinct sources (feeds, or source names for imported files)
    published it within ``window`` of its first article: what makes a story breaking.

    Articles without a known publication date do not count: their stored time is only when we
    fetched them, and an old item must never make a story look fresh."""
    if not story_ids:
        return {}
    source = func.coalesce(cast(Article.feed_id, String), Article.source)
    stmt = (
        select(Article.story_id, source, Article.published_at, Story.first_published_at)
        .join(Story, Story.id == Article.story_id)
        .where(Article.story_id.in_(set(story_ids)), Article.date_known.is_(True))
    )
    seen: defaultdict[int, set[str]] = defaultdict(set)
    for story_id, name, published, first in (await session.execute(stmt)).all():
        if story_id is not None and published <= first + window:
            seen[story_id].add(name)
    return {story_id: len(seen.get(story_id, ())) for story_id in story_ids}
