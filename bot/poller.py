"""Who long-polls Telegram: one instance at a time, elected through the shared database.

A second getUpdates makes Telegram answer 409 Conflict to the first, and two pollers would
fight and may handle an update twice. On PostgreSQL the poller is whoever holds an advisory
lock (``storage.leader``): the others keep trying every ``retry`` seconds, and take over within
that when the poller dies (its session ends, and the server releases the lock). A poller that
loses its connection stops polling at once: it can no longer know that nobody else polls.
Every instance still ingests and pushes. On SQLite there is one process, and it polls (the
runner starts that poll itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.services import KhabarApp
from storage.leader import Leadership

__all__ = ["Poller"]

log = logging.getLogger(__name__)


class Poller:
    """Runs the Application's long poll while this instance is the elected poller."""

    def __init__(
        self, application: KhabarApp, leadership: Leadership, *, retry: float = 1.0
    ) -> None:
        self.application = application
        self.leadership = leadership
        self.retry = retry

    async def _start(self) -> None:
        updater = self.application.updater
        assert updater is not None
        await updater.start_polling(poll_interval=0.0, timeout=30, drop_pending_updates=False)

    async def _stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()

    async def _wait(self, stop: asyncio.Event) -> bool:
        """Wait ``retry`` seconds; True when ``stop`` came."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=self.retry)
        return stop.is_set()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll while elected, until ``stop``; then stop polling and give the lock up."""
        try:
            await self._elect(self.leadership, stop)
        finally:
            await self._stop()
            await self.leadership.release()

    async def _elect(self, leadership: Leadership, stop: asyncio.Event) -> None:
        waiting_said = False
        while not stop.is_set():
            if not await leadership.try_take():
                if not waiting_said:
                    log.info(
                        "bot: another instance polls Telegram; this one takes over if it stops"
                    )
                    waiting_said = True
                await self._wait(stop)
                continue
            try:
                await self._start()
            except Exception:  # Telegram unreachable, say: let another instance try
                log.exception("bot: starting to poll failed; giving the poller lock up")
                await leadership.release()
                await self._wait(stop)
                continue
            log.info("bot: this instance polls Telegram for updates")
            while not await self._wait(stop):
                if not await leadership.still_held():
                    break
            await self._stop()
            if not stop.is_set():
                log.warning("bot: lost the poller lock; polling stopped until it is taken again")
                waiting_said = False
