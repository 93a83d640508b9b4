"""The push sender's settings. Its pace is the bot's one send budget (``bot.budget``), which
replies share: a sender built without one gets a budget of its own from these limits."""

from __future__ import annotations

from dataclasses import dataclass

from bot.budget.budget import SendBudget
from bot.budget.limits import SendLimits

__all__ = ["PushConfig"]

_LIMITS = SendLimits()


@dataclass(frozen=True)
class PushConfig:
    """Sender limits; the defaults are Telegram's free-tier limits with headroom."""

    rate: float = _LIMITS.rate  # messages a second overall; math.inf lifts the limit
    private_interval: float = _LIMITS.private_interval
    group_interval: float = _LIMITS.group_interval
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

    def own_budget(self) -> SendBudget:
        """A budget of the sender's own, in this process, from these limits."""
        return SendBudget(SendLimits(self.rate, self.private_interval, self.group_interval))
