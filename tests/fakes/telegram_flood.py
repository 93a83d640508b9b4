"""Flood-control emulation for the fake Bot API: Telegram's per-chat, per-group and global limits.

Limits from the Bot FAQ "Broadcasting to users" (PTB `constants.FloodLimit`): about one message
per second to one chat with short bursts allowed, 20 per minute to one group, about 30 per
second overall. Each is a sliding window; `time_scale` shrinks every window so tests run fast.
"""

import math
from collections import defaultdict, deque
from dataclasses import dataclass

from tests.fakes.telegram_errors import too_many_requests

__all__ = ["FloodControl", "FloodLimits", "Limit"]


@dataclass(frozen=True)
class Limit:
    """At most `count` messages in any window of `seconds`."""

    count: int
    seconds: float


@dataclass(frozen=True)
class FloodLimits:
    """The three limits the fake enforces when `enforce_limits=True`."""

    private_chat: Limit = Limit(3, 3.0)  # 1 message/s on average, bursts of 3
    group_chat: Limit = Limit(20, 60.0)
    overall: Limit = Limit(30, 1.0)


_OVERALL = "overall"


class FloodControl:
    """Sliding-window counters of accepted sends per chat and overall."""

    def __init__(self, limits: FloodLimits, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.limits = limits
        self.time_scale = time_scale
        self._sent: defaultdict[int | str, deque[float]] = defaultdict(deque)

    def _limit_for(self, chat_id: int | str) -> Limit:
        # Negative ids and @usernames are groups or channels, as in PTB's AIORateLimiter.
        if isinstance(chat_id, str) or chat_id < 0:
            return self.limits.group_chat
        return self.limits.private_chat

    def _wait(self, key: int | str, limit: Limit, now: float) -> float:
        window = limit.seconds / self.time_scale
        sent = self._sent[key]
        while sent and sent[0] <= now - window:
            sent.popleft()
        if len(sent) < limit.count:
            return 0.0
        return sent[-limit.count] + window - now

    def check(self, chat_id: int | str, now: float) -> None:
        """Raise a 429 BotAPIError if one more message to `chat_id` now would exceed a limit."""
        wait = max(
            self._wait(chat_id, self._limit_for(chat_id), now),
            self._wait(_OVERALL, self.limits.overall, now),
        )
        if wait > 0:
            # Telegram sends whole seconds, and PTB treats retry_after=0 as no flood error.
            raise too_many_requests(max(1, math.ceil(wait)))

    def record(self, chat_id: int | str, now: float) -> None:
        """Count one accepted message to `chat_id`."""
        self._sent[chat_id].append(now)
        self._sent[_OVERALL].append(now)

    def reset(self) -> None:
        """Forget every counted message."""
        self._sent.clear()
