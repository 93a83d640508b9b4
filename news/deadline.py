"""Awaiting network or parsing work until a feed's deadline or the pipeline's stop, whichever first."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

__all__ = ["OverDeadline", "Stopping", "bounded"]

_T = TypeVar("_T")


class OverDeadline(Exception):
    """A feed ran past its deadline."""


class Stopping(Exception):
    """The pipeline is stopping: the feed is left for the next start."""


async def bounded(work: Awaitable[_T], deadline: float, stopping: asyncio.Event) -> _T:
    """Await ``work`` (it must hold no transaction) until the loop time ``deadline`` or until
    ``stopping`` is set, and cancel it then (raising OverDeadline or Stopping)."""
    task = asyncio.ensure_future(work)
    stop = asyncio.ensure_future(stopping.wait())
    try:
        timeout = max(0.0, deadline - asyncio.get_running_loop().time())
        await asyncio.wait({task, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.cancelled():
        raise Stopping if stopping.is_set() else OverDeadline
    return task.result()
