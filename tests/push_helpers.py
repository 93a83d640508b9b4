"""Helpers for the push tests: their clock (T0, set by hand or running), a Bot on the fake API,
sent counts. Chats, subscriptions and stories come from tests.factories."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.request import HTTPXRequest

from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_http import sent_at_hooks

__all__ = ["T0", "Clock", "push_bot", "running_clock", "sent_counts"]

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    """A clock the test moves by hand; the sender and the queue read it."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward (keywords as for timedelta) and return the new time."""
        self.now += timedelta(**delta)
        return self.now


def running_clock(start: datetime = T0 + timedelta(hours=1)) -> Callable[[], datetime]:
    """A clock that starts at ``start`` and runs at real speed (retries fall due), whatever
    today's date is."""
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


def push_bot(fake: FakeTelegramAPI, *, pool: int = 128, read_timeout: float = 15.0) -> Bot:
    """A Bot pointed at the fake server, as bot.wiring.push_bot_for builds it; its requests
    carry their send time, so the fake's flood limits see the sender's own pacing."""
    request = HTTPXRequest(
        connection_pool_size=pool,
        read_timeout=read_timeout,
        httpx_kwargs={"event_hooks": sent_at_hooks()},
    )
    return Bot(
        fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, request=request
    )


def sent_counts(fake: FakeTelegramAPI) -> Counter[int]:
    """How many messages the fake accepted per chat."""
    return Counter(int(p["chat_id"]) for p in fake.sent("sendMessage"))
