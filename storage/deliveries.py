"""The outbox: queue a story for a chat once, claim due rows atomically, record each outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.models import Article, Chat, Delivery, DeliveryState, Story
from storage.types import utcnow

__all__ = [
    "DeliveryView",
    "claim_due",
    "count_by_state",
    "delivery_views",
    "mark_failed",
    "mark_sent",
    "queue_delivery",
    "requeue_stale",
    "retry_later",
    "skip_chat_deliveries",
]


async def queue_delivery(
    session: AsyncSession,
    *,
    chat_id: int,
    story_id: int,
    article_id: int | None,
    due_at: datetime | None = None,
) -> bool:
    """Queue one story for one chat; False when that pair was queued before (once, ever)."""
    now = utcnow()
    values = {
        "chat_id": chat_id,
        "story_id": story_id,
        "article_id": article_id,
        "state": DeliveryState.QUEUED,
        "attempts": 0,
        "created_at": now,
        "due_at": due_at or now,
        "updated_at": now,
    }
    result = await session.execute(insert_ignore(session, Delivery.__table__, values))  # type: ignore[arg-type]
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Delivery]:
    """Move up to ``limit`` due queued rows to ``sending`` in one statement and return them."""
    due = (
        select(Delivery.id)
        .where(Delivery.state == DeliveryState.QUEUED, Delivery.due_at <= now)
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()))
        .values(state=DeliveryState.SENDING, attempts=Delivery.attempts + 1, updated_at=now)
        .returning(Delivery)
    )
    rows = list((await session.execute(stmt)).scalars())
    return sorted(rows, key=lambda d: (d.due_at, d.id))


async def _finish(session: AsyncSession, delivery_id: int, **values: object) -> bool:
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.SENDING)
        .values(**values, updated_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_sent(
    session: AsyncSession, delivery_id: int, message_id: int | None, note: str | None = None
) -> bool:
    """Record a successful send (with a remark such as "sent as plain text")."""
    return await _finish(
        session,
        delivery_id,
        state=DeliveryState.SENT,
        message_id=message_id,
        sent_at=utcnow(),
        last_error=note,
    )


async def mark_failed(session: AsyncSession, delivery_id: int, error: str) -> bool:
    """Give up on a delivery, keeping the reason."""
    return await _finish(session, delivery_id, state=DeliveryState.FAILED, last_error=error[:2000])


async def retry_later(
    session: AsyncSession, delivery_id: int, due_at: datetime, error: str | None = None
) -> bool:
    """Put a claimed delivery back in the queue until ``due_at``."""
    return await _finish(
        session, delivery_id, state=DeliveryState.QUEUED, due_at=due_at, last_error=error
    )


async def requeue_stale(session: AsyncSession, older_than: datetime) -> int:
    """Return rows left in ``sending`` by a crashed process to the queue; how many."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.state == DeliveryState.SENDING, Delivery.updated_at < older_than)
        .values(state=DeliveryState.QUEUED, updated_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def count_by_state(session: AsyncSession) -> dict[str, int]:
    """How many deliveries are in each state (every state present, zero when none)."""
    stmt = select(Delivery.state, func.count(Delivery.id)).group_by(Delivery.state)
    counts = dict.fromkeys(DeliveryState.ALL, 0)
    counts.update({state: n for state, n in (await session.execute(stmt)).all()})
    return counts


@dataclass(frozen=True)
class DeliveryView:
    """Everything the sender needs to render and send one claimed delivery."""

    delivery_id: int
    chat_id: int
    chat_type: str
    chat_language: str
    attempts: int
    story_id: int
    story_sources: int
    article_id: int | None
    title: str
    lead: str
    source: str
    topic: str
    language: str
    published_at: datetime


async def delivery_views(session: AsyncSession, delivery_ids: Sequence[int]) -> list[DeliveryView]:
    """The claimed deliveries with their chat, story and article, oldest story first."""
    if not delivery_ids:
        return []
    stmt = (
        select(
            Delivery.id,
            Delivery.chat_id,
            Chat.type,
            Chat.language,
            Delivery.attempts,
            Delivery.story_id,
            Story.article_count,
            Article.id,
            Article.title,
            Article.lead,
            Article.source,
            Article.topic,
            Article.language,
            Article.published_at,
        )
        .join(Chat, Chat.id == Delivery.chat_id)
        .join(Story, Story.id == Delivery.story_id)
        .join(Article, Article.id == Delivery.article_id)
        .where(Delivery.id.in_(delivery_ids))
        .order_by(Article.published_at, Delivery.id)
    )
    rows: list[tuple[Any, ...]] = [tuple(row) for row in (await session.execute(stmt)).all()]
    return [DeliveryView(*row) for row in rows]


async def skip_chat_deliveries(session: AsyncSession, chat_id: int, reason: str) -> int:
    """Stop every queued delivery of a chat (it blocked us or is gone)."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.chat_id == chat_id, Delivery.state == DeliveryState.QUEUED)
        .values(state=DeliveryState.SKIPPED, last_error=reason[:2000], updated_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
