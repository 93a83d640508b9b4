"""Start-up of ``khabar run``: the errors that stop it, each reported in one line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter

__all__ = ["StartupError", "background_task", "connect", "listening"]

log = logging.getLogger(__name__)

EXIT_CONFIG = 2
_FIRST_DELAY = 1.0
_MAX_DELAY = 30.0
_REJECTED = (
    "telegram: TELEGRAM_BOT_TOKEN was rejected by Telegram; "
    "check it, or get a new one from @BotFather"
)


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


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


async def connect(bot: Bot, base_url: str, *, retry: float, stop: asyncio.Event) -> bool:
    """Check the token with getMe; False when ``stop`` came first.

    A refused token (401/404) stops at once. Telegram unreachable is retried with doubling
    delays until they add up to ``retry`` seconds (TELEGRAM_STARTUP_RETRY): the budget counts
    the waits, not the clock, so a slow machine makes as many attempts as a fast one.
    """
    delay, waited, attempts = _FIRST_DELAY, 0.0, 0
    while True:
        attempts += 1
        try:
            await bot.initialize()
            return True
        except InvalidToken as exc:  # PTB's message quotes the token: never pass it on
            raise StartupError(_REJECTED, exit_status=EXIT_CONFIG) from exc
        except BadRequest:
            raise
        except (NetworkError, RetryAfter) as exc:
            reason = str(exc)
        wait = min(delay, retry - waited)
        if wait <= 0:
            raise StartupError(
                f"telegram: cannot reach {base_url} (gave up after {attempts} attempts): {reason}",
                exit_status=EXIT_CONFIG,
            )
        log.warning("telegram: cannot reach the Bot API (%s); retrying in %.1f s", reason, wait)
        waited += wait
        delay = min(delay * 2, _MAX_DELAY)
        if await _stopped_within(stop, wait):
            return False
