"""Writing push outcomes back to the outbox: small group commits, and leases kept alive.

Each commit costs far more CPU than a send, so outcomes are written at most once per ``gap``
seconds; a crash can therefore resend up to one gap's worth of messages (plus those in flight).
Rows the sender still holds get their lease renewed, so no other sender takes them back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime

from storage import DeliveryState, Store
from storage.deliveries import Outcome, record_outcomes, touch_sending

__all__ = ["Recorder"]

log = logging.getLogger(__name__)


class Recorder:
    """Buffers the outcomes of sends and writes them in one transaction at a time."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self._outcomes: list[Outcome] = []
        self._writing: list[Outcome] = []  # taken by a flush that has not committed yet
        self._dirty = asyncio.Event()

    def record(self, ids: Collection[int], state: str, **fields: object) -> None:
        """Note how the deliveries ``ids`` ended; written by the next flush."""
        self._outcomes += [Outcome(i, state, **fields) for i in ids]  # type: ignore[arg-type]
        self._dirty.set()

    def requeue(
        self, ids: Collection[int], due: datetime | None = None, note: str | None = None
    ) -> None:
        """Back to the queue untried (stopping, quiet hours, a 429): the try is not counted."""
        self.record(ids, DeliveryState.QUEUED, due_at=due, note=note, count_attempt=False)

    def pending(self) -> list[int]:
        """The delivery ids whose outcome is noted and not yet written (or being written)."""
        return [o.delivery_id for o in (*self._writing, *self._outcomes)]

    def wake(self) -> None:
        """Make ``run`` look at its ``done`` event now."""
        self._dirty.set()

    async def flush(self) -> None:
        """Write every outcome so far in one transaction."""
        outcomes, self._outcomes = self._outcomes, []
        self._dirty.clear()
        if not outcomes:
            return
        self._writing = outcomes
        try:
            async with self.store.write() as session:
                await record_outcomes(session, outcomes, self.clock())
        except BaseException:
            self._outcomes[:0] = outcomes  # kept for the next try; the rows stay leased
            raise
        finally:
            self._writing = []

    async def run(
        self,
        done: asyncio.Event,
        *,
        gap: float,
        lease: float,
        leased: Callable[[], list[int]],
        sleep: Callable[[float], Awaitable[bool]],
    ) -> None:
        """Flush whenever there is something to write, at most once per ``gap`` seconds, and
        renew the lease on ``leased()`` rows every third of ``lease``; once ``done`` is set,
        write what is left and return. (Stopped by an event, not cancelled: Python 3.11's
        wait_for can swallow a cancel, bpo-42130.)"""
        renew_every = lease / 3
        renewed = flushed = time.monotonic()
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(renew_every):
                    await self._dirty.wait()
            await sleep(flushed + gap - time.monotonic())
            flushed = time.monotonic()
            try:
                await self.flush()
                if time.monotonic() - renewed >= renew_every:
                    if held := leased():
                        async with self.store.write() as session:
                            await touch_sending(session, held, self.clock())
                    renewed = time.monotonic()
            except Exception:
                log.exception("push: recording outcomes failed; retrying")
                await asyncio.sleep(1.0)
        await self.flush()
