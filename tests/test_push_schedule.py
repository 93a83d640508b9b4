"""Digests and quiet hours end to end, on a clock the test moves: the day's top stories at the
chat's digest time, quiet hours that hold even stories queued before they were set, breaking
stories that go through anyway; and the numbers /stats and the logs show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.push.sender import PushConfig, Sender
from news.delivery.policy import DeliveryPolicy
from storage import Store
from storage.chats import set_quiet_hours
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.push_helpers import Clock, push_bot, sent_counts

CONFIG = PushConfig(private_interval=0.0)
POLICY = DeliveryPolicy(breaking_sources=3, breaking_window=timedelta(minutes=30))


async def test_a_digest_sends_the_days_top_stories_at_the_chats_local_time(store: Store) -> None:
    day = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # 14:00 in Karachi
    clock = Clock(day)
    both = ("world", "sports")
    await add_chats(
        store, [1], topics=both, mode="digest", digest_time=8 * 60, timezone="Asia/Karachi"
    )
    minor = "Minor Road Repairs Begin In Multan Suburb"
    top = "Cabinet Approves Flood Relief Package For Sindh"
    match = "Pakistan Beat England In Rawalpindi Test Match"
    at = day
    await add_article(store, minor, published_at=at, push=True)
    for source in ("Dawn", "Geo", "BBC"):
        at += timedelta(minutes=5)
        await add_article(store, top, source=source, published_at=at, push=True)
    for source in ("Dawn", "Geo"):
        at += timedelta(minutes=5)
        await add_article(store, match, topic="sports", source=source, published_at=at, push=True)
    await add_article(
        store, "Rupee Gains Against Dollar", topic="business", published_at=at, push=True
    )
    async with FakeTelegramAPI(enforce_limits=True) as fake:
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, CONFIG, policy=POLICY, clock=clock)
            assert await sender.drain_once() == 0
            clock.now = datetime(2026, 11, 3, 2, 59, tzinfo=UTC)  # 07:59 in Karachi
            assert await sender.drain_once() == 0
            clock.now = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)  # 08:00
            assert await sender.drain_once() == 3
    [digest] = fake.sent("sendMessage")
    text = digest["text"]
    assert text.startswith("<b>3 new stories on World, Sports</b>")
    # Sections by topic; in each, the story most sources reported comes first.
    positions = [text.index(x) for x in ("<b>World</b>", top, minor, "<b>Sports</b>", match)]
    assert positions == sorted(positions)


async def test_quiet_hours_set_after_queueing_still_hold_the_push(store: Store) -> None:
    evening = datetime(2026, 11, 2, 22, 0, tzinfo=UTC)
    clock = Clock(evening)
    await add_chats(store, [2])
    await add_article(
        store, "Minor Road Repairs Begin In Multan Suburb", published_at=evening, push=True
    )
    async with store.write() as s:
        await set_quiet_hours(s, 2, 22 * 60 + 30, 7 * 60)
    async with FakeTelegramAPI() as fake:
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, CONFIG, policy=POLICY, clock=clock)
            clock.now = evening.replace(hour=23)
            assert await sender.drain_once() == 1  # claimed, then handed back until 07:00
            assert sent_counts(fake) == {}
            # A breaking story goes out in quiet hours.
            title = "Powerful Earthquake Shakes Northern Pakistan And Kabul"
            for minute, source in ((5, "Dawn"), (6, "Geo"), (7, "BBC")):
                at = clock.now.replace(minute=minute)
                await add_article(
                    store, title, source=source, published_at=at, policy=POLICY, push=True
                )
            clock.now = clock.now.replace(minute=10)
            assert await sender.drain_once() == 1
            assert "Breaking" in fake.sent("sendMessage")[0]["text"]
            clock.now = datetime(2026, 11, 3, 7, 0, tzinfo=UTC)
            assert await sender.drain_once() == 1
    assert sent_counts(fake) == {2: 2}


async def test_stats_line_shows_states_and_latency(store: Store) -> None:
    clock = Clock()
    await add_chats(store, [1, 2, 3])
    await add_article(
        store, "Minor Road Repairs Begin In Multan Suburb", published_at=clock.now, push=True
    )
    async with FakeTelegramAPI() as fake:
        fake.block(3)
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, CONFIG, policy=POLICY, clock=clock)
            clock.advance(seconds=30)
            await sender.drain_once()
            line = await sender.stats_line()
    assert line == (
        "queued 0, sending 0, sent 2, failed 1, skipped 0; latency p50 30.0 s, p95 30.0 s;"
        " this run: sent 2, failed 1, 429s 0, plain-text resends 0"
    )
