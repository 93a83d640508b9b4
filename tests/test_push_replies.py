"""Replies to commands never wait behind pushes: the sender has its own Bot and connections,
and takes its slots from the budget the replies use only after every waiting reply, so the bot
answers a command in the middle of a fan-out at once."""

from __future__ import annotations

import asyncio
import time

from bot.push.sender import PushConfig, Sender
from tests.bot_harness import PRIVATE, BotHarness
from tests.factories import add_article, add_chats
from tests.push_helpers import T0, push_bot, running_clock

pytest_plugins = ["tests.bot_harness"]

CHATS = 500  # 20 s of pushes at the default 25 a second


async def test_a_command_is_answered_during_a_fan_out(bot: BotHarness) -> None:
    await add_chats(bot.store, range(1, CHATS + 1))
    await add_article(
        bot.store,
        "Flooding Closes Karachi Port As Monsoon Rains Continue",
        published_at=T0,
        push=True,
    )
    pusher = push_bot(bot.fake)
    async with pusher:
        sender = Sender(
            pusher,
            bot.store,
            PushConfig(idle_poll=0.05),
            clock=running_clock(),
            budget=bot.services.budget,  # one budget: the fan-out uses all of it
        )
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop))
        await bot.fake.wait_for("sendMessage", 10)
        started = time.monotonic()
        exchange = await bot.send(PRIVATE, "/help")
        answered_in = time.monotonic() - started
        stop.set()
        await task
    print(f"\n/help answered in {answered_in * 1000:.0f} ms with {sender.sent} pushes sent so far")
    assert "/latest" in exchange.text
    # Measured on the fan-out's own clock, its paced sends (25 a second), so that a slow machine
    # slows both alike: fewer than a second's worth went out while /help waited for its answer.
    pushes = [
        c for c in exchange.calls if c.method == "sendMessage" and c.params["chat_id"] != PRIVATE
    ]
    assert len(pushes) < 25
    assert sender.sent < CHATS // 2  # the fan-out was far from done
