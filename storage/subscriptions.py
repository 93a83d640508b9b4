"""Queries on subscriptions: a chat's topics and keyword phrases, instant or digest."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.models import Subscription
from storage.types import utcnow

__all__ = [
    "count_subscriptions",
    "list_subscriptions",
    "subscribe",
    "unsubscribe",
    "unsubscribe_all",
]


async def subscribe(
    session: AsyncSession,
    chat_id: int,
    *,
    kind: str,
    value: str,
    display: str,
    mode: str = "instant",
    digest_time: int | None = None,
) -> bool:
    """Subscribe a chat; return False when it already was (its mode is then updated)."""
    values = {
        "chat_id": chat_id,
        "kind": kind,
        "value": value,
        "display": display,
        "mode": mode,
        "digest_time": digest_time,
        "created_at": utcnow(),
    }
    result = await session.execute(insert_ignore(session, Subscription.__table__, values))  # type: ignore[arg-type]
    created = bool(result.rowcount)  # type: ignore[attr-defined]
    if not created:
        await session.execute(
            update(Subscription)
            .where(
                Subscription.chat_id == chat_id,
                Subscription.kind == kind,
                Subscription.value == value,
            )
            .values(mode=mode, digest_time=digest_time)
        )
    return created


async def unsubscribe(session: AsyncSession, chat_id: int, *, kind: str, value: str) -> bool:
    """Remove one subscription; return whether it existed."""
    result = await session.execute(
        delete(Subscription).where(
            Subscription.chat_id == chat_id, Subscription.kind == kind, Subscription.value == value
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unsubscribe_all(session: AsyncSession, chat_id: int) -> int:
    """Remove every subscription of a chat; return how many there were."""
    result = await session.execute(delete(Subscription).where(Subscription.chat_id == chat_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def list_subscriptions(session: AsyncSession, chat_id: int) -> list[Subscription]:
    """A chat's subscriptions: topics first, then keywords, each alphabetically."""
    stmt = (
        select(Subscription)
        .where(Subscription.chat_id == chat_id)
        .order_by(Subscription.kind.desc(), Subscription.value)
    )
    return list((await session.execute(stmt)).scalars())


async def count_subscriptions(session: AsyncSession) -> int:
    """How many subscriptions exist."""
    return (await session.execute(select(func.count(Subscription.id)))).scalar_one()
