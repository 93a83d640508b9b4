"""Send slots: when the next message may go to a bucket (the bot, or one chat), as GCRA.

The generic cell rate algorithm (ITU-T I.371; the algorithm of redis-cell and of Stripe's and
GitHub's rate limiters) keeps one number per bucket, its theoretical arrival time (TAT). A send
that may come ``burst`` seconds early takes the slot at ``max(now, TAT - burst)`` and moves the
TAT to ``max(TAT, now) + interval``. One number per bucket is what makes the budget cheap to
share between processes: ``storage.sendslots`` does the same in one SQL statement.
"""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["LocalSlots", "SlotClock"]


class SlotClock(Protocol):
    """Where the buckets' TATs live: this process (LocalSlots) or the shared database."""

    async def reserve(self, bucket: str, interval: float, burst: float = 0.0) -> float:
        """Take the bucket's next slot; seconds until it (0 when it is now)."""
        ...

    async def hold(self, bucket: str, seconds: float) -> None:
        """Give the bucket no slot for ``seconds`` (Telegram said retry_after)."""
        ...


class LocalSlots:
    """The TATs in this process's memory, on its monotonic clock: one process, as with SQLite."""

    def __init__(self) -> None:
        self._tat: dict[str, float] = {}

    async def reserve(self, bucket: str, interval: float, burst: float = 0.0) -> float:
        """Take the bucket's next slot; seconds until it."""
        now = time.monotonic()
        tat = self._tat.get(bucket, now)
        self._tat[bucket] = max(tat, now) + interval
        if len(self._tat) > 100_000:
            self._forget(now)
        return max(0.0, tat - burst - now)

    async def hold(self, bucket: str, seconds: float) -> None:
        """No slot for the bucket for ``seconds``."""
        now = time.monotonic()
        self._tat[bucket] = max(self._tat.get(bucket, now), now + seconds)

    def _forget(self, now: float) -> None:
        """Drop buckets whose TAT has passed: they behave as new ones."""
        self._tat = {bucket: tat for bucket, tat in self._tat.items() if tat > now}
