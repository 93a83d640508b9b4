"""Fan-out against the fake Bot API enforcing Telegram's limits: everyone once, no 429s, each
chat's own spacing kept, a backlog merged into one message, and a clean stop."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.push.sender import PushConfig, Sender
from news.delivery.policy import DeliveryPolicy
from storage import Delivery, DeliveryState, Store
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.push_helpers import T0, Clock, push_bot, running_clock, sent_counts

SCALE = 10.0  # the fake's windows shrink 10x, so the sender's limits do too
CHATS = 2000
GROUPS = 20
TITLES = [
    "Flooding Closes Karachi Port As Monsoon Rains Continue",
    "Senate Passes Budget After Marathon Session In Islamabad",
    "Lahore Metro Extension Opens To Passengers On Monday",
]


def scaled_config(**overrides: float) -> PushConfig:
    """Telegram's limits, all SCALE times faster: 220 messages/s, 0.1 s per private chat.

    The rate keeps a little more headroom under the fake's 300/s than production's 25 under 30:
    at 10x speed, a millisecond of scheduling jitter in the fake server (more of it when the
    store is PostgreSQL in another process) counts like ten."""
    values: dict[str, float] = {
        "rate": 22.0 * SCALE,
        "private_interval": 1.0 / SCALE,
        "group_interval": 3.1 / SCALE,
        "idle_poll": 0.05,
        **overrides,
    }
    return PushConfig(**values)  # type: ignore[arg-type]


async def _states(store: Store) -> dict[str, int]:
    async with store.read() as s:
        rows = (
            await s.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        ).all()
    return {state: n for state, n in rows}


async def test_fan_out_to_2000_chats_within_every_limit(store: Store) -> None:
    await add_chats(store, range(1, 101), topics=("world", "business"))
    await add_chats(store, range(101, CHATS - GROUPS + 1))
    await add_chats(store, range(-GROUPS, 0), topics=("world", "business"))
    followers = [*range(1, 101), *range(-GROUPS, 0)]
    async with FakeTelegramAPI(enforce_limits=True, time_scale=SCALE) as fake:
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, scaled_config(), clock=running_clock())
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run(stop))
            started = time.monotonic()
            await add_article(store, TITLES[0], published_at=T0, push=True)
            sender.wake.set()
            await fake.wait_for("sendMessage", 300, timeout=20)
            # Two more stories for 120 chats that already have the first: each goes out only
            # after the chat's own interval. They are older (due earlier), so they jump ahead.
            for title in TITLES[1:]:
                await add_article(
                    store, title, topic="business", published_at=T0 - timedelta(hours=1), push=True
                )
                sender.wake.set()
                await _wait_for_title(fake, title, len(followers))
            expected = CHATS + 2 * len(followers)  # deliveries: (chat, story) pairs
            deadline = time.monotonic() + 40
            while await _states(store) != {DeliveryState.SENT: expected}:
                assert time.monotonic() < deadline, await _states(store)
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.3)  # a second copy of anything would arrive by now
            elapsed = time.monotonic() - started
            stop.set()
            await asyncio.wait_for(task, 10)
    messages = len(fake.sent("sendMessage"))
    print(
        f"\nfan-out: {expected} stories in {messages} messages, {elapsed:.1f} s, 429s {fake.rate_limited_count}"
    )
    assert fake.rate_limited_count == 0
    # Each chat got each of its stories exactly once, alone or inside one backlog message.
    texts: defaultdict[int, list[str]] = defaultdict(list)
    for p in fake.sent("sendMessage"):
        texts[int(p["chat_id"])].append(str(p["text"]))
    assert len(texts) == CHATS
    for chat, sent in texts.items():
        wanted = TITLES if chat in followers else TITLES[:1]
        assert [sum(t in text for text in sent) for t in wanted] == [1] * len(wanted), chat
    # Per-chat spacing, on the fake's clock: when each request was sent (push_bot stamps it).
    arrivals: defaultdict[int, list[float]] = defaultdict(list)
    for call in fake.calls:
        if call.method == "sendMessage":
            arrivals[int(call.params["chat_id"])].append(call.timestamp)
    gaps = {
        chat: min(b - a for a, b in itertools.pairwise(times))
        for chat, times in arrivals.items()
        if len(times) > 1
    }
    assert min(g for chat, g in gaps.items() if chat > 0) >= 0.9 / SCALE
    assert min(g for chat, g in gaps.items() if chat < 0) >= 2.9 / SCALE
    assert await _states(store) == {DeliveryState.SENT: expected}


async def _wait_for_title(fake: FakeTelegramAPI, title: str, count: int) -> None:
    deadline = time.monotonic() + 20
    while sum(title in str(p["text"]) for p in fake.sent("sendMessage")) < count:
        assert time.monotonic() < deadline, f"{title!r} not sent to {count} chats"
        await asyncio.sleep(0.02)


async def test_a_backlog_goes_out_as_one_message(store: Store) -> None:
    clock = Clock()
    both = ("world", "sports")
    await add_chats(store, [1, 2], topics=both, quiet=(0, 8 * 60), news_languages="en")
    await add_chats(store, [3], topics=both, quiet=(0, 8 * 60), language="ur", news_languages="ur")
    night = T0.replace(hour=1)
    for n in range(30):
        topic = "world" if n % 3 else "sports"
        await add_night_stories(store, n, topic, night + timedelta(minutes=n))
    async with FakeTelegramAPI(enforce_limits=True) as fake:
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, PushConfig(), clock=clock)
            clock.now = night + timedelta(hours=1)
            assert await sender.drain_once() == 0  # quiet hours
            clock.now = T0.replace(hour=8)
            assert await sender.drain_once() == 90
    messages = fake.sent("sendMessage")
    assert sent_counts(fake) == {1: 1, 2: 1, 3: 1}
    english = next(m for m in messages if m["chat_id"] == 1)
    assert english["text"].startswith("<b>30 new stories on World, Sports</b>")
    assert "<b>Sports</b>" in english["text"]
    assert len(english["reply_markup"]["inline_keyboard"]) == 3  # 15 stories, 5 a row
    urdu = next(m for m in messages if m["chat_id"] == 3)
    assert "\n\u200f<b>" in urdu["text"]  # lines that start with a number are marked RTL
    assert await _states(store) == {DeliveryState.SENT: 90}


async def add_night_stories(store: Store, n: int, topic: str, at: datetime) -> None:
    """Story number ``n`` in English and in Urdu, with titles unlike any other number's."""
    await add_article(
        store,
        f"Minister{n} Opens Bridge{n} Near Quetta{n}",
        topic=topic,
        published_at=at,
        push=True,
    )
    await add_article(
        store,
        f"وزیر{n} نے پل{n} کا افتتاح کیا",
        topic=topic,
        language="ur",
        published_at=at,
        push=True,
    )


