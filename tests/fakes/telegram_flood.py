"""Flood-control emulation for the fake Bot API: Telegram's per-chat, per-group and global limits.

Limits from the Bot FAQ "Broadcasting to users" (PTB `constants.FloodLimit`): about one message
per second to one chat with short bursts allowed, 20 per minute to one group, about 30 per
second overall. Each is a sliding window; `time_scale` shrinks every window so tests run fast.
"""

import bisect
import math
from collections import defaultdict
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
_KEPT_WINDOWS = 10  # times older than this many windows can no longer matter, even out of order


class FloodControl:
    """Sliding-window counters of accepted sends per chat and overall.

    Times may come out of order: a request stamped when its client sent it (telegram_http's
    sent_at) can arrive after one sent later. So each chat's times are kept sorted, and a send
    is refused when any window that contains it would hold more than the limit, not only the
    window that ends at it.
    """

    def __init__(self, limits: FloodLimits, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.limits = limits
        self.time_scale = time_scale
        self._sent: defaultdict[int | str, list[float]] = defaultdict(list)

    def _limit_for(self, chat_id: int | str) -> Limit:
        # Negative ids and @usernames are groups or channels, as in PTB's AIORateLimiter.
        if isinstance(chat_id, str) or chat_id < 0:
            return self.limits.group_chat
        return self.limits.private_chat

    def _wait(self, key: int | str, limit: Limit, now: float) -> float:
        """Seconds until a send at ``now`` fits every window around it (0 when it fits now)."""
        window = limit.seconds / self.time_scale
        sent = self._sent[key]
        del sent[: bisect.bisect_right(sent, now - _KEPT_WINDOWS * window)]  # long gone
        near = sent[
            bisect.bisect_right(sent, now - window) : bisect.bisect_left(sent, now + window)
        ]
        bisect.insort(near, now)
        wait = 0.0
        for first in (t for t in near if t <= now):  # each window [first, first + window)
            inside = bisect.bisect_left(near, first + window) - bisect.bisect_left(near, first)
            if inside > limit.count:
                wait = max(wait, first + window - now)
        return wait

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
        bisect.insort(self._sent[chat_id], now)
        bisect.insort(self._sent[_OVERALL], now)

    def reset(self) -> None:
        """Forget every counted message."""
        self._sent.clear()
