"""How the sender handles Telegram's answers: 403 and "chat not found", 429 for one chat or for
everyone, refused HTML, network errors and timeouts, a group that became a supergroup."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import select

from bot.push.sender import PushConfig, Sender
from storage import Chat, Delivery, DeliveryState, Store, Subscription
from storage.chats import reactivate_chat
from tests.factories import add_article, add_chats, add_subscription
from tests.fakes import FakeTelegramAPI
from tests.push_helpers import T0, Clock, push_bot, running_clock, sent_counts

FAST = PushConfig(rate=200.0, private_interval=0.0, group_interval=0.0, idle_poll=0.05)
TITLES = [
    "Flooding Closes Karachi Port As Monsoon Rains Continue",
    "Senate Passes Budget After Marathon Session In Islamabad",
    "Lahore Metro Extension Opens To Passengers On Monday",
]


async def _deliveries(store: Store) -> dict[int, tuple[str, str | None, int]]:
    """chat id -> (state, last_error, attempts) of its only delivery."""
    async with store.read() as s:
        rows = await s.execute(
            select(Delivery.chat_id, Delivery.state, Delivery.last_error, Delivery.attempts)
        )
        return {chat: (state, error, attempts) for chat, state, error, attempts in rows.all()}


@pytest.mark.parametrize(
    ("gone", "reason"),
    [
        pytest.param("block", "Forbidden: bot was blocked by the user", id="blocked"),
        pytest.param("kick", "Forbidden: bot was kicked from the group chat", id="kicked"),
        pytest.param("delete_chat", "Chat not found", id="chat-not-found"),
    ],
)
async def test_a_chat_that_is_gone_is_deactivated_and_keeps_its_subscriptions(
    store: Store, gone: str, reason: str
) -> None:
    chat = -42 if gone == "kick" else 42
    await add_chats(store, [1, 2, chat])
    clock = Clock()
    await add_article(store, TITLES[0], published_at=T0, push=True)
    async with FakeTelegramAPI() as fake:
        getattr(fake, gone)(chat)
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, FAST, clock=clock)
            assert await sender.drain_once() == 3
            # A second story is never queued for the inactive chat.
            await add_article(
                store, TITLES[1], now=clock.advance(minutes=1), published_at=T0, push=True
            )
            assert await sender.drain_once() == 2
            assert sent_counts(fake) == {1: 2, 2: 2}
            # /start from the chat reactivates it (bot.chatprefs): new stories reach it again.
            fake.restore_chat(chat)
            async with store.write() as s:
                await reactivate_chat(s, chat)
            await add_article(
                store, TITLES[2], now=clock.advance(minutes=1), published_at=T0, push=True
            )
            assert await sender.drain_once() == 3
    async with store.read() as s:
        row = await s.get(Chat, chat)
        subs = (
            await s.execute(select(Subscription.value).where(Subscription.chat_id == chat))
        ).all()
        states = (
            await s.execute(
                select(Delivery.state, Delivery.last_error)
                .where(Delivery.chat_id == chat)
                .order_by(Delivery.id)
            )
        ).all()
    assert row is not None and row.active
    assert [v for (v,) in subs] == ["world"]
    assert states == [(DeliveryState.FAILED, reason), (DeliveryState.SENT, None)]
    assert sent_counts(fake)[chat] == 1


async def test_gone_chats_other_queued_deliveries_are_skipped(store: Store) -> None:
    await add_chats(store, [7])
    await add_subscription(store, 7, "sports", mode="digest", digest_time=20 * 60)
    await add_article(store, TITLES[0], published_at=T0, push=True)
    await add_article(
        store, TITLES[1], topic="sports", published_at=T0, push=True
    )  # waits for the 20:00 digest
    async with FakeTelegramAPI() as fake:
        fake.block(7)
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, FAST, clock=Clock())
            await sender.drain_once()
    async with store.read() as s:
        rows = (await s.execute(select(Delivery.state).order_by(Delivery.id))).scalars().all()
    assert rows == [DeliveryState.FAILED, DeliveryState.SKIPPED]


async def test_a_429_for_one_chat_delays_only_that_chat(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await add_chats(store, range(1, 41))
    await add_article(store, TITLES[0], published_at=T0, push=True)
    async with FakeTelegramAPI(enforce_limits=True) as fake:
        # Chat 5 just got three replies from the bot (its burst allowance): its next is a 429.
        for _ in range(3):
            fake.flood.record(5, time.monotonic())
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, PushConfig(idle_poll=0.05), clock=running_clock())
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run(stop))
            await fake.wait_for("sendMessage", 39)
            await fake.wait_for("sendMessage", 40)
            stop.set()
            await task
    assert fake.rate_limited_count == 1 and sender.rate_limited == 1
    arrived = {c.params["chat_id"]: c.timestamp for c in fake.calls if c.method == "sendMessage"}
    refused_at = min(c.timestamp for c in fake.calls if c.params.get("chat_id") == 5)
    # Telegram said "retry after 3": chat 5 waited that long, the others did not wait at all:
    # the sender held chat 5 alone and never paused every chat (which is what would delay them,
    # on a fast machine or a slow one).
    assert arrived[5] - refused_at >= 2.9
    assert not [r for r in caplog.records if "bot-wide flood limit" in r.getMessage()]
    assert sent_counts(fake) == dict.fromkeys(range(1, 41), 1)


async def test_429s_from_several_chats_pause_every_chat(store: Store) -> None:
    await add_chats(store, range(1, 31))
    await add_article(store, TITLES[0], published_at=T0, push=True)
    async with FakeTelegramAPI() as fake:
        fake.fail_next("sendMessage", 429, count=3, retry_after=1)
        bot = push_bot(fake)
        async with bot:
            sender = Sender(
                bot,
                store,
                # One send at a time: no send is in flight when the second refusal comes back,
                # however slowly this machine answers.
                PushConfig(rate=100.0, concurrency=1, idle_poll=0.05),
                clock=running_clock(),
            )
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run(stop))
            await fake.wait_for("sendMessage", 30, timeout=10)
            stop.set()
            await task
    sends = [c for c in fake.calls if c.method == "sendMessage"]
    refused = sends[:3]
    # The bot-wide limit: once two chats were refused, nobody got anything for a second.
    assert min(c.timestamp for c in sends[2:]) - refused[1].timestamp >= 0.95
    assert sender.rate_limited == 3
    assert sent_counts(fake) == dict.fromkeys(range(1, 31), 1)


async def test_html_telegram_refuses_is_sent_once_as_plain_text(store: Store) -> None:
    await add_chats(store, [1])
    await add_article(store, TITLES[0], published_at=T0, push=True)
    async with FakeTelegramAPI() as fake:
        fake.fail_next(
            "sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag"
        )
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, FAST, clock=running_clock())
            await sender.drain_once()
    [message] = fake.sent("sendMessage")
    assert "parse_mode" not in message and "<b>" not in message["text"]
    assert message["text"].startswith(TITLES[0])
    state, note, _ = (await _deliveries(store))[1]
    assert state == DeliveryState.SENT
    assert note == "sent as plain text: Can't parse entities: unsupported start tag"
    assert sender.plain_text == 1


async def test_network_errors_are_retried_with_backoff_then_fail(store: Store) -> None:
    await add_chats(store, [1, 2])
    await add_article(store, TITLES[0], published_at=T0, push=True)
    clock = Clock()
    config = PushConfig(rate=200.0, private_interval=0.0, max_attempts=3, backoff=2.0)
    async with FakeTelegramAPI() as fake:
        fake.fail_next("sendMessage", 502, "Bad Gateway", count=5)
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, config, clock=clock)
            assert await sender.drain_once() == 2  # both refused; due again in 2 s
            assert await sender.drain_once() == 0
            clock.advance(seconds=2)
            assert await sender.drain_once() == 2  # refused again; due in 4 s
            clock.advance(seconds=3)
            assert await sender.drain_once() == 0
            clock.advance(seconds=1)
            assert await sender.drain_once() == 2  # one more 502, then accepted
    rows = await _deliveries(store)
    assert sorted(rows.values()) == [
        (DeliveryState.FAILED, "network: Bad Gateway", 3),
        (DeliveryState.SENT, None, 3),
    ]
    assert len(fake.sent("sendMessage")) == 1


async def test_a_timed_out_send_is_retried_and_may_arrive_twice(store: Store) -> None:
    await add_chats(store, [1])
    await add_article(store, TITLES[0], published_at=T0, push=True)
    clock = Clock()
    async with FakeTelegramAPI() as fake:
        fake.delay("sendMessage", 0.6)
        bot = push_bot(fake, read_timeout=0.3)
        async with bot:
            sender = Sender(bot, store, FAST, clock=clock)
            await sender.drain_once()
            assert (await _deliveries(store))[1][0] == DeliveryState.QUEUED
            await fake.wait_for("sendMessage", 1)  # Telegram did get the first one
            fake.delay("sendMessage", 0)
            clock.advance(seconds=2)
            await sender.drain_once()
    # At-least-once: the outcome of a timeout is unknown, so it is sent again (and recorded).
    assert (await _deliveries(store))[1] == (DeliveryState.SENT, None, 2)
    assert sent_counts(fake) == {1: 2}


async def test_a_group_that_became_a_supergroup_gets_it_at_its_new_id(store: Store) -> None:
    await add_chats(store, [-5, 1])
    await add_article(store, TITLES[0], published_at=T0, push=True)
    async with FakeTelegramAPI() as fake:
        fake.migrate(-5, -1005)
        bot = push_bot(fake)
        async with bot:
            sender = Sender(bot, store, FAST, clock=running_clock())
            await sender.drain_once()
            await sender.drain_once()
    assert sent_counts(fake) == {-1005: 1, 1: 1}
    async with store.read() as s:
        chat = await s.get(Chat, -1005)
        subs = (await s.execute(select(Subscription.chat_id))).scalars().all()
    assert chat is not None and chat.type == "supergroup"
    assert sorted(subs) == [-1005, 1]
    assert (await _deliveries(store))[-1005][:2] == (DeliveryState.SENT, None)
