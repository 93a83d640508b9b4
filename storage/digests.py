"""Queries for digest settings: move a chat's subscriptions to one daily digest time."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Subscription

__all__ = ["set_digest_time"]


async def set_digest_time(session: AsyncSession, chat_id: int, minutes: int | None) -> int:
    """Deliver every subscription of a chat as a digest at ``minutes`` after local midnight
    (None: back to instant); return how many subscriptions changed."""
    mode = "instant" if minutes is None else "digest"
    result = await session.execute(
        update(Subscription)
        .where(Subscription.chat_id == chat_id)
        .values(mode=mode, digest_time=minutes)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
