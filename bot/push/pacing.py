"""Send pacing for pushes: the limits, evenly spaced global slots, per-chat spacing, 429s.

Limits (Bot API FAQ "Broadcasting to users"; ptb-testing.md §2): about 30 messages a second
overall, one a second to a private chat, 20 a minute to a group. PTB's AIORateLimiter has no
per-private-chat limit and halts every request on a 429 (ptb-testing.md §1.5), so pushes are
paced here instead.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["ChatSpacing", "FloodWatch", "Pacer", "Pacing", "PushConfig"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushConfig:
    """Sender limits; the defaults are Telegram's free-tier limits with headroom."""

    rate: float = 25.0  # messages a second overall; math.inf lifts the limit
    private_interval: float = 1.0
    group_interval: float = 3.1  # 20 a minute, with headroom for network jitter
    max_attempts: int = 5
    backoff: float = 2.0  # a network failure waits backoff ** attempts seconds, at most 300
    lease: float = 60.0
    batch: int = 200  # chats claimed at once at most
    # Requests in flight at most; 0 sizes it from the rate (about 0.3 s of sends, 8 to 128).
    # More is not free: httpcore's pool does more work per request as connections grow.
    concurrency: int = 0
    idle_poll: float = 2.0
    stats_interval: float = 60.0
    flush_gap: float = 0.05  # seconds between two commits of outcomes, at least


Sleep = Callable[[float], Awaitable[bool]]  # sleeps; False when the wait was cut short by a stop


class Pacer:
    """Evenly spaced send slots at ``rate`` per second; pausable after a 429.

    Waiters take slots one at a time, in arrival order, so a slot is handed out only when it is
    due: if the event loop stalls, the sends behind the stall are not released all at once.
    The schedule moves on from the slot, not from the moment of waking, so late wake-ups do
    not lower the rate; after a stall at most one interval of lost time is made up.
    ``rate=math.inf`` lifts the limit."""

    def __init__(self, rate: float) -> None:
        self.interval = 0.0 if math.isinf(rate) else 1.0 / rate
        self._next = 0.0
        self._paused_until = 0.0
        self._turn = asyncio.Lock()  # FIFO: waiters are served in the order they came

    async def wait(self, sleep: Sleep) -> bool:
        """Wait for the next free slot; False when ``sleep`` was cut short."""
        if self.interval == 0.0 and self._paused_until <= time.monotonic():
            return True
        async with self._turn:
            while True:
                now = time.monotonic()
                slot = max(self._next, self._paused_until, now - self.interval)
                if slot <= now:
                    self._next = slot + self.interval
                    return True
                if not await sleep(slot - now):
                    return False

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds``."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)


class ChatSpacing:
    """When each chat may get its next message: one a second to a private chat, one every
    ``group_interval`` to groups and channels (20 a minute, with a little headroom)."""

    def __init__(self, private_interval: float, group_interval: float) -> None:
        self.private_interval = private_interval
        self.group_interval = group_interval
        self._ready: dict[int, float] = {}

    def wait_for(self, chat_id: int) -> float:
        """Seconds until the chat may get a message (0 when it may now)."""
        return max(0.0, self._ready.get(chat_id, 0.0) - time.monotonic())

    def sending(self, chat_id: int, chat_type: str) -> None:
        """Note a message going to the chat now."""
        private = chat_type == "private" and chat_id > 0
        interval = self.private_interval if private else self.group_interval
        self._ready[chat_id] = time.monotonic() + interval
        if len(self._ready) > 100_000:
            self._forget_old()

    def hold(self, chat_id: int, seconds: float) -> None:
        """Send the chat nothing for ``seconds`` (Telegram said retry_after)."""
        self._ready[chat_id] = max(self._ready.get(chat_id, 0.0), time.monotonic() + seconds)

    def _forget_old(self) -> None:
        now = time.monotonic()
        self._ready = {chat: t for chat, t in self._ready.items() if t > now}


class FloodWatch:
    """Tells a chat's own 429 from the bot-wide one: Telegram's answer looks the same, but when
    ``chats`` different chats are refused within ``window`` seconds the limit is the bot's."""

    def __init__(self, chats: int = 2, window: float = 1.0) -> None:
        self.chats = chats
        self.window = window
        self._recent: deque[tuple[float, int]] = deque()

    def refused(self, chat_id: int) -> bool:
        """Record a 429 for the chat; True when it looks bot-wide."""
        now = time.monotonic()
        self._recent.append((now, chat_id))
        while self._recent and self._recent[0][0] < now - self.window:
            self._recent.popleft()
        return len({chat for _, chat in self._recent}) >= self.chats


class Pacing:
    """The sender's limits together: global send slots, per-chat spacing, and 429s."""

    def __init__(self, config: PushConfig) -> None:
        self.pacer = Pacer(config.rate)
        self.spacing = ChatSpacing(config.private_interval, config.group_interval)
        self.flood = FloodWatch()

    def refused(self, chat_id: int, seconds: float) -> None:
        """Telegram told the chat to retry after ``seconds``: the chat waits that long, and when
        the refusal looks bot-wide (``FloodWatch``) every chat does."""
        self.spacing.hold(chat_id, seconds)
        if self.flood.refused(chat_id):
            log.warning("push: bot-wide flood limit; every chat waits %.0f s", seconds)
            self.pacer.pause(seconds)
