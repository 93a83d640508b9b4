"""A chat following a feed of its own that the local server serves (a follow reads it once)."""

from __future__ import annotations

from storage.follows import list_follows
from tests.bot_harness import BotHarness, Exchange
from tests.httpserver import LocalServer
from tests.pipeline_helpers import rss

OWN_FEED = "Block Nine News"


async def follow_own_feed(
    bot: BotHarness, server: LocalServer, chat_id: int, path: str = "/own.xml"
) -> tuple[Exchange, int]:
    """The chat follows the feed at ``path`` (served empty, titled OWN_FEED, unless the test
    served it already); the bot's answer and the feed's id."""
    if not server.serves(path):
        server.add_bytes(path, rss(OWN_FEED, []))
    answer = await bot.send(chat_id, f"/follow {server.url(path)}")
    async with bot.store.read() as session:
        [feed] = await list_follows(session, chat_id)
    return answer, feed.id
