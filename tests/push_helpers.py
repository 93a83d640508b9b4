"""Helpers for the push tests: chats and subscriptions in bulk, stories, a settable clock, a Bot."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from telegram import Bot
from telegram.request import HTTPXRequest

from news.delivery.policy import DeliveryPolicy
from news.pipeline import Pipeline
from news.stories.candidate import build_candidate
from news.stories.store import Stored
from storage import Chat, ChatMute, Store, Subscription
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_http import sent_at_hooks

__all__ = [
    "T0",
    "Clock",
    "add_article",
    "add_chats",
    "add_subscription",
    "push_bot",
    "running_clock",
    "sent_counts",
]

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
_serial = itertools.count(1)


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


async def add_chats(
    store: Store,
    chat_ids: Iterable[int],
    *,
    topics: Iterable[str] = ("world",),
    keywords: Iterable[str] = (),
    mutes: Iterable[str] = (),
    language: str = "en",
    timezone: str = "UTC",
    mode: str = "instant",
    digest_time: int | None = None,
    quiet: tuple[int, int] | None = None,
    subscribed_at: datetime = T0 - timedelta(days=1),
) -> list[int]:
    """Register chats with these subscriptions and mutes in three executemany inserts."""
    ids = list(chat_ids)
    chats = [
        {
            "id": i,
            "type": "private" if i > 0 else "group",
            "language": language,
            "timezone": timezone,
            "active": True,
            "quiet_start": quiet[0] if quiet else None,
            "quiet_end": quiet[1] if quiet else None,
            "created_at": subscribed_at,
            "updated_at": subscribed_at,
        }
        for i in ids
    ]
    subs = [
        {
            "chat_id": i,
            "kind": kind,
            "value": value,
            "display": value,
            "mode": mode,
            "digest_time": digest_time,
            "created_at": subscribed_at,
        }
        for i in ids
        for kind, value in [*(("topic", t) for t in topics), *(("keyword", k) for k in keywords)]
    ]
    muted = [{"chat_id": i, "word": w} for i in ids for w in mutes]
    async with store.write() as session:
        for model, rows in ((Chat, chats), (Subscription, subs), (ChatMute, muted)):
            if rows:
                await session.execute(insert(model), rows)
    return ids


async def add_article(
    store: Store,
    title: str,
    *,
    topic: str = "world",
    source: str = "Source A",
    lead: str = "",
    language: str = "en",
    published_at: datetime | None = T0,
    now: datetime | None = None,
    policy: DeliveryPolicy | None = None,
) -> Stored:
    """Store one article as the pipeline would (fetched when published, or at ``now`` when it
    has no date), then queue or release its story."""
    fetched_at = published_at or now or T0
    n = next(_serial)
    url = f"https://news{n}.example.org/{n}"
    pipeline = Pipeline(store, policy=policy, clock=lambda: now or fetched_at)
    return await pipeline.ingest_candidate(
        build_candidate(
            url=url,
            title=title,
            language=language,
            topic=topic,
            text=f"{lead or title} (report {n} by {source})",
            lead=lead or title,
            published_at=published_at,
            source=source,
            fetched_at=fetched_at,
        ),
    )


async def add_subscription(
    store: Store,
    chat_id: int,
    value: str,
    *,
    kind: str = "topic",
    mode: str = "instant",
    digest_time: int | None = None,
    subscribed_at: datetime = T0 - timedelta(days=1),
) -> None:
    """Give an existing chat one more subscription."""
    row = {
        "chat_id": chat_id,
        "kind": kind,
        "value": value,
        "display": value,
        "mode": mode,
        "digest_time": digest_time,
        "created_at": subscribed_at,
    }
    async with store.write() as session:
        await session.execute(insert(Subscription), [row])


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
