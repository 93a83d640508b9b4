"""Queueing stories into the outbox: who gets a story, once, and when (now, after quiet hours,
at digest time, or now after all because it is breaking)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from news.delivery.matching import match_words, matching_phrases
from news.delivery.policy import DeliveryPolicy
from news.delivery.schedule import in_window, next_local_time
from storage import Delivery, Store
from storage.chats import deactivate_chat
from storage.deliveries import StoryMatch, queue_delivery, queue_story
from storage.stories import story_reports
from storage.textnorm import normalize_for_search
from tests.factories import add_article, add_chats, add_subscription
from tests.push_helpers import T0


async def _queued(store: Store) -> dict[int, datetime]:
    """chat id -> due time of every delivery."""
    async with store.read() as s:
        rows = (await s.execute(select(Delivery.chat_id, Delivery.due_at))).all()
    return {chat: due for chat, due in rows}


async def test_one_delivery_per_chat_however_many_sources_report_the_story(store: Store) -> None:
    await add_chats(store, range(1, 51))
    title = "Flooding Closes Karachi Port As Monsoon Rains Continue"
    first = await add_article(store, title, source="Dawn", published_at=T0, push=True)
    later = [
        await add_article(store, title, source=s, published_at=T0, push=True)
        for s in ("Geo", "BBC", "Reuters")
    ]
    assert first.new_story and all(x.story_id == first.story_id for x in later)
    assert not any(x.new_story for x in later)
    async with store.read() as s:
        total = (await s.execute(select(func.count(Delivery.id)))).scalar_one()
    assert total == 50


@pytest.mark.parametrize(
    ("stored_keyword", "title", "expected"),
    [
        pytest.param("covid-19", "New Covid-19 Variant Found", True, id="handler-folded-hyphen"),
        pytest.param("covid 19", "New COVID-19 variant found", True, id="match-words-form"),
        pytest.param("imran khan", "Imran Khan Speaks In Lahore", True, id="phrase"),
        pytest.param("imran khan", "Khan Imran Speaks", False, id="phrase-out-of-order"),
        pytest.param("iran", "Imran Khan Speaks In Lahore", False, id="whole-words-only"),
        pytest.param("u.s.", "U.S. Markets Rally Again", True, id="dotted"),
        pytest.param("کراچی", "كراچي ميں بارش", True, id="urdu-arabic-letters"),
    ],
)
async def test_keyword_subscriptions_match_whole_words(
    store: Store, stored_keyword: str, title: str, expected: bool
) -> None:
    language = "ur" if "ک" in stored_keyword else "en"
    await add_chats(store, [7], topics=(), keywords=[stored_keyword], language=language)
    await add_article(store, title, topic="business", language=language, published_at=T0, push=True)
    assert (7 in await _queued(store)) is expected


def test_matching_phrases_accepts_both_stored_forms() -> None:
    words = match_words("Pakistan's U.S.-bound exports: covid-19 hits cotton")
    stored = [normalize_for_search("U.S."), "covid 19", "cotton", "cot", "pakistan s"]
    assert matching_phrases(stored, words) == ["u.s.", "covid 19", "cotton", "pakistan s"]


async def test_who_gets_a_story(store: Store) -> None:
    await add_chats(store, [1])  # subscribed to world
    await add_chats(store, [2], topics=("sports",))  # other topic
    await add_chats(store, [3], language="ur")  # reads Urdu, news in both languages (/news)
    await add_chats(store, [9], language="ur", news_languages="ur")  # Urdu news only
    await add_chats(store, [4], mutes=["cricket"])  # mutes a word in the story
    await add_chats(store, [5], mutes=["cricke"])  # a part of a word mutes nothing
    await add_chats(store, [6], subscribed_at=T0 + timedelta(minutes=5))  # subscribed later
    await add_chats(store, [7], topics=(), keywords=["cricket board"])
    await add_chats(store, [8])
    async with store.write() as s:
        await deactivate_chat(s, 8, "Forbidden: bot was blocked by the user")
    await add_article(
        store,
        "Cricket Board Meets Over Tour Dates",
        lead="The PCB met in Lahore.",
        published_at=T0,
        push=True,
    )
    assert sorted(await _queued(store)) == [1, 3, 5, 7]


async def test_digest_subscriptions_wait_for_the_matching_digest_time(store: Store) -> None:
    # 09:00 UTC is 14:00 in Karachi (UTC+5): the 08:00 digest is tomorrow's.
    await add_chats(store, [1], mode="digest", digest_time=8 * 60, timezone="Asia/Karachi")
    await add_chats(store, [2], topics=("sports",), mode="digest", digest_time=20 * 60)
    await add_chats(store, [3], topics=("sports",), mode="digest", digest_time=7 * 60)
    await add_subscription(store, 3, "world", mode="digest", digest_time=21 * 60)
    await add_article(store, "Storm Hits Coastal Villages In Sindh", published_at=T0, push=True)
    await add_article(
        store, "Lahore Qalandars Win Final In Karachi", topic="sports", published_at=T0, push=True
    )
    due = await _queued(store)
    assert due[1] == datetime(2026, 11, 3, 3, 0, tzinfo=UTC)
    assert due[2] == datetime(2026, 11, 2, 20, 0, tzinfo=UTC)
    # Each story waits for the digest of the subscription it matched.
    async with store.read() as s:
        rows = (await s.execute(select(Delivery.due_at).where(Delivery.chat_id == 3))).scalars()
        assert sorted(rows) == [
            datetime(2026, 11, 2, 21, 0, tzinfo=UTC),
            datetime(2026, 11, 3, 7, 0, tzinfo=UTC),
        ]


async def test_quiet_hours_hold_instant_pushes_until_the_window_ends(store: Store) -> None:
    night = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # 23:30 in London (GMT in November)
    await add_chats(store, [1], timezone="Europe/London", quiet=(23 * 60, 7 * 60))
    await add_chats(store, [2], timezone="Asia/Karachi", quiet=(23 * 60, 7 * 60))  # 04:30 there
    await add_chats(store, [3], timezone="America/New_York", quiet=(23 * 60, 7 * 60))  # 18:30
    await add_article(store, "Storm Hits Coastal Villages In Sindh", published_at=night, push=True)
    due = await _queued(store)
    assert due == {
        1: datetime(2026, 11, 3, 7, 0, tzinfo=UTC),
        2: datetime(2026, 11, 3, 2, 0, tzinfo=UTC),
        3: night,
    }


async def test_a_breaking_story_goes_out_in_quiet_hours(store: Store) -> None:
    night = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    policy = DeliveryPolicy(breaking_sources=3, breaking_window=timedelta(minutes=30))
    await add_chats(store, [1], timezone="Europe/London", quiet=(23 * 60, 7 * 60))
    await add_chats(store, [2], mode="digest", digest_time=8 * 60, timezone="Europe/London")
    title = "Powerful Earthquake Shakes Northern Pakistan And Kabul"
    await add_article(store, title, source="Dawn", published_at=night, policy=policy, push=True)
    # A second report of the same source, and one outside the window, do not make it breaking.
    await add_article(store, title, source="Dawn", published_at=night, policy=policy, push=True)
    late = night + timedelta(minutes=45)
    await add_article(store, title, source="BBC", published_at=late, policy=policy, push=True)
    await add_article(store, title, source="Reuters", published_at=night, policy=policy, push=True)
    assert (await _queued(store))[1] == datetime(2026, 11, 3, 7, 0, tzinfo=UTC)
    soon = night + timedelta(minutes=10)
    await add_article(
        store, title, source="Geo", published_at=soon, now=soon, policy=policy, push=True
    )
    due = await _queued(store)
    assert due[1] == soon  # released
    assert due[2] == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # a digest stays a digest


async def test_reports_without_a_date_never_make_a_story_breaking(store: Store) -> None:
    night = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    policy = DeliveryPolicy(breaking_sources=3, breaking_window=timedelta(minutes=30))
    await add_chats(store, [1], timezone="Europe/London", quiet=(23 * 60, 7 * 60))
    title = "Powerful Earthquake Shakes Northern Pakistan And Kabul"
    await add_article(store, title, source="Dawn", published_at=night, policy=policy, push=True)
    soon = night + timedelta(minutes=10)
    # Undated copies (an old item a feed shows again, say) are stored when fetched: not news.
    for source in ("BBC", "Reuters", "Geo"):
        await add_article(
            store, title, source=source, published_at=None, now=soon, policy=policy, push=True
        )
    assert (await _queued(store))[1] == datetime(2026, 11, 3, 7, 0, tzinfo=UTC)
    async with store.read() as s:
        reports = await story_reports(s, {1})
    counts = {story_id: policy.sources(story) for story_id, story in reports.items()}
    assert counts == {1: 1}


@pytest.mark.parametrize(
    ("now", "minutes", "tz", "expected"),
    [
        pytest.param(
            datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            8 * 60,
            "Asia/Karachi",
            datetime(2026, 11, 3, 3, 0, tzinfo=UTC),
            id="tomorrow",
        ),
        pytest.param(
            datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            8 * 60,
            "Europe/London",
            datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
            id="spring-forward-day",
        ),
        pytest.param(
            datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
            8 * 60,
            "Europe/London",
            datetime(2026, 10, 25, 8, 0, tzinfo=UTC),
            id="fall-back-day",
        ),
        pytest.param(
            datetime(2026, 3, 8, 5, 0, tzinfo=UTC),
            2 * 60 + 30,
            "America/New_York",
            datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
            id="skipped-wall-time-moves-past-the-gap",
        ),
        pytest.param(
            datetime(2026, 11, 1, 5, 0, tzinfo=UTC),
            90,
            "America/New_York",
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            id="repeated-wall-time-first",
        ),
        pytest.param(
            datetime(2026, 11, 1, 6, 15, tzinfo=UTC),
            90,
            "America/New_York",
            datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
            id="in-the-repeated-hour-never-in-the-past",
        ),
        pytest.param(
            datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
            9 * 60,
            "Not/AZone",
            datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
            id="unknown-zone-is-utc",
        ),
    ],
)
def test_next_local_time(now: datetime, minutes: int, tz: str, expected: datetime) -> None:
    assert next_local_time(now, minutes, tz) == expected


@pytest.mark.parametrize(
    ("local", "expected"),
    [("22:59", False), ("23:00", True), ("03:00", True), ("06:59", True), ("07:00", False)],
)
def test_quiet_window_wraps_midnight(local: str, expected: bool) -> None:
    hour, minute = map(int, local.split(":"))
    now = datetime(2026, 11, 2, hour, minute, tzinfo=UTC)
    assert in_window(now, 23 * 60, 7 * 60, "UTC") is expected


async def test_a_delivery_another_transaction_queues_meanwhile_is_kept_once(store: Store) -> None:
    await add_chats(store, [1, 2, 3])
    added = await add_article(store, "Flooding Closes Karachi Port", published_at=T0)
    match = StoryMatch(added.story_id, added.article_id, "world", "en")

    async def queue_alongside() -> int:
        async with store.write() as session:
            return await queue_story(session, match, T0 + timedelta(hours=1))

    async with store.write() as session:
        await queue_delivery(session, chat_id=2, story_id=added.story_id, article_id=None)
        # Meanwhile the story is queued for everyone: on PostgreSQL that INSERT waits on chat
        # 2's uncommitted row and then breaks the unique index, on SQLite for the write lock.
        alongside = asyncio.create_task(queue_alongside())
        await asyncio.sleep(0.3)
    assert await alongside == 2
    async with store.read() as session:
        rows = (await session.execute(select(Delivery.chat_id))).scalars().all()
    assert sorted(rows) == [1, 2, 3]
