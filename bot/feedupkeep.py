"""Own sources' upkeep: a followed feed failing for days is dropped and its followers told; feeds
no chat follows any more are removed (so nothing fetches them)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import TelegramError

from bot.budget.turns import Priority
from bot.handlers.follow import feed_name
from bot.i18n import t
from bot.render.timefmt import format_number
from bot.services import Services
from storage.errors import StorageError
from storage.feeds import remove_feed
from storage.follows import failing_followed_feeds, feed_followers, remove_unfollowed_feeds

__all__ = ["FAILING_DAYS", "UPKEEP_INTERVAL", "drop_failing_feeds", "run_upkeep"]

log = logging.getLogger(__name__)

FAILING_DAYS = 3  # without one good fetch: a feed that moved or died, not a bad afternoon
UPKEEP_INTERVAL = 3600.0


async def drop_failing_feeds(services: Services, bot: Bot, now: datetime) -> int:
    """Drop the followed feeds that have failed since ``FAILING_DAYS`` before ``now``, telling
    each follower; return how many were dropped."""
    since = now - timedelta(days=FAILING_DAYS)
    told: list[tuple[str, int, int | None, str]] = []
    async with services.store.write() as session:
        failing = await failing_followed_feeds(session, since)
        for feed in failing:
            followers = await feed_followers(session, feed.id, now)
            told += [(feed_name(feed), f.chat_id, f.thread_id, f.language) for f in followers]
            await remove_feed(session, feed.id)  # its follows go with it (ON DELETE CASCADE)
            log.warning("follow: dropped feed %s (%s): %s", feed.id, feed.url, feed.last_error)
        await remove_unfollowed_feeds(session)
    for name, chat_id, thread_id, lang in told:
        text = t(lang, "follow.dropped", feed=name, days=format_number(FAILING_DAYS, lang))
        try:
            # The push bot has no rate limiter of its own: take a slot as every push does.
            await services.budget.acquire(chat_id, Priority.PUSH)
            await bot.send_message(chat_id, text, message_thread_id=thread_id)
        except TelegramError as exc:  # blocked or gone: the push sender deals with that chat
            log.info("follow: cannot tell chat %s of a dropped feed: %s", chat_id, exc)
    return len(failing)


async def run_upkeep(services: Services, bot: Bot, stop: asyncio.Event) -> None:
    """Run ``drop_failing_feeds`` every hour until ``stop`` is set."""
    while not stop.is_set():
        try:
            await drop_failing_feeds(services, bot, services.clock())
        except StorageError as exc:
            log.warning("follow: upkeep failed, trying again in an hour: %s", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), UPKEEP_INTERVAL)