async def test_stop_finishes_sends_in_flight_and_keeps_the_rest_queued(store: Store) -> None:
    await add_chats(store, range(1, 301))
    await add_article(store, TITLES[0], published_at=T0, push=True)
    async with FakeTelegramAPI(enforce_limits=True) as fake:
        fake.delay("sendMessage", 0.2)  # every send is in flight for a while
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, PushConfig(), clock=running_clock())
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run(stop))
            await fake.wait_for("sendMessage", 40, timeout=10)
            stop.set()
            await asyncio.wait_for(task, 5)
            accepted = len(fake.sent("sendMessage"))
            await asyncio.sleep(0.5)
            assert len(fake.sent("sendMessage")) == accepted  # nothing after the stop returned
    states = await _states(store)
    print(f"\nstopped after {accepted} sends; states {states}")
    assert states.get(DeliveryState.SENDING, 0) == 0
    arrived = [c for c in fake.calls if c.method == "sendMessage"]
    assert states[DeliveryState.SENT] == accepted == len(arrived)
    assert states[DeliveryState.QUEUED] == 300 - accepted
    async with store.read() as s:
        attempts = (
            await s.execute(
                select(func.max(Delivery.attempts)).where(Delivery.state == DeliveryState.QUEUED)
            )
        ).scalar_one()
    assert attempts == 0  # handing a claimed row back does not count as a try


async def test_stories_stored_by_another_process_are_pushed(
    store: Store, database_url: str
) -> None:
    from storage import open_store

    await add_chats(store, range(1, 11))
    async with FakeTelegramAPI(enforce_limits=True) as fake:
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, PushConfig(idle_poll=0.1), clock=running_clock())
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run(stop))
            other = await open_store(database_url)  # e.g. `khabar import` in another process
            try:
                await add_article(
                    other, TITLES[1], policy=DeliveryPolicy(), published_at=T0, push=True
                )
            finally:
                await other.close()
            await fake.wait_for("sendMessage", 10)
            stop.set()
            await task
    assert sent_counts(fake) == dict.fromkeys(range(1, 11), 1)


async def test_each_chat_gets_a_story_once_however_many_sources_report_it(store: Store) -> None:
    clock = Clock()
    await add_chats(store, range(1, 51))
    title = TITLES[0]
    async with FakeTelegramAPI(enforce_limits=True) as fake:
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, PushConfig(), clock=clock)
            await add_article(store, title, source="Dawn", published_at=T0, push=True)
            await add_article(
                store, title, source="Geo", published_at=T0, push=True
            )  # before the first send
            assert await sender.drain_once() == 50
            for source in ("BBC", "Reuters", "AP"):  # after it, some breaking by now
                clock.advance(minutes=5)
                await add_article(
                    store, title, source=source, now=clock.now, published_at=T0, push=True
                )
                assert await sender.drain_once() == 0
    assert sent_counts(fake) == dict.fromkeys(range(1, 51), 1)
    assert fake.rate_limited_count == 0
