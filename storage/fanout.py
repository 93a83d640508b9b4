"""Queueing a new story for every chat that wants it, in one statement (the outbox's front door)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryState

__all__ = [
    "QueuedForChat",
    "StoryMatch",
    "held_deliveries",
    "queue_story",
    "set_due",
]


@dataclass(frozen=True)
class StoryMatch:
    """What subscriptions are matched against: the story's topic, language and folded words."""

    story_id: int
    article_id: int
    topic: str
    language: str
    words: str  # folded title and lead, words separated by single spaces


@dataclass(frozen=True)
class QueuedForChat:
    """A just-queued delivery whose due time depends on the chat (quiet hours, digest)."""

    delivery_id: int
    chat_id: int
    timezone: str
    quiet_start: int | None
    quiet_end: int | None
    digest_time: int | None  # set when only digest subscriptions matched


def _contains(dialect: str, haystack: str, needle: str) -> str:
    """SQL for "needle occurs in haystack" (instr on SQLite, strpos on PostgreSQL)."""
    function = "instr" if dialect == "sqlite" else "strpos"
    return f"{function}({haystack}, {needle}) > 0"


def _match(dialect: str, mode: str | None) -> str:
    mode_sql = f"AND s.mode = '{mode}'" if mode else ""
    # Words are matched whole: both sides are padded with spaces.
    keyword = _contains(dialect, "' ' || :words || ' '", "' ' || s.value || ' '")
    return f"""EXISTS (
        SELECT 1 FROM subscriptions s
        WHERE s.chat_id = c.id AND s.created_at <= :now {mode_sql}
          AND ((s.kind = 'topic' AND s.value = :topic) OR (s.kind = 'keyword' AND {keyword})))"""


def _muted(dialect: str) -> str:
    muted = _contains(dialect, "' ' || :words || ' '", "' ' || m.word || ' '")
    return f"EXISTS (SELECT 1 FROM chat_mutes m WHERE m.chat_id = c.id AND {muted})"


async def queue_story(session: AsyncSession, story: StoryMatch, now: datetime) -> int:
    """Queue ``story`` once for each active chat in its language whose subscriptions match it
    and whose mute words do not; chats that subscribed later than ``now`` are left out.
    Returns how many deliveries were queued (pairs queued before are never queued again)."""
    dialect = session.get_bind().dialect.name
    now_sql = now.replace(tzinfo=None) if dialect == "sqlite" else now
    stmt = text(
        f"""INSERT INTO deliveries
            (chat_id, story_id, article_id, state, attempts, created_at, due_at, updated_at)
        SELECT c.id, :story_id, :article_id, '{DeliveryState.QUEUED}', 0, :now, :now, :now
        FROM chats c
        WHERE c.active AND c.language = :language
          AND {_match(dialect, None)}
          AND NOT {_muted(dialect)}
        ON CONFLICT DO NOTHING"""
    )
    result = await session.execute(
        stmt,
        {
            "story_id": story.story_id,
            "article_id": story.article_id,
            "now": now_sql,
            "language": story.language,
            "topic": story.topic,
            "words": story.words,
        },
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def held_deliveries(
    session: AsyncSession, story: StoryMatch, now: datetime
) -> list[QueuedForChat]:
    """Deliveries of ``story`` that may not go out now: the chat has quiet hours, or only its
    digest subscriptions matched."""
    dialect = session.get_bind().dialect.name
    now_sql = now.replace(tzinfo=None) if dialect == "sqlite" else now
    stmt = text(
        f"""SELECT d.id, c.id, c.timezone, c.quiet_start, c.quiet_end,
               CASE WHEN {_match(dialect, "instant")} THEN NULL ELSE (
                   SELECT min(s.digest_time) FROM subscriptions s
                   WHERE s.chat_id = c.id AND s.mode = 'digest') END AS digest_time
        FROM deliveries d JOIN chats c ON c.id = d.chat_id
        WHERE d.story_id = :story_id AND d.state = '{DeliveryState.QUEUED}'
          AND (c.quiet_start IS NOT NULL OR NOT {_match(dialect, "instant")})"""
    )
    rows = await session.execute(
        stmt,
        {"story_id": story.story_id, "now": now_sql, "topic": story.topic, "words": story.words},
    )
    return [QueuedForChat(*row) for row in rows.all()]


async def set_due(session: AsyncSession, delivery_ids: list[int], due_at: datetime) -> None:
    """Move queued deliveries to a later due time."""
    if delivery_ids:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.state == DeliveryState.QUEUED)
            .values(due_at=due_at)
        )
