"""Keeping the store to RETENTION_DAYS: old articles pruned in batches that never hold up the bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage import Store
from storage.retention import delete_articles_under, prune_articles_batch

__all__ = ["delete_in_batches", "delete_under_url", "prune_forever", "prune_old_articles"]

log = logging.getLogger(__name__)


DeleteBatch = Callable[[AsyncSession, int], Awaitable[int]]


async def delete_in_batches(
    store: Store, delete_batch: DeleteBatch, *, batch: int = 500, pause: float = 0.05
) -> int:
    """Run ``delete_batch(session, batch)`` until it deletes fewer than ``batch``; return the
    total. Each batch is its own short transaction, with a pause between batches so commands
    and pushes get the database in between."""
    total = 0
    while True:
        async with store.write() as session:
            deleted = await delete_batch(session, batch)
        total += deleted
        if deleted < batch:
            return total
        await asyncio.sleep(pause)


async def prune_old_articles(
    store: Store, now: datetime, days: int, *, batch: int = 500, pause: float = 0.05
) -> int:
    """Delete articles stored more than ``days`` ago, in batches (see delete_in_batches)."""
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)

    async def prune(session: AsyncSession, size: int) -> int:
        return await prune_articles_batch(session, cutoff, size)

    total = await delete_in_batches(store, prune, batch=batch, pause=pause)
    if total:
        log.info("retention: pruned %d articles stored more than %d days ago", total, days)
    return total


async def delete_under_url(store: Store, url_prefix: str) -> int:
    """Delete every article whose canonical URL starts with ``url_prefix``, in batches."""

    async def delete(session: AsyncSession, size: int) -> int:
        return await delete_articles_under(session, url_prefix, size)

    return await delete_in_batches(store, delete)


async def prune_forever(
    store: Store,
    days: int,
    stop: asyncio.Event,
    *,
    every: float = 3600.0,
    clock: Callable[[], datetime],
) -> None:
    """Prune once an hour (by default) until ``stop`` is set."""
    while not stop.is_set():
        try:
            await prune_old_articles(store, clock(), days)
        except Exception:  # the next round tries again; the bot carries on meanwhile
            log.exception("retention: pruning failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
