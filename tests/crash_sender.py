"""A push sender in a process of its own, for the crash test (tests/test_push_crash.py).

Wired the way ``khabar start`` wires it (bot.wiring's open_services and push_bot_for, then
bot.background.Background), without polling or ingestion. Settings come from the environment:
TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL (the fake Bot API), DATABASE_URL, PUSH_RATE,
PUSH_LEASE. SIGTERM stops it the way the bot stops: sends in flight finish, the rest stays queued.

Example:
    DATABASE_URL=sqlite+aiosqlite:///k.db TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot \\
        TELEGRAM_BOT_TOKEN=123456:TEST-fake-token-0123456789abcdefghi .venv/bin/python tests/crash_sender.py
"""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.background import Background
from bot.config import load_settings
from bot.wiring import open_services, push_bot_for


async def run() -> int:
    """Push until SIGTERM; print a line when sending starts and when it stopped."""
    settings = load_settings()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with open_services(settings) as services:
        push_bot = push_bot_for(settings)
        async with push_bot:
            background = Background(services, push_bot, ingest=False)
            await background.start()
            print("crash_sender: sending", flush=True)
            await stop.wait()
            await background.stop()
            sender = background.sender
            print(f"crash_sender: stopped after {sender.sent} sends", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
