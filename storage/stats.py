"""Counts for /stats and metrics: chats, publish-to-delivery latency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat, Delivery, DeliveryState, Story

__all__ = ["count_chats", "delivery_latencies"]


async def count_chats(session: AsyncSession) -> tuple[int, int]:
    """(all chats, active chats)."""
    total = (await session.execute(select(func.count(Chat.id)))).scalar_one()
    active = (
        await session.execute(select(func.count(Chat.id)).where(Chat.active.is_(True)))
    ).scalar_one()
    return total, active


async def delivery_latencies(
    session: AsyncSession, since: datetime, limit: int = 10000
) -> list[float]:
    """Seconds from a story's first publication to each delivery sent since ``since``."""
    stmt = (
        select(Delivery.sent_at, Story.first_published_at, Delivery.created_at)
        .join(Story, Story.id == Delivery.story_id)
        .where(Delivery.state == DeliveryState.SENT, Delivery.sent_at >= since)
        .order_by(Delivery.sent_at.desc())
        .limit(limit)
    )
    out = []
    for sent_at, published_at, queued_at in (await session.execute(stmt)).all():
        if sent_at is None:
            continue
        # A story published long before we fetched it is measured from when we queued it.
        start = max(published_at, queued_at) if queued_at else published_at
        out.append(max(0.0, (sent_at - start).total_seconds()))
    return out
