"""End to end: in a forum supergroup a command written in a topic (thread) is answered there and
acts on that topic's subscriptions; the General topic is the group itself; a reply chain of an
ordinary supergroup is no topic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.push.sender import PushConfig, Sender
from storage.articles import get_article
from storage.subscriptions import list_subscriptions
from tests.bot_harness import GROUP_ADMIN, BotHarness, Exchange
from tests.factories import add_article
from tests.fakes.telegram_forums import close_topic, forum_chat, open_topic, topic_text
from tests.fakes.telegram_objects import command_entities, make_user_json
from tests.push_helpers import push_bot

pytest_plugins = ["tests.bot_harness"]

FORUM = -1009876543210
SUPERGROUP = -1005555555555
FAST = PushConfig(rate=200.0, private_interval=0.0, group_interval=0.0, idle_poll=0.05)
STORM = "Storm Hits Coastal Villages In Sindh"


def _forum(bot: BotHarness, *names: str) -> list[int]:
    forum_chat(bot.fake, FORUM)
    bot.fake.set_admins(FORUM, [GROUP_ADMIN])
    return [open_topic(bot.fake, FORUM, name, by_user=GROUP_ADMIN) for name in names]


async def _in(bot: BotHarness, thread: int | None, text: str, **kwargs: Any) -> Exchange:
    """An admin writes ``text`` in the forum's topic ``thread`` (None: General)."""
    push: Callable[[], dict[str, Any]] = lambda: topic_text(  # noqa: E731 - one call
        bot.fake, FORUM, thread, text, user_id=GROUP_ADMIN, **kwargs
    )
    return await bot.deliver(FORUM, push)


def _threads(exchange: Exchange) -> list[int | None]:
    return [m.get("message_thread_id") for m in exchange.messages]


def _button(bot: BotHarness, message_id: int, label: str) -> str:
    """The callback data of the settings message's button ``label``."""
    markup = bot.message(FORUM, message_id).get("reply_markup") or {}
    buttons = {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}
    return str(buttons[label])


async def test_a_topics_subscriptions_are_its_own_and_its_stories_arrive_there(
    bot: BotHarness,
) -> None:
    news, other = _forum(bot, "News", "Other")
    done = await _in(bot, news, "/subscribe world")
    await _in(bot, None, "/subscribe sports")
    here = await _in(bot, news, "/subscriptions")
    general = await _in(bot, None, "/subscriptions")
    empty = await _in(bot, other, "/subscriptions")
    assert _threads(done) == [news] and "You now follow World" in done.text
    assert _threads(here) == [news]
    assert "This forum topic follows" in here.text and "World" in here.text
    assert "Sports" not in here.text and "its own subscriptions" in here.text
    assert _threads(general) == [None] and "Sports" in general.text and "World" not in general.text
    assert "This forum topic doesn't follow anything yet" in empty.text
    # A story of the topic's subscription is pushed to that topic, and only there.
    now = datetime.now(UTC) + timedelta(seconds=1)
    await add_article(bot.store, STORM, published_at=now, now=now, push=True)
    async with push_bot(bot.fake) as push:
        await Sender(push, bot.store, FAST, clock=lambda: now + timedelta(minutes=1)).drain_once()
    pushed = [m for m in bot.fake.messages(FORUM) if STORM in (m.get("text") or "")]
    assert [m.get("message_thread_id") for m in pushed] == [news]


async def test_unsubscribing_in_a_topic_leaves_the_groups_and_other_topics(
    bot: BotHarness,
) -> None:
    news, other = _forum(bot, "News", "Other")
    for thread in (None, news, other):
        await _in(bot, thread, "/subscribe world")
    await _in(bot, news, '/subscribe "karachi port"')
    gone = await _in(bot, news, "/unsubscribe world")
    listing = await _in(bot, news, "/subscriptions")
    pressed = await bot.press(
        FORUM, listing.button("karachi"), listing.messages[0]["message_id"], user_id=GROUP_ADMIN
    )
    cleared = await _in(bot, other, "/unsubscribe all")
    general = await _in(bot, None, "/subscriptions")
    assert "World" in gone.text and _threads(gone) == [news]
    assert "World" not in listing.text and "karachi port" in listing.text
    shown = bot.message(FORUM, listing.messages[0]["message_id"])["text"]
    assert pressed.methods[-1] == "editMessageText" and "doesn't follow anything yet" in shown
    assert "this forum topic's subscriptions have been removed" in cleared.text
    assert "World" in general.text


