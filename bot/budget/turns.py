"""Whose turn it is to take the bot's next send slot: replies before pushes, each in arrival order."""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["Priority", "Turns"]


class Priority(enum.IntEnum):
    """Who is waiting: a reply to a user (a command, a button) goes before any push."""

    REPLY = 0
    PUSH = 1


class Turns:
    """A lock with two queues: when it is released, the oldest waiting reply gets it, and only
    when no reply waits the oldest push. asyncio.Lock is FIFO only."""

    def __init__(self) -> None:
        self._held = False
        self._waiting: dict[Priority, deque[asyncio.Future[None]]] = {p: deque() for p in Priority}

    def waiting(self, priority: Priority) -> int:
        """How many wait with this priority."""
        return len(self._waiting[priority])

    @asynccontextmanager
    async def turn(self, priority: Priority) -> AsyncIterator[None]:
        """Hold the turn for the block."""
        if self._held:
            future = asyncio.get_running_loop().create_future()
            self._waiting[priority].append(future)
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self._release()  # it was handed to us just as we were cancelled
                elif future in self._waiting[priority]:  # _release may have skipped it already
                    self._waiting[priority].remove(future)
                raise
        else:
            self._held = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        """Hand the turn to the next waiter, replies first, or free it."""
        for priority in Priority:
            queue = self._waiting[priority]
            while queue:
                future = queue.popleft()
                if not future.done():
                    future.set_result(None)  # _held stays True: it passes to this waiter
                    return
        self._held = False
