"""The bot's background work: the ingest loop, the push sender and own sources' upkeep, started
and stopped together."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack

from telegram import Bot

from bot.feedupkeep import run_upkeep
from bot.services import Services
from bot.wiring import make_sender, open_pipeline
from news.ingestloop import run_forever
from news.pipeline import Pipeline

__all__ = ["Background"]

log = logging.getLogger(__name__)


class Background:
    """Runs ingestion and pushing beside the bot; ``stop`` lets sends in flight finish."""

    def __init__(self, services: Services, push_bot: Bot, *, ingest: bool = True) -> None:
        self.services = services
        self.sender = make_sender(services, push_bot)
        self.push_bot = push_bot
        self.ingest = ingest
        self.pipeline: Pipeline | None = None
        self._stop = asyncio.Event()
        self._stack = AsyncExitStack()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start the sender and (unless disabled) the ingest loop."""
        self._tasks.append(asyncio.create_task(self.sender.run(self._stop), name="push"))
        if not self.ingest:
            return
        services = self.services
        self.pipeline = await self._stack.enter_async_context(
            open_pipeline(
                services.settings,
                services.store,
                # The pipeline's later stages: summaries of each new article, and the sender
                # woken when a story may have been queued.
                summaries=services.summaries,
                on_queued=self.sender.wake.set,
                clock=services.clock,
                embeddings=services.embeddings,
            )
        )
        self._tasks.append(
            asyncio.create_task(run_forever(self.pipeline, self._stop), name="ingest")
        )
        self._tasks.append(
            asyncio.create_task(run_upkeep(services, self.push_bot, self._stop), name="follows")
        )

    async def stop(self) -> None:
        """Stop both loops; sends in flight finish and everything else stays queued."""
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._stack.aclose()
