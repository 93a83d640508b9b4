"""Start-up of ``khabar run``: the errors that stop it, each reported in one line."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any

__all__ = ["StartupError", "background_task", "listening"]


class StartupError(Exception):
    """A step of start-up failed; the message names the step, ``exit_status`` is for the CLI."""

    def __init__(self, message: str, *, exit_status: int = 1) -> None:
        super().__init__(message)
        self.exit_status = exit_status


@contextlib.contextmanager
def listening(what: str, host: str, port: int) -> Iterator[None]:
    """Turn a failure to listen (port taken, address not ours) into a StartupError naming it."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StartupError(f"{what}: cannot listen on {host}:{port}: {reason}") from exc


@contextlib.asynccontextmanager
async def background_task(coro: Coroutine[Any, Any, None]) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``coro`` in a task for the block; cancel it at the end if it is still running."""
    task = asyncio.create_task(coro)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