async def test_in_urdu_a_topics_listing_says_it_is_the_topics(bot: BotHarness) -> None:
    [news] = _forum(bot, "News")
    await _in(bot, None, "/lang ur")
    empty = await _in(bot, news, "/subscriptions", language_code="ur")
    assert "اس فورم ٹاپک نے ابھی تک کچھ سبسکرائب نہیں کیا" in empty.text


async def test_a_reply_chain_of_an_ordinary_supergroup_is_no_topic(bot: BotHarness) -> None:
    bot.fake.set_admins(SUPERGROUP, [GROUP_ADMIN])
    sender = make_user_json(GROUP_ADMIN, first_name="Admin", language_code="en")
    text = "/subscribe world"
    # Telegram gives a reply the message_thread_id of its chain, with no is_topic_message.
    message = bot.fake.state.add_message(
        SUPERGROUP, sender, text=text, entities=command_entities(text), message_thread_id=3
    )
    exchange = await bot.deliver(SUPERGROUP, lambda: bot.fake.push_update({"message": message}))
    listing = await bot.send(SUPERGROUP, "/subscriptions", user_id=GROUP_ADMIN)
    # Sent without a thread (the fake refuses one in a chat that is no forum).
    assert _threads(exchange) == [None] and "World" in listing.text


async def test_cards_and_lists_asked_for_in_a_topic_are_answered_there(bot: BotHarness) -> None:
    [news] = _forum(bot, "News")
    added = await add_article(bot.store, STORM, image_url="https://img.example.com/storm.jpg")
    card = await _in(bot, news, f"/read {added.article_id}")
    latest = await _in(bot, news, "/latest")
    assert card.methods[-1] == "sendPhoto" and _threads(card) == [news]
    assert latest.messages and set(_threads(latest)) == {news}


async def test_a_closed_topic_refusing_a_card_leaves_the_picture_offered(bot: BotHarness) -> None:
    [closed] = _forum(bot, "Closed")
    added = await add_article(bot.store, STORM, image_url="https://img.example.com/storm.jpg")
    close_topic(bot.fake, FORUM, closed)
    bot.expect_errors()  # an admin may still write there; the bot may not
    await _in(bot, closed, f"/read {added.article_id}")
    async with bot.store.read() as s:
        article = await get_article(s, added.article_id)
    # The topic refused the message, not the picture: other chats still get it.
    assert article is not None and not article.image_refused


async def test_settings_in_a_topic_show_and_change_that_topics_subscriptions(
    bot: BotHarness,
) -> None:
    [news] = _forum(bot, "News")
    await _in(bot, None, "/subscribe sports")
    await _in(bot, news, "/subscribe world")
    page = await _in(bot, news, "/settings")
    message_id = int(page.messages[-1]["message_id"])
    await bot.press(FORUM, f"set:{FORUM}:subs", message_id, user_id=GROUP_ADMIN)
    await bot.press(FORUM, _button(bot, message_id, "+ Business"), message_id, user_id=GROUP_ADMIN)
    await bot.press(FORUM, f"setv:{FORUM}:digest:0800", message_id, user_id=GROUP_ADMIN)
    async with bot.store.read() as s:
        rows = await list_subscriptions(s, FORUM, every_thread=True)
    assert _threads(page) == [news]
    assert "Subscriptions: World" in page.text and "Sports" not in page.text
    # The page's buttons add to the topic; the digest is the whole group's.
    assert sorted((r.thread_id or 0, r.value, r.mode) for r in rows) == [
        (0, "sports", "digest"),
        (news, "business", "digest"),
        (news, "world", "digest"),
    ]
