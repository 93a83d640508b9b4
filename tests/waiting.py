"""Waiting in tests for state that has no event to await (rows in a store, counters)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

__all__ = ["WAIT", "until"]

WAIT = 30.0  # generous real-time limit for something that takes milliseconds when it works


async def until(condition: Callable[[], Awaitable[bool] | bool]) -> None:
    """Wait until ``condition`` holds, checking every 10 ms; fail after WAIT seconds."""
    async with asyncio.timeout(WAIT):
        while True:
            value = condition()
            if await value if isinstance(value, Awaitable) else value:
                return
            await asyncio.sleep(0.01)
