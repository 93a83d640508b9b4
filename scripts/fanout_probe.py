"""A push fan-out in a process of its own, for `make bench-scale`'s memory figure.

`python scripts/fanout_probe.py DATABASE_URL BASE_URL SECONDS` opens the store, builds the Bot
against ``BASE_URL`` (the bench's fake Bot API) and the push sender with the rate limit lifted,
prints ``ready``, waits a second (the bench reads its idle PSS), sends for ``SECONDS`` and prints
how many messages went out. The bench process holds the generated store's data, the fake Bot
API and the search vectors; only this process is what a `khabar run` would be.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot

from bot.push.sender import PushConfig, Sender
from storage import open_store
from tests.fakes.telegram_api import DEFAULT_TOKEN


async def main(database_url: str, base_url: str, seconds: float) -> int:
    """Send for ``seconds``; print how many were sent."""
    store = await open_store(database_url)
    try:
        async with Bot(DEFAULT_TOKEN, base_url=base_url) as bot:
            sender = Sender(bot, store, PushConfig(rate=1000, private_interval=0, concurrency=64))
            print("ready", flush=True)
            await asyncio.sleep(1)
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run(stop))
            await asyncio.sleep(seconds)
            stop.set()
            await task
            print(sender.sent, flush=True)
    finally:
        await store.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]))))
