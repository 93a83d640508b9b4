"""Cheap queries for health checks and metrics: is the database there, how are feeds doing."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Feed

__all__ = ["database_answers", "feed_health"]


async def database_answers(session: AsyncSession) -> bool:
    """Whether a trivial query succeeds."""
    return bool((await session.execute(text("SELECT 1"))).scalar_one() == 1)


async def feed_health(session: AsyncSession) -> tuple[int, int]:
    """(enabled feeds whose last fetch worked or that were never fetched, failing feeds)."""
    stmt = select(
        func.count(Feed.id).filter(Feed.error_count == 0),
        func.count(Feed.id).filter(Feed.error_count > 0),
    ).where(Feed.enabled.is_(True))
    ok, failing = (await session.execute(stmt)).one()
    return int(ok), int(failing)
