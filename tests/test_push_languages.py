"""End to end against the fake Bot API: chats get news by their /news languages, one push per
story, in the chat's language when the story has a report in it at send time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.push.sender import PushConfig, Sender
from news.embeddings.service import Embeddings
from storage import Delivery, Store
from storage.follows import follow_feed
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.push_helpers import T0, push_bot, running_clock

EN_CHAT, UR_CHAT, UR_ONLY, EN_ONLY, FOLLOWER = 1, 2, 3, 4, 5
ENGLISH = (
    "Heavy rain floods Karachi, at least 12 killed",
    "Torrential monsoon rain lashed Karachi on Tuesday, flooding main roads. Rescue officials "
    "said at least 12 people died, most of them electrocuted.",
)
URDU = (
    "کراچی میں موسلا دھار بارش، ۱۲ افراد جاں بحق",
    "شہر قائد میں منگل کو ہونے والی طوفانی بارش کے بعد کئی علاقے زیر آب آ گئے۔ ریسکیو حکام کے "
    "مطابق کرنٹ لگنے اور چھتیں گرنے سے ۱۲ شہری جاں بحق ہوئے۔",
)


async def _chats(store: Store) -> None:
    await add_chats(store, [EN_CHAT], language="en")
    await add_chats(store, [UR_CHAT], language="ur")
    await add_chats(store, [UR_ONLY], language="ur", news_languages="ur")
    await add_chats(store, [EN_ONLY], language="en", news_languages="en")


async def _report(
    store: Store, embeddings: Embeddings, english: bool, hours: float, feed_id: int | None = None
) -> int:
    title, lead = ENGLISH if english else URDU
    added = await add_article(
        store, title, language="en" if english else "ur", lead=lead, text=lead,
        published_at=T0 + timedelta(hours=hours), push=True, embeddings=embeddings,
        feed_id=feed_id,
    )  # fmt: skip
    return added.story_id


async def _deliveries(store: Store) -> int:
    async with store.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Delivery)) or 0)


async def _send_all(store: Store, fake: FakeTelegramAPI, count: int) -> dict[int, str]:
    """Run the sender until ``count`` more messages went out; each chat's text among them."""
    before = len(fake.sent("sendMessage"))
    async with push_bot(fake) as bot:
        # The sender's clock is past every report's time: all queued deliveries are due.
        clock = running_clock(T0 + timedelta(hours=6))
        sender = Sender(bot, store, PushConfig(idle_poll=0.05), clock=clock)
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop))
        await fake.wait_for("sendMessage", before + count, timeout=20)
        stop.set()
        await task
    return {int(p["chat_id"]): str(p["text"]) for p in fake.sent("sendMessage")[before:]}


async def test_an_urdu_chat_gets_an_english_only_story_once_labelled(
    store: Store, embeddings: Embeddings
) -> None:
    await _chats(store)
    story = await _report(store, embeddings, english=True, hours=0)
    async with FakeTelegramAPI() as fake:
        sent = await _send_all(store, fake, 3)
        assert sorted(sent) == [EN_CHAT, UR_CHAT, EN_ONLY]
        # The Urdu report comes after the English one was pushed: same story, no new push to
        # the chats that had it; the chat that wants Urdu news only gets it now, in Urdu.
        assert await _report(store, embeddings, english=False, hours=5) == story
        assert await _deliveries(store) == 4
        later = await _send_all(store, fake, 1)
    assert sorted(later) == [UR_ONLY]
    assert later[UR_ONLY].count(URDU[0]) == 1 and ENGLISH[0] not in later[UR_ONLY]
    assert sent[UR_CHAT].count(ENGLISH[0]) == 1 and "انگریزی" in sent[UR_CHAT]
    assert "Urdu" not in sent[EN_CHAT]
    assert len(fake.sent("sendMessage")) == 4  # once each


async def test_a_story_with_both_reports_reaches_each_chat_in_its_language(
    store: Store, embeddings: Embeddings
) -> None:
    await _chats(store)
    story = await _report(store, embeddings, english=True, hours=0)
    assert await _report(store, embeddings, english=False, hours=3) == story
    async with FakeTelegramAPI() as fake:
        sent = await _send_all(store, fake, 4)
    # Queued when the story began (in English), and for the Urdu-only chat when Urdu came.
    assert await _deliveries(store) == 4
    assert sorted(sent) == [EN_CHAT, UR_CHAT, UR_ONLY, EN_ONLY]
    assert ENGLISH[0] in sent[EN_CHAT] and ENGLISH[0] in sent[EN_ONLY]
    assert URDU[0] in sent[UR_CHAT] and ENGLISH[0] not in sent[UR_CHAT]
    assert URDU[0] in sent[UR_ONLY]
    assert "انگریزی" not in sent[UR_CHAT]


async def test_a_report_from_a_feed_of_another_chats_own_is_not_pushed_to_a_chat(
    store: Store, embeddings: Embeddings
) -> None:
    await _chats(store)
    await add_chats(store, [FOLLOWER], topics=(), language="ur")
    async with store.write() as session:
        feed, _ = await follow_feed(
            session, FOLLOWER, "https://own.example/feed.xml", display="own", language="ur"
        )
    story = await _report(store, embeddings, english=True, hours=0)
    assert await _report(store, embeddings, english=False, hours=3, feed_id=feed.id) == story
    async with FakeTelegramAPI() as fake:
        sent = await _send_all(store, fake, 3)
    # The story's Urdu report is FOLLOWER's own feed's: an Urdu chat gets the English one,
    # and the chat that wants Urdu news only gets nothing; no chat hears of another source.
    assert ENGLISH[0] in sent[UR_CHAT] and URDU[0] not in sent[UR_CHAT]
    assert UR_ONLY not in sent
    assert "Also reported" not in sent[EN_CHAT]
