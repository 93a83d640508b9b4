"""One send budget per bot token: every Bot API call that sends takes a slot from it.

The Application's bot reaches it through PTB's ``BaseRateLimiter`` hook (``process_request``:
replies to commands and buttons, edits, callback answers); the push sender asks it for slots
directly (``acquire``), so that a stop can cut a push's wait short and a push refused with 429
goes back to the outbox instead of being retried here. Replies go first (``bot.budget.turns``)
and are never dropped: after a 429 a reply waits out retry_after and takes its turn again.

Each send takes the chat's slot, then the bot's. The slots live in a ``SlotClock``: this
process's memory (one process, as with SQLite) or the database every instance shares
(``bot.budget.shared``), so two instances together stay inside one budget.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.budget.limits import FloodWatch, SendLimits
from bot.budget.slots import LocalSlots, SlotClock
from bot.budget.turns import Priority, Turns

__all__ = [
    "BOT_BUCKET",
    "SendBudget",
    "SendStopped",
    "Sleep",
    "counts_against_budget",
    "retry_seconds",
]

log = logging.getLogger(__name__)

BOT_BUCKET = "bot"
Sleep = Callable[[float], Awaitable[bool]]  # sleeps; False when the wait was cut short by a stop
# How far ahead of its slot a waiter lets the next one reserve: slots stay back to back even
# when reserving one takes a database round trip, and a reply that comes meanwhile waits at
# most this long behind pushes that reserved before it.
_LEAD = 0.05
# Methods that put something in front of a user. answerCallbackQuery and answerInlineQuery show
# nothing in a chat and PTB's own limiter leaves them out; they still take one of the bot's slots
# (no proof that Telegram does not count them), but no chat's.
_SENDING_PREFIXES = ("send", "edit", "copy", "forward", "answer", "stop", "setMessageReaction")
_NO_CHAT_SLOT = frozenset({"sendChatAction"})


class SendStopped(Exception):
    """A push's wait for its slot was cut short: the sender is stopping."""


def counts_against_budget(endpoint: str) -> bool:
    """Whether a Bot API method sends (takes a slot); getUpdates, getMe and the like do not."""
    return endpoint.startswith(_SENDING_PREFIXES)


async def _sleep(seconds: float) -> bool:
    await asyncio.sleep(seconds)
    return True


def retry_seconds(value: float | timedelta) -> float:
    """Telegram's ``retry_after`` in seconds (PTB gives a timedelta or a number)."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class SendBudget(BaseRateLimiter[Priority]):
    """The budget: Telegram's limits (``SendLimits``) over slots (``SlotClock``)."""

    def __init__(self, limits: SendLimits | None = None, slots: SlotClock | None = None) -> None:
        self.limits = limits or SendLimits()
        self.slots: SlotClock = slots or LocalSlots()
        self.flood = FloodWatch()
        self.turns = Turns()
        self.retried = 0  # replies sent again after a 429
        self._ready: dict[int | str, float] = {}  # when each chat may next get a push, here
        self._paused_until = 0.0  # after a bot-wide 429, on this process's monotonic clock
        self._block: deque[float] = deque()  # the bot's slots reserved and not yet used

    async def initialize(self) -> None:
        """Nothing to open (the slots' store belongs to the services)."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    # --- taking slots ------------------------------------------------------------------------

    def chat_ready_in(self, chat_id: int) -> float:
        """Seconds until the chat may get a push, as far as this process knows (0: now)."""
        return max(0.0, self._ready.get(chat_id, 0.0) - time.monotonic())

    async def acquire(
        self, chat_id: int | str | None, priority: Priority, sleep: Sleep = _sleep
    ) -> bool:
        """Wait for the chat's slot (when there is a chat) and then the bot's; False when
        ``sleep`` was cut short (the slots taken are given up)."""
        if chat_id is not None:
            interval = self.limits.chat_interval(chat_id)
            burst = interval if priority is Priority.REPLY else 0.0
            wait = await self.slots.reserve(f"chat:{chat_id}", interval, burst)
            self._note_chat(chat_id, wait + interval)
            if wait > 0 and not await sleep(wait):
                return False
        while True:
            async with self.turns.turn(priority):
                slot = await self._bot_slot()
                ahead = slot - time.monotonic() - _LEAD
                if ahead > 0 and not await sleep(ahead):
                    return False
            rest = slot - time.monotonic()
            if rest > 0 and not await sleep(rest):
                return False
            # A bot-wide 429 that came while this slot was reserved: the slot is void.
            paused = self._paused_until - time.monotonic()
            if paused <= 0:
                return True
            if not await sleep(paused):
                return False

    async def _bot_slot(self) -> float:
        """The next of the bot's slots this process holds (time.monotonic()), reserving a
        block of them when none is left: one round trip serves every waiter, up to _LEAD
        seconds of slots (a database round trip per slot would cap the rate at one per
        round trip). Called in turn, so slots go out in the turns' order."""
        interval = self.limits.interval
        now = time.monotonic()
        while self._block and self._block[0] < now - interval:  # missed: sending late bunches
            self._block.popleft()
        if not self._block:
            wanted = 1 + self.turns.waiting(Priority.REPLY) + self.turns.waiting(Priority.PUSH)
            most = max(1, int(_LEAD / interval)) if interval > 0 else 64
            count = min(wanted, most)
            wait = await self.slots.reserve(BOT_BUCKET, interval * count)
            first = time.monotonic() + wait
            self._block.extend(first + n * interval for n in range(count))
        return self._block.popleft()

    def _note_chat(self, chat_id: int | str, ready_in: float) -> None:
        now = time.monotonic()
        self._ready[chat_id] = now + ready_in
        if len(self._ready) > 100_000:
            self._ready = {chat: t for chat, t in self._ready.items() if t > now}

    async def refused(self, chat_id: int | str | None, retry_after: float | timedelta) -> None:
        """Telegram answered 429: the chat waits ``retry_after``, and when the refusal looks
        bot-wide (``FloodWatch``) every chat does."""
        seconds = retry_seconds(retry_after)
        if chat_id is not None:
            # A reply may take a chat's slot one interval early: the hold covers that too.
            hold = seconds + self.limits.chat_interval(chat_id)
            await self.slots.hold(f"chat:{chat_id}", hold)
            self._note_chat(chat_id, hold)
        if self.flood.refused(chat_id):
            log.warning("telegram: bot-wide flood limit; every chat waits %.0f s", seconds)
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)
            self._block.clear()
            await self.slots.hold(BOT_BUCKET, seconds)

    # --- PTB's hook --------------------------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send in the request's turn; after a 429, wait retry_after and send again, never
        giving up (a reply is not dropped)."""
        if not counts_against_budget(endpoint):
            return await callback(*args, **kwargs)
        priority = rate_limit_args if rate_limit_args is not None else Priority.REPLY
        chat = data.get("chat_id")
        chat_id = chat if isinstance(chat, int | str) and endpoint not in _NO_CHAT_SLOT else None
        while True:
            await self.acquire(chat_id, priority)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                await self.refused(chat_id, exc.retry_after)
                self.retried += 1
                log.info(
                    "telegram: 429 for %s to %s; it is sent again in its turn", endpoint, chat_id
                )
