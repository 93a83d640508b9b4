"""One send budget per bot token: replies before pushes, every send in a slot, no reply dropped."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.budget.budget import SendBudget, counts_against_budget
from bot.budget.limits import HEADROOM, SendLimits
from bot.budget.slots import LocalSlots
from bot.budget.turns import Priority, Turns
from tests.bot_harness import PRIVATE, BotHarness
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_flood import FloodLimits, Limit
from tests.fakes.telegram_http import sent_at_hooks
from tests.push_helpers import push_bot

pytest_plugins = ["tests.bot_harness"]

RATE = 300.0  # the fake's limit and the bot's budget, raised together: 10x Telegram's


def _ext_bot(fake: FakeTelegramAPI, budget: SendBudget) -> ExtBot[Priority]:
    """A bot like the Application's, its requests stamped with their send time."""
    request = HTTPXRequest(connection_pool_size=64, httpx_kwargs={"event_hooks": sent_at_hooks()})
    return ExtBot(
        fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=request,
        rate_limiter=budget,
    )


@pytest.mark.parametrize(
    ("endpoint", "counts"),
    [
        ("sendMessage", True),
        ("editMessageText", True),
        ("answerCallbackQuery", True),
        ("getUpdates", False),
        ("getMe", False),
        ("setMyCommands", False),
    ],
)
def test_what_takes_a_slot(endpoint: str, counts: bool) -> None:
    assert counts_against_budget(endpoint) == counts


async def test_a_chat_s_slots_are_an_interval_apart_and_a_reply_may_come_one_early() -> None:
    slots = LocalSlots()
    pushes = [await slots.reserve("chat:1", 1.6) for _ in range(3)]
    assert pushes == pytest.approx([0.0, 1.6, 3.2], abs=0.05)
    replies = [await slots.reserve("chat:2", 1.6, burst=1.6) for _ in range(4)]
    # Two at once, then one each interval: never more than 3 in any 3 s (Telegram's burst).
    assert replies == pytest.approx([0.0, 0.0, 1.6, 3.2], abs=0.05)


async def test_a_reply_goes_before_every_waiting_push() -> None:
    turns = Turns()
    order: list[str] = []

    async def take(name: str, priority: Priority) -> None:
        async with turns.turn(priority):
            order.append(name)
            await asyncio.sleep(0)

    async with turns.turn(Priority.PUSH):  # held: everyone below queues
        tasks = [asyncio.create_task(take(f"push{n}", Priority.PUSH)) for n in range(3)]
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(take("reply", Priority.REPLY)))
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    assert order == ["reply", "push0", "push1", "push2"]


async def test_replies_and_pushes_together_stay_inside_the_limit() -> None:
    limits = FloodLimits(overall=Limit(int(RATE), 1.0))
    async with FakeTelegramAPI(enforce_limits=True, limits=limits) as fake:
        budget = SendBudget(SendLimits(rate=RATE))
        bot, pusher = _ext_bot(fake, budget), push_bot(fake)

        async def push(chat: int) -> None:
            # As the push sender does: a slot from the budget, then its own plain Bot.
            assert await budget.acquire(chat, Priority.PUSH)
            await pusher.send_message(chat, "news")

        async with bot, pusher:
            started = time.monotonic()
            pushes = [push(chat) for chat in range(1000, 1300)]
            replies = [bot.send_message(chat, "hello") for chat in range(1, 101)]
            await asyncio.gather(*pushes, *replies)
            elapsed = time.monotonic() - started
    assert len(fake.sent("sendMessage")) == 400
    assert fake.rate_limited_count == 0
    # Every slot at least 1 / (RATE * HEADROOM) after the one before (never faster overall).
    assert elapsed >= 399 / (RATE * HEADROOM) * 0.95


async def test_a_reply_is_sent_after_three_429s(bot: BotHarness) -> None:
    bot.expect_errors()  # the fake refuses three sends
    bot.fake.fail_next("sendMessage", 429, count=3, retry_after=1)
    exchange = await bot.send(PRIVATE, "/help")
    assert "/latest" in exchange.text
    assert exchange.methods.count("sendMessage") == 4
    assert bot.services.budget.retried == 3


async def test_a_waiter_cancelled_in_the_queue_leaves_the_turn_to_the_next() -> None:
    turns = Turns()
    order: list[str] = []

    async def take(name: str) -> None:
        async with turns.turn(Priority.PUSH):
            order.append(name)

    async with turns.turn(Priority.PUSH):
        first = asyncio.create_task(take("first"))
        second = asyncio.create_task(take("second"))
        await asyncio.sleep(0)
        first.cancel()  # and the turn is released before its task learns it
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError)
    assert order == ["second"]
    async with turns.turn(Priority.REPLY):  # free again
        pass
