"""Send slots every instance shares: the send_slots table of their one PostgreSQL.

Why the database and not Redis or a leader that does all sending: the instances already share
it, so the budget needs nothing more to run; a slot is one short statement (about a
millisecond), against Telegram's 30 sends a second; and the server's clock orders every
instance's slots, whatever their own clocks say. Webhook instances behind a load balancer all
reply, and every instance pushes (the outbox is claimed with SKIP LOCKED), so only a budget
that each send consults keeps them inside the limit together.
"""

from __future__ import annotations

import logging

from bot.budget.slots import LocalSlots
from storage import StorageError, Store
from storage.sendslots import forget_old_slots, hold_slot, reserve_slot

__all__ = ["SharedSlots"]

log = logging.getLogger(__name__)

_FORGET_EVERY = 5000  # reserves between two sweeps of buckets long past


class SharedSlots:
    """The ``SlotClock`` of ``bot.budget.slots`` over the shared database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._reserved = 0
        # While the database does not answer, this process keeps to the budget on its own:
        # a send is never failed for want of a slot.
        self._fallback = LocalSlots()

    async def reserve(self, bucket: str, interval: float, burst: float = 0.0) -> float:
        """Take the bucket's next slot; seconds until it."""
        self._reserved += 1
        try:
            if self._reserved % _FORGET_EVERY == 0:
                await forget_old_slots(self.store)
            return await reserve_slot(self.store, bucket, interval, burst)
        except StorageError as exc:
            log.warning("telegram: shared send slots unavailable (%s); pacing alone", exc)
            return await self._fallback.reserve(bucket, interval, burst)

    async def hold(self, bucket: str, seconds: float) -> None:
        """No slot for the bucket for ``seconds``."""
        await self._fallback.hold(bucket, seconds)
        try:
            await hold_slot(self.store, bucket, seconds)
        except StorageError as exc:
            log.warning("telegram: cannot share a 429's hold (%s)", exc)
