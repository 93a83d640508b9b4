"""End to end: an admin's /addfeed reads the feed once, from a local server, for its title,
language and topic, as `khabar feeds add` does; what the admin gives wins."""

from __future__ import annotations

import pytest

from bot.config import Settings
from storage.feeds import list_feeds
from tests.bot_harness import ADMIN_ID, BotHarness, make_settings
from tests.fakes import FakeTelegramAPI
from tests.httpserver import LocalServer
from tests.pipeline_helpers import rss

pytest_plugins = ["tests.bot_harness"]

URDU_ITEMS = [
    {
        "title": "کراچی میں بارش سے سڑکیں زیر آب",
        "link": "https://misaal.example/1",
        "body": "شہر میں رات بھر بارش ہوتی رہی اور کئی علاقوں میں پانی جمع ہو گیا۔",
    },
    {
        "title": "لاہور میں ٹریفک کا نیا منصوبہ",
        "link": "https://misaal.example/2",
        "body": "ضلعی انتظامیہ نے شہر کی بڑی سڑکوں پر ٹریفک کا نیا نظام متعارف کرایا ہے۔",
    },
]


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str) -> Settings:
    """Feeds on this machine's loopback readable (FETCH_ALLOW_PRIVATE)."""
    return make_settings(fake_api, database_url, fetch_allow_private=True)


async def test_addfeed_reads_the_feeds_title_and_language(
    bot: BotHarness, server: LocalServer
) -> None:
    server.add_bytes("/urdu.xml", rss("روزنامہ مثال", URDU_ITEMS, language="ur"))
    url = server.url("/urdu.xml")

    added = await bot.send(ADMIN_ID, f"/addfeed {url}")
    again = await bot.send(ADMIN_ID, f"/addfeed {url} sports en")
    async with bot.store.read() as session:
        (feed,) = await list_feeds(session)

    assert added.text.startswith("Feed added: روزنامہ مثال (اردو, ")
    assert again.text == "That feed is already on the list."
    assert (feed.url, feed.title, feed.language) == (url, "روزنامہ مثال", "ur")


async def test_what_the_admin_gives_wins(bot: BotHarness, server: LocalServer) -> None:
    server.add_bytes("/urdu.xml", rss("روزنامہ مثال", URDU_ITEMS, language="ur"))

    added = await bot.send(ADMIN_ID, f"/addfeed {server.url('/urdu.xml')} کھیل")
    async with bot.store.read() as session:
        (feed,) = await list_feeds(session)

    assert added.text == "Feed added: روزنامہ مثال (اردو, Sports)."
    assert (feed.language, feed.topic) == ("ur", "sports")


async def test_a_sites_page_adds_the_feed_it_names(bot: BotHarness, server: LocalServer) -> None:
    page = b'<!doctype html><html><head><link rel="alternate" href="/feeds/ur.xml" type="application/rss+xml"></head></html>'
    server.add_bytes("/", page, content_type="text/html")
    server.add_bytes("/feeds/ur.xml", rss("روزنامہ مثال", URDU_ITEMS, language="ur"))

    added = await bot.send(ADMIN_ID, f"/addfeed {server.url('/')}")
    async with bot.store.read() as session:
        (feed,) = await list_feeds(session)

    assert added.text.startswith("Feed added: روزنامہ مثال (اردو, ")
    assert feed.url == server.url("/feeds/ur.xml")
