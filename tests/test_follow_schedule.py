"""End to end: the articles of a feed a chat follows wait for the chat's digest and quiet
hours as its topic stories do (news.delivery.policy decides both), whichever came first, the
follow or the setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.config import Settings
from news.delivery.schedule import next_local_time
from storage import Delivery
from tests.bot_harness import PRIVATE, BotHarness, make_settings
from tests.factories import add_article
from tests.fakes import FakeTelegramAPI
from tests.following import follow_own_feed
from tests.httpserver import LocalServer

pytest_plugins = ["tests.bot_harness"]

CHAT = PRIVATE
ZONE = "Asia/Karachi"  # the harness's default timezone
DIGEST = 8 * 60
HEADLINE = "Water supply cut in Block Nine"


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str) -> Settings:
    """Feeds on this machine's loopback may be followed (as FETCH_ALLOW_PRIVATE allows)."""
    return make_settings(fake_api, database_url, fetch_allow_private=True)


async def _follow(bot: BotHarness, server: LocalServer, answer: list[str] | None = None) -> int:
    """The chat follows a feed; its id (and the bot's answer, in ``answer``)."""
    done, feed_id = await follow_own_feed(bot, server, CHAT)
    if answer is not None:
        answer.append(done.text)
    return feed_id


async def _due(bot: BotHarness) -> datetime:
    """When the chat's one delivery is due."""
    async with bot.store.read() as session:
        stmt = select(Delivery.due_at).where(Delivery.chat_id == CHAT)
        [due] = (await session.execute(stmt)).scalars()
    return due


async def _due_of_a_new_article(bot: BotHarness, feed_id: int, now: datetime) -> datetime:
    """When the followed feed's new article is due to the chat (one delivery)."""
    await add_article(bot.store, HEADLINE, feed_id=feed_id, push=True, now=now)
    return await _due(bot)


async def _quiet_around(bot: BotHarness, now: datetime) -> int:
    """Quiet hours from an hour before ``now`` to two after; their end (minutes, local)."""
    local = now.astimezone(ZoneInfo(ZONE))
    start, end = (local - timedelta(hours=1)), (local + timedelta(hours=2))
    await bot.send(CHAT, f"/quiet {start:%H:%M}-{end:%H:%M}")
    return end.hour * 60 + end.minute


def _now() -> datetime:
    """After the follow was made (follows count from when they were made)."""
    return datetime.now(UTC) + timedelta(minutes=1)


@pytest.mark.parametrize(
    "digest_first", [True, False], ids=["digest-then-follow", "follow-then-digest"]
)
async def test_a_followed_feed_waits_for_the_chats_digest(
    bot: BotHarness, server: LocalServer, digest_first: bool
) -> None:
    await bot.send(CHAT, "/subscribe world")
    if digest_first:
        await bot.send(CHAT, "/digest 08:00")
    answer: list[str] = []
    feed_id = await _follow(bot, server, answer)
    if not digest_first:
        await bot.send(CHAT, "/digest 08:00")
    now = _now()

    assert await _due_of_a_new_article(bot, feed_id, now) == next_local_time(now, DIGEST, ZONE)
    said_digest = answer[0].endswith("\nDelivery: one digest a day at 08:00.")
    assert said_digest is digest_first


async def test_a_followed_feed_waits_for_the_end_of_quiet_hours(
    bot: BotHarness, server: LocalServer
) -> None:
    feed_id = await _follow(bot, server)
    now = _now()
    end = await _quiet_around(bot, now)

    due = await _due_of_a_new_article(bot, feed_id, now)

    assert due == next_local_time(now, end, ZONE)


async def test_a_breaking_story_does_not_take_a_followed_feeds_digest_through_quiet_hours(
    bot: BotHarness, server: LocalServer
) -> None:
    feed_id = await _follow(bot, server)
    now = _now()
    await _quiet_around(bot, now)
    digest = await bot.send(CHAT, "/digest 08:00")
    due = await _due_of_a_new_article(bot, feed_id, now)
    for source in ("Wire One", "Wire Two"):  # three sources within the hour: breaking
        await add_article(bot.store, HEADLINE, source=source, push=True, now=now)

    assert digest.text.startswith("Your subscription now comes in one digest a day")
    assert due == await _due(bot) == next_local_time(now, DIGEST, ZONE)
