"""Pushes to forum topics: a subscription made in a topic (thread) brings its stories to that
thread only, once for each thread that wants a story; a deleted topic loses its subscriptions
and queue while the group and its other topics go on, and a closed one keeps its subscriptions."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.push.sender import PushConfig, Sender
from storage import Delivery, Store, Subscription
from tests.factories import add_article, add_chats, add_subscription
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_forums import close_topic, delete_topic, forum_chat, open_topic
from tests.push_helpers import T0, Clock, push_bot

FAST = PushConfig(rate=200.0, private_interval=0.0, group_interval=0.0, idle_poll=0.05)
FORUM = -1009876543210
ADMIN = 5001
STORM = "Storm Hits Coastal Villages In Sindh"
FINAL = "Lahore Qalandars Win The Final In Karachi"


async def _push(store: Store, fake: FakeTelegramAPI) -> Sender:
    async with push_bot(fake) as bot:
        sender = Sender(bot, store, FAST, clock=Clock(T0))
        await sender.drain_once()
    return sender


def _threads(fake: FakeTelegramAPI) -> list[tuple[int | None, str]]:
    """(thread, text or caption) of every message the bot has in the forum, in order."""
    return [
        (m.get("message_thread_id"), (m.get("text") or m.get("caption") or "").split("\n")[0])
        for m in fake.messages(FORUM)
    ]


async def _forum(fake: FakeTelegramAPI, store: Store, *topics: str) -> list[int]:
    """The forum with one topic per name, and the chat row with no subscription yet."""
    forum_chat(fake, FORUM)
    await add_chats(store, [FORUM], topics=())
    return [open_topic(fake, FORUM, name, by_user=ADMIN) for name in topics]


@pytest.mark.parametrize(
    "image_url", [None, "https://img.example.com/storm.jpg"], ids=["text", "card"]
)
async def test_a_topics_subscription_brings_its_stories_to_that_topic_only(
    store: Store, image_url: str | None
) -> None:
    async with FakeTelegramAPI() as fake:
        [news] = await _forum(fake, store, "News")
        await add_subscription(store, FORUM, "world", thread_id=news)
        await add_article(store, STORM, published_at=T0, image_url=image_url, push=True)
        await add_article(store, FINAL, topic="sports", published_at=T0, push=True)
        await _push(store, fake)
    assert _threads(fake) == [(news, STORM)]
    method = "sendPhoto" if image_url else "sendMessage"
    assert [p["message_thread_id"] for p in fake.sent(method)] == [news]


async def test_two_topics_get_their_own_stories_and_a_shared_one_once_each(store: Store) -> None:
    async with FakeTelegramAPI() as fake:
        world, sport = await _forum(fake, store, "World", "Sport")
        await add_subscription(store, FORUM, "world", thread_id=world)
        await add_subscription(store, FORUM, "sports", thread_id=sport)
        await add_subscription(store, FORUM, "karachi", kind="keyword", thread_id=world)
        await add_article(store, STORM, published_at=T0, push=True)
        await add_article(store, FINAL, topic="sports", published_at=T0, push=True)
        await _push(store, fake)
        await _push(store, fake)  # nothing left to send: each thread had its stories once
    # The final is sport's by its topic and world's by its keyword; world's backlog of two
    # stories is one message.
    texts: dict[int, str] = {m["message_thread_id"]: m["text"] for m in fake.messages(FORUM)}
    assert sorted(texts) == [world, sport]
    assert STORM in texts[world] and FINAL in texts[world]
    assert texts[sport].startswith(FINAL)


async def test_a_deleted_topic_loses_its_subscriptions_and_the_group_goes_on(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeTelegramAPI() as fake:
        gone, kept = await _forum(fake, store, "Old", "Kept")
        for thread in (None, gone, kept):
            await add_subscription(store, FORUM, "world", thread_id=thread)
        await add_subscription(store, FORUM, "sports", thread_id=gone)
        delete_topic(fake, FORUM, gone)
        await add_article(store, STORM, published_at=T0, push=True)
        with caplog.at_level(logging.INFO, logger="bot.push.gone"):
            await _push(store, fake)
        await add_article(store, "Second Storm Reaches Thatta Coast", published_at=T0, push=True)
        await _push(store, fake)
    second = "Second Storm Reaches Thatta Coast"
    assert sorted(_threads(fake), key=str) == sorted(
        [(kept, STORM), (kept, second), (None, STORM), (None, second)], key=str
    )
    async with store.read() as s:
        subs = (await s.execute(select(Subscription.thread_id, Subscription.value))).all()
        states = (await s.execute(select(Delivery.thread_id, Delivery.state))).all()
    assert sorted(subs, key=str) == [(kept, "world"), (None, "world")]
    assert (gone, "failed") in states
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.push.gone"]
    assert line.startswith(f"push: topic {gone} of chat {FORUM} is gone (")
    assert line.endswith("; 0 queued skipped, 2 subscriptions removed")


async def test_a_closed_topic_keeps_its_subscriptions(store: Store) -> None:
    async with FakeTelegramAPI() as fake:
        [closed] = await _forum(fake, store, "Closed")
        await add_subscription(store, FORUM, "world", thread_id=closed)
        close_topic(fake, FORUM, closed)
        await add_article(store, STORM, published_at=T0, push=True)
        await _push(store, fake)
    assert _threads(fake) == []
    async with store.read() as s:
        subs = (await s.execute(select(Subscription.thread_id))).scalars().all()
        [state] = (await s.execute(select(Delivery.state))).scalars().all()
    assert (subs, state) == ([closed], "failed")
