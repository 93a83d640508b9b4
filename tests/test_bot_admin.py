"""End to end: the admin commands /stats, /addfeed and /removefeed (ADMIN_USER_IDS, private only)."""

from __future__ import annotations

import pytest

from storage.feeds import list_feeds
from tests.bot_harness import ADMIN_ID, GROUP, PRIVATE, BotHarness
from tests.factories import add_article

pytest_plugins = ["tests.bot_harness"]

ADDFEED_USAGE = "Usage: /addfeed <feed URL> [topic] [en|ur]"
REMOVEFEED_USAGE = "Usage: /removefeed <feed URL or id>"


@pytest.mark.parametrize("command", ["/stats", "/addfeed https://a.example/feed", "/removefeed 1"])
async def test_admin_commands_refuse_other_users(bot: BotHarness, command: str) -> None:
    english = await bot.send(PRIVATE, command)
    urdu = await bot.send(PRIVATE + 1, command, language_code="ur")

    assert english.text == "Only the bot's admins can use this command."
    assert urdu.text == "یہ کمانڈ صرف بوٹ کے منتظمین استعمال کر سکتے ہیں۔"


async def test_admin_commands_only_in_private(bot: BotHarness) -> None:
    reply = await bot.send(GROUP, "/stats", user_id=ADMIN_ID)

    assert reply.text == "Please use this command in a private chat with me."


async def test_stats(bot: BotHarness) -> None:
    await add_article(bot.store, title="One")
    await add_article(bot.store, title="Two", language="ur")
    await bot.send(PRIVATE, "/subscribe sports")

    reply = await bot.send(ADMIN_ID, "/stats")

    lines = reply.text.splitlines()
    assert lines[:4] == ["Statistics", "Stories: 2", "Chats: 2/2", "Subscriptions: 1"]
    assert lines[4:] == [
        "Deliveries: queued 0, sending 0, sent 0, failed 0, skipped 0",
        "Failing feeds: 0",
    ]


async def test_stats_in_urdu(bot: BotHarness) -> None:
    await bot.send(ADMIN_ID, "/lang ur")

    reply = await bot.send(ADMIN_ID, "/stats")

    assert reply.text.splitlines()[:2] == ["اعداد و شمار", "خبریں: 0"]


async def test_addfeed_and_removefeed(bot: BotHarness) -> None:
    added = await bot.send(ADMIN_ID, "/addfeed https://jang.example/rss کھیل ur")
    again = await bot.send(ADMIN_ID, "/addfeed https://jang.example/rss")
    async with bot.store.read() as session:
        (feed,) = await list_feeds(session)
    listed = await bot.send(ADMIN_ID, "/sources")  # admins see the URL of an untitled feed
    removed = await bot.send(ADMIN_ID, f"/removefeed {feed.id}")
    missing = await bot.send(ADMIN_ID, f"/removefeed {feed.id}")

    assert added.text.splitlines() == [
        "Feed added: https://jang.example/rss",
        "It could not be read just now, so it was added as you gave it.",
    ]
    assert again.text == "That feed is already on the list."
    assert (feed.url, feed.language, feed.topic) == ("https://jang.example/rss", "ur", "sports")
    assert f"{feed.id} · https://jang.example/rss [ur]" in listed.text
    assert removed.text == "Feed removed."
    assert missing.text == "There is no such feed."


async def test_removefeed_by_url(bot: BotHarness) -> None:
    await bot.send(ADMIN_ID, "/addfeed https://dawn.example/feed en")

    removed = await bot.send(ADMIN_ID, "/removefeed https://dawn.example/feed")
    missing = await bot.send(ADMIN_ID, "/removefeed https://dawn.example/feed")

    assert (removed.text, missing.text) == ("Feed removed.", "There is no such feed.")


async def test_a_feed_that_cannot_be_read_needs_its_language(bot: BotHarness) -> None:
    unread = await bot.send(ADMIN_ID, "/addfeed https://dawn.example/feed")
    private = await bot.send(ADMIN_ID, "/addfeed http://127.0.0.1:9/feed.xml en")
    async with bot.store.read() as session:
        feeds = await list_feeds(session)

    assert unread.text == (
        "That feed could not be read just now, so its language is unknown. "
        "Give it: /addfeed <feed URL> [topic] en|ur"
    )
    assert private.text.startswith("That address is on this machine or a private network")
    assert feeds == []


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        pytest.param("/addfeed", ADDFEED_USAGE, id="addfeed-nothing"),
        pytest.param("/addfeed https://a.example/f sports en extra", ADDFEED_USAGE, id="addfeed-too-many"),
        pytest.param("/addfeed https://a.example/f weather", ADDFEED_USAGE, id="addfeed-unknown-topic"),
        pytest.param("/addfeed javascript:alert(1)", "That doesn't look like a valid http(s) feed address.", id="addfeed-javascript"),
        pytest.param("/addfeed ftp://a.example/f", "That doesn't look like a valid http(s) feed address.", id="addfeed-ftp"),
        pytest.param("/addfeed https://" + "a" * 3000 + ".example", "That doesn't look like a valid http(s) feed address.", id="addfeed-huge-url"),
        pytest.param("/removefeed", REMOVEFEED_USAGE, id="removefeed-nothing"),
        pytest.param("/removefeed abc", REMOVEFEED_USAGE, id="removefeed-word"),
        pytest.param("/removefeed 99999999999999999999", REMOVEFEED_USAGE, id="removefeed-huge-id"),
        pytest.param("/removefeed 1 2", REMOVEFEED_USAGE, id="removefeed-two"),
    ],
)  # fmt: skip
async def test_admin_bad_input(bot: BotHarness, command: str, answer: str) -> None:
    reply = await bot.send(ADMIN_ID, command)

    assert reply.text == answer
