"""Round trips of every model and the store's de-duplication and search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import Chat, Store, SummaryCache
from storage.articles import (
    ArticleIn,
    add_article,
    count_articles,
    get_article,
    known_entries,
    latest_articles,
    refuse_image,
    search_articles,
)
from storage.chats import (
    add_mute,
    deactivate_chat,
    ensure_chat,
    get_chat,
    list_mutes,
    migrate_chat,
    set_chat_language,
    set_chat_pictures,
)
from storage.deliveries import count_by_state, queue_delivery
from storage.feeds import FeedIn, add_feed, claim_due_feeds, list_feeds, record_fetch_error
from storage.stories import attach_to_story, create_story, story_articles, story_source_count
from storage.subscriptions import list_subscriptions, subscribe, unsubscribe
from storage.summaries import get_summary, put_summary

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def article(n: int, **overrides: object) -> ArticleIn:
    """An article with distinct URL and hash."""
    values: dict[str, object] = {
        "canonical_url": f"https://example.com/news/{n}",
        "url": f"https://example.com/news/{n}?utm_source=x",
        "title": f"Headline number {n}",
        "language": "en",
        "topic": "world",
        "published_at": T0 + timedelta(minutes=n),
        "content_hash": f"hash-{n}",
        "text": f"Body of article {n}.",
        "lead": f"Lead {n}",
    }
    values.update(overrides)
    return ArticleIn(**values)  # type: ignore[arg-type]


async def test_feed_round_trip(store: Store) -> None:
    async with store.write() as s:
        feed, created = await add_feed(s, FeedIn("https://dawn.com/feed", "Dawn", "en", "pakistan"))
        again, created_again = await add_feed(s, FeedIn("https://dawn.com/feed", "Dawn", "en"))
    assert (created, created_again) == (True, False)
    assert again.id == feed.id
    async with store.write() as s:
        await record_fetch_error(s, feed.id, error="fetch: 500", next_check_at=T0)
    async with store.read() as s:
        (row,) = await list_feeds(s)
    async with store.write() as s:
        due = await claim_due_feeds(s, T0 + timedelta(seconds=1), timedelta(minutes=10))
    assert (row.error_count, row.last_error, row.next_check_at) == (1, "fetch: 500", T0)
    assert [f.id for f in due] == [feed.id]


async def test_article_round_trip_keeps_every_field(store: Store) -> None:
    async with store.write() as s:
        article_id = await add_article(
            s, article(1, author="Ayesha", image_url="https://example.com/a.jpg", guid="g1")
        )
    assert article_id is not None
    async with store.read() as s:
        row = await get_article(s, article_id)
    assert row is not None
    assert (row.title, row.author, row.image_url, row.guid) == (
        "Headline number 1",
        "Ayesha",
        "https://example.com/a.jpg",
        "g1",
    )
    assert row.published_at == T0 + timedelta(minutes=1)
    assert row.published_at.tzinfo is not None


async def test_same_canonical_url_twice_is_one_article(store: Store) -> None:
    async with store.write() as s:
        first = await add_article(s, article(1))
        second = await add_article(s, article(1, content_hash="other-hash"))
        third = await add_article(s, article(2, content_hash="hash-1"))
    async with store.read() as s:
        total = await count_articles(s)
    assert (first is not None, second, third, total) == (True, None, None, 1)


async def test_same_guid_in_one_feed_is_one_article(store: Store) -> None:
    async with store.write() as s:
        feed, _ = await add_feed(s, FeedIn("https://a.example/feed", "A", "en"))
        first = await add_article(s, article(1, guid="urn:1", feed_id=feed.id))
        second = await add_article(s, article(2, guid="urn:1", feed_id=feed.id))
    assert first is not None and second is None


async def test_same_guid_without_a_feed_or_in_another_feed_is_another_article(
    store: Store,
) -> None:
    async with store.write() as s:
        feed, _ = await add_feed(s, FeedIn("https://a.example/feed", "A", "en"))
        other, _ = await add_feed(s, FeedIn("https://b.example/feed", "B", "en"))
        ids = [
            await add_article(s, article(1, guid="1", feed_id=feed.id)),
            await add_article(s, article(2, guid="1", feed_id=other.id)),
            await add_article(s, article(3, guid="1")),  # imported: no feed
            await add_article(s, article(4, guid="1")),
        ]
    assert None not in ids


async def test_known_entries_are_told_by_url_or_by_the_feeds_guid(store: Store) -> None:
    async with store.write() as s:
        feed, _ = await add_feed(s, FeedIn("https://a.example/feed", "A", "en"))
        other, _ = await add_feed(s, FeedIn("https://b.example/feed", "B", "en"))
        await add_article(s, article(1, guid="urn:1", feed_id=feed.id))
        await add_article(s, article(2, guid="urn:2", feed_id=other.id))
    urls = ["https://example.com/news/1", "https://example.com/news/2", "https://new.example/"]
    async with store.read() as s:
        known = await known_entries(s, feed.id, urls, ["urn:1", "urn:2", "urn:3"])
        nothing = await known_entries(s, feed.id, [], [])
    assert known == ({"https://example.com/news/1", "https://example.com/news/2"}, {"urn:1"})
    assert nothing == (set(), set())


async def test_ids_out_of_range_are_not_found(store: Store) -> None:
    async with store.read() as s:
        assert await get_article(s, 0) is None
        assert await get_article(s, 10**20) is None
        assert await get_article(s, 12345) is None


async def test_latest_by_topic_and_language(store: Store) -> None:
    async with store.write() as s:
        for n in range(1, 6):
            await add_article(s, article(n, topic="sports" if n % 2 else "world"))
        await add_article(s, article(9, language="ur", title="کراچی میں بارش"))
    async with store.read() as s:
        sports = await latest_articles(s, topic="sports", language="en", limit=10)
        urdu = await latest_articles(s, language="ur")
    assert [a.canonical_url[-1] for a in sports] == ["5", "3", "1"]
    assert [a.title for a in urdu] == ["کراچی میں بارش"]


async def test_stories_link_articles_from_several_sources(store: Store) -> None:
    async with store.write() as s:
        a = await add_article(s, article(1, source="Dawn"))
        b = await add_article(s, article(2, source="Geo"))
        assert a is not None and b is not None
        story_id = await create_story(s, a)
        await attach_to_story(s, b, story_id)
    async with store.read() as s:
        members = await story_articles(s, story_id)
        sources = await story_source_count(s, story_id)
    assert [m.id for m in members] == [a, b]
    assert sources == 2


async def test_chat_subscriptions_mutes_and_migration(store: Store) -> None:
    async with store.write() as s:
        await ensure_chat(s, -100, type="group", language="en", timezone="Asia/Karachi")
        await set_chat_language(s, -100, "ur")
        assert await subscribe(s, -100, kind="topic", value="world", display="world")
        assert not await subscribe(s, -100, kind="topic", value="world", display="world")
        assert await subscribe(s, -100, kind="keyword", value="imran khan", display="Imran Khan")
        assert await add_mute(s, -100, "cricket")
        a = await add_article(s, article(1))
        assert a is not None
        story_id = await create_story(s, a)
        assert await queue_delivery(s, chat_id=-100, story_id=story_id, article_id=a)
        await migrate_chat(s, -100, -100200)
    async with store.read() as s:
        assert await get_chat(s, -100) is None
        chat = await get_chat(s, -100200)
        subs = await list_subscriptions(s, -100200)
        mutes = await list_mutes(s, -100200)
        counts = await count_by_state(s)
    assert chat is not None and (chat.language, chat.type) == ("ur", "supergroup")
    assert [(x.kind, x.value) for x in subs] == [("topic", "world"), ("keyword", "imran khan")]
    assert mutes == ["cricket"]
    assert counts["queued"] == 1
    async with store.write() as s:
        assert await unsubscribe(s, -100200, kind="topic", value="world")
        await deactivate_chat(s, -100200, "Forbidden: bot was kicked")
    async with store.read() as s:
        row = (await s.execute(select(Chat).where(Chat.id == -100200))).scalar_one()
    assert (row.active, row.inactive_reason) == (False, "Forbidden: bot was kicked")


async def test_chat_pictures_default_on_and_turn_off(store: Store) -> None:
    async with store.write() as s:
        await ensure_chat(s, 7, type="private", language="en", timezone="UTC")
    async with store.read() as s:
        before = await get_chat(s, 7)
    async with store.write() as s:
        await set_chat_pictures(s, 7, False)
    async with store.read() as s:
        after = await get_chat(s, 7)
    assert before is not None and after is not None
    assert (before.pictures, after.pictures) == (True, False)


async def test_refused_image_is_remembered(store: Store) -> None:
    async with store.write() as s:
        a = await add_article(s, article(1, image_url="https://example.com/1.jpg"))
        assert a is not None
    async with store.read() as s:
        before = await get_article(s, a)
    async with store.write() as s:
        await refuse_image(s, a)
    async with store.read() as s:
        after = await get_article(s, a)
    assert before is not None and after is not None
    assert (before.image_refused, after.image_refused) == (False, True)


async def test_delivery_once_per_chat_and_story(store: Store) -> None:
    async with store.write() as s:
        await ensure_chat(s, 7, type="private", language="en", timezone="UTC")
        a = await add_article(s, article(1))
        assert a is not None
        story_id = await create_story(s, a)
        first = await queue_delivery(s, chat_id=7, story_id=story_id, article_id=a)
        second = await queue_delivery(s, chat_id=7, story_id=story_id, article_id=a)
    assert (first, second) == (True, False)


async def test_summary_cache(store: Store) -> None:
    async with store.write() as s:
        a = await add_article(s, article(1))
        assert a is not None
        await put_summary(s, a, "ur", "extractive", "خلاصہ")
        await put_summary(s, a, "ur", "extractive", "ignored second write")
        await put_summary(s, a, "ur", "openai", "بہتر خلاصہ")
    async with store.read() as s:
        best = await get_summary(s, a, "ur", ("openai", "extractive"))
        fallback = await get_summary(s, a, "ur", ("extractive",))
        rows = (await s.execute(select(SummaryCache))).scalars().all()
    assert best is not None and best.text == "بہتر خلاصہ"
    assert fallback is not None and fallback.text == "خلاصہ"
    assert len(rows) == 2


async def test_search_folds_arabic_kaf_and_case(store: Store) -> None:
    async with store.write() as s:
        # Arabic kaf (U+0643) and Arabic yeh, as some sites and keyboards write them.
        await add_article(s, article(1, language="ur", title="كراچي ميں بارش", text="شہر میں پانی"))
        await add_article(s, article(2, title="Floods in SINDH", text="Rain hit the province."))
        await add_article(s, article(3, title="Cricket", text="Pakistan won."))
    async with store.read() as s:
        urdu = await search_articles(s, "کراچی")
        english = await search_articles(s, "sindh")
        both_words = await search_articles(s, "rain PROVINCE")
        nothing = await search_articles(s, 'NEAR( "x" OR')
    assert [a.canonical_url[-1] for a in urdu] == ["1"]
    assert [a.canonical_url[-1] for a in english] == ["2"]
    assert [a.canonical_url[-1] for a in both_words] == ["2"]
    assert nothing == []


async def test_migration_into_a_known_chat_merges_its_rows(store: Store) -> None:
    async with store.write() as s:
        await ensure_chat(s, -5, type="group", language="en", timezone="UTC")
        await ensure_chat(s, -1005, type="supergroup", language="ur", timezone="UTC")
        await subscribe(s, -5, kind="topic", value="world", display="world")
        await subscribe(s, -5, kind="topic", value="sports", display="sports")
        await subscribe(s, -1005, kind="topic", value="sports", display="sports")
        await add_mute(s, -5, "cricket")
        await migrate_chat(s, -5, -1005)
    async with store.read() as s:
        assert await get_chat(s, -5) is None
        subs = await list_subscriptions(s, -1005)
        mutes = await list_mutes(s, -1005)
    assert sorted(x.value for x in subs) == ["sports", "world"]
    assert mutes == ["cricket"]
