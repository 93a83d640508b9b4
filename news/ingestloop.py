"""The ingest loop: a pass of the pipeline every tick, until told to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from news.passstats import PassStats
from news.pipeline import Pipeline

__all__ = ["run_forever"]

log = logging.getLogger(__name__)


async def run_forever(pipeline: Pipeline, stop: asyncio.Event, *, tick: float = 60.0) -> None:
    """Start a pass every tick until ``stop`` is set; passes overlap, so a slow feed holds up
    nothing but itself (the next pass skips it while it runs)."""
    passes: set[asyncio.Task[PassStats]] = set()

    def finished(task: asyncio.Task[PassStats]) -> None:
        passes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # A pass that crashes (the store went away…) is retried next tick.
            log.error("ingest: pass failed", exc_info=task.exception())

    try:
        while not stop.is_set():
            task = asyncio.create_task(pipeline.run_pass(), name="ingest-pass")
            passes.add(task)
            task.add_done_callback(finished)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=min(tick, pipeline.interval))
    finally:
        # Not cancelled: a database call cancelled half-way can leave its connection stuck
        # (aiosqlite). Feeds stop at their next network wait; what is half done waits for the
        # next start (nothing was recorded for it).
        pipeline.stopping.set()
        await asyncio.gather(*passes, return_exceptions=True)
