"""The bot's send limits: Telegram's three, each as a GCRA interval, and the FloodWatch.

Bot FAQ "Broadcasting to users" (ptb-testing.md §2): about 30 messages a second overall, about
one a second to one chat ("short bursts" allowed), 20 a minute to one group or channel.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

__all__ = ["HEADROOM", "FloodWatch", "SendLimits"]

# Telegram counts a message when it arrives and we count it when we send it: a stalled event
# loop or the network can bunch evenly spaced sends. Slots are planned at 85% of the budget, so
# 0.15 s of bunching in any second still stays inside it.
HEADROOM = 0.85


@dataclass(frozen=True)
class SendLimits:
    """The budget of one bot token.

    A chat's interval is kept by pushes; a reply may come one interval early (a short burst of
    two), so that any run of sends stays inside Telegram's sliding windows: with a reply's
    burst, n sends to a private chat span at least (n - 2) * 1.6 s (so at most 3 in any 3 s),
    and 21 to a group at least 19 * 3.3 = 62.7 s (so at most 20 in a minute)."""

    rate: float = 30.0  # sends a second overall, replies and pushes together (SEND_RATE)
    private_interval: float = 1.6
    group_interval: float = 3.3

    @property
    def interval(self) -> float:
        """Seconds between two of the bot's send slots."""
        return 1.0 / (self.rate * HEADROOM)

    def chat_interval(self, chat_id: int | str) -> float:
        """The chat's interval: negative ids and @usernames are groups or channels."""
        if isinstance(chat_id, str) or chat_id < 0:
            return self.group_interval
        return self.private_interval


class FloodWatch:
    """Tells a chat's own 429 from the bot-wide one: Telegram's answer looks the same, but when
    ``chats`` different chats are refused within ``window`` seconds the limit is the bot's."""

    def __init__(self, chats: int = 2, window: float = 1.0) -> None:
        self.chats = chats
        self.window = window
        self._recent: deque[tuple[float, int | str | None]] = deque()

    def refused(self, chat_id: int | str | None) -> bool:
        """Record a 429 for the chat; True when it looks bot-wide."""
        now = time.monotonic()
        self._recent.append((now, chat_id))
        while self._recent and self._recent[0][0] < now - self.window:
            self._recent.popleft()
        return chat_id is None or len({chat for _, chat in self._recent}) >= self.chats
