"""Forum topics in the store: a subscription belongs to the thread it was made in, and a story
is queued once for each thread of a chat that subscribed to it (None: the chat itself)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage import Delivery, Store
from storage.deliveries import queue_delivery, skip_thread_deliveries
from storage.follows import feed_followers, follow_feed, list_follows, unfollow_feed
from storage.subscriptions import (
    count_subscriptions,
    list_subscriptions,
    subscribe,
    unsubscribe,
    unsubscribe_all,
)
from tests.factories import add_article, add_chats, add_subscription
from tests.push_helpers import T0

FORUM = -1009876543210
STORM = "Storm Hits Coastal Villages In Sindh"


async def _queued(store: Store) -> dict[tuple[int, int | None], tuple[datetime, str]]:
    """(chat id, thread) -> due time and state of every delivery."""
    async with store.read() as s:
        stmt = select(Delivery.chat_id, Delivery.thread_id, Delivery.due_at, Delivery.state)
        rows = (await s.execute(stmt)).all()
    return {(chat, thread): (due, state) for chat, thread, due, state in rows}


async def test_a_story_is_queued_once_for_each_thread_that_wants_it(store: Store) -> None:
    await add_chats(store, [FORUM])  # the forum itself (General) follows world
    await add_subscription(store, FORUM, "world", thread_id=7)
    await add_subscription(store, FORUM, "sports", thread_id=9)
    # Thread 11 matches by its topic and its keyword: still one delivery.
    await add_subscription(store, FORUM, "world", thread_id=11)
    await add_subscription(store, FORUM, "sindh", kind="keyword", thread_id=11)
    await add_article(store, STORM, published_at=T0, push=True)
    assert sorted(await _queued(store), key=str) == [(FORUM, 11), (FORUM, 7), (FORUM, None)]


async def test_a_thread_waits_for_its_own_digest(store: Store) -> None:
    await add_chats(store, [FORUM], topics=())
    await add_subscription(store, FORUM, "world", thread_id=7, mode="digest", digest_time=20 * 60)
    await add_subscription(store, FORUM, "world", thread_id=9)
    await add_article(store, STORM, published_at=T0, push=True)
    queued = await _queued(store)
    assert queued[FORUM, 7][0] == datetime(2026, 11, 2, 20, 0, tzinfo=UTC)
    assert queued[FORUM, 9][0] == T0


async def test_a_pair_is_queued_once_per_thread(store: Store) -> None:
    await add_chats(store, [FORUM], topics=())
    added = await add_article(store, STORM, published_at=T0)
    story, article = added.story_id, added.article_id
    async with store.write() as s:
        firsts, agains = [
            [
                await queue_delivery(
                    s, chat_id=FORUM, story_id=story, article_id=article, thread_id=t
                )
                for t in (None, 7, 9)
            ]
            for _ in range(2)
        ]
        skipped = await skip_thread_deliveries(s, FORUM, 7, "topic deleted")
    assert (firsts, agains, skipped) == ([True] * 3, [False] * 3, 1)
    states = {key: state for key, (_, state) in (await _queued(store)).items()}
    assert states == {(FORUM, None): "queued", (FORUM, 7): "skipped", (FORUM, 9): "queued"}


async def test_each_thread_has_subscriptions_of_its_own(store: Store) -> None:
    await add_chats(store, [FORUM], topics=())
    async with store.write() as s:
        made = [
            await subscribe(s, FORUM, kind="topic", value="world", display="world", thread_id=t)
            for t in (None, 7, 7, 9)
        ]
        await subscribe(s, FORUM, kind="topic", value="sports", display="sports", thread_id=7)
        removed = await unsubscribe(s, FORUM, kind="topic", value="world", thread_id=7)
        removed_again = await unsubscribe(s, FORUM, kind="topic", value="world", thread_id=7)
        cleared = await unsubscribe_all(s, FORUM, 9)
    async with store.read() as s:
        listed = {t: [x.value for x in await list_subscriptions(s, FORUM, t)] for t in (None, 7, 9)}
        total = await count_subscriptions(s, FORUM)
    assert made == [True, True, False, True]
    assert (removed, removed_again, cleared) == (True, False, 1)
    assert listed == {None: ["world"], 7: ["sports"], 9: []}
    assert total == 2


async def test_each_thread_follows_feeds_of_its_own(store: Store) -> None:
    await add_chats(store, [FORUM], topics=())
    url = "https://feeds.example.com/local.xml"
    async with store.write() as s:
        for thread in (None, 7):
            feed, _ = await follow_feed(
                s, FORUM, url, display="local", language="en", thread_id=thread
            )
        unfollowed = await unfollow_feed(s, FORUM, feed.id, 9)
    async with store.read() as s:
        followers = await feed_followers(s, feed.id, datetime.now(UTC))
        listed = {t: len(await list_follows(s, FORUM, t)) for t in (None, 7, 9)}
    assert [(f.chat_id, f.thread_id) for f in followers] == [(FORUM, None), (FORUM, 7)]
    assert (unfollowed, listed) == (False, {None: 1, 7: 1, 9: 0})
