"""Keeping the store to RETENTION_DAYS: old articles pruned in batches that never hold up the bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from storage import Store
from storage.retention import prune_articles_batch

__all__ = ["prune_forever", "prune_old_articles"]

log = logging.getLogger(__name__)


async def prune_old_articles(
    store: Store, now: datetime, days: int, *, batch: int = 500, pause: float = 0.05
) -> int:
    """Delete articles older than ``days``; each batch is its own short transaction, with a
    pause between batches so commands and pushes get the database in between."""
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    total = 0
    while True:
        async with store.write() as session:
            pruned = await prune_articles_batch(session, cutoff, batch)
        total += pruned
        if pruned < batch:
            break
        await asyncio.sleep(pause)
    if total:
        log.info("retention: pruned %d articles older than %d days", total, days)
    return total


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
