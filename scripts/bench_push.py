"""Push fan-out speed against the fake Bot API, beside a bare httpx loop in the same run.

Three measurements:

* fan-out of one story to N subscribers (default 50,000) with the rate limit lifted: messages/s
  and CPU ms per message of bot.push.sender.Sender (claiming, rendering, PTB, recording outcomes in
  SQLite), beside a bare ``httpx.AsyncClient`` loop posting the same sendMessage calls with the
  same concurrency to the same server;
* PUSH_RATE=30 (``--rate``) against the fake enforcing Telegram's limits (time-scaled when the
  rate is above Telegram's 30/s, so that it is legal):
  the achieved rate, measured at the server, beside the 85% of it the budget plans, and the
  number of 429s (each request stamped when it left, as in the tests);
* queueing one story that matches 100,000 subscriptions (news.delivery.queue.route_stored), beside a
  plain INSERT ... SELECT of every chat into the outbox.

The fake server runs in a child process, so the CPU figures are the sender's alone.

Example:
    .venv/bin/python scripts/bench_push.py --chats 50000
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import multiprocessing.connection
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.budget.limits import HEADROOM
from bot.push.sender import PushConfig, Sender
from storage import DeliveryState, Store, open_store
from storage.deliveries import count_by_state
from tests.factories import add_article, add_chats
from tests.fakes import DEFAULT_TOKEN, FakeTelegramAPI
from tests.fakes.telegram_http import sent_at_hooks
from tests.push_helpers import T0

CONCURRENCY = 8
TITLE = "Flooding Closes Karachi Port As Monsoon Rains Continue"


# --- the fake server, in a child process ------------------------------------------------------


def _serve(conn: multiprocessing.connection.Connection, enforce: bool, scale: float) -> None:
    """Child process: run the fake Bot API and answer (command,) tuples on ``conn``."""

    async def main() -> None:
        async with FakeTelegramAPI(enforce_limits=enforce, time_scale=scale) as fake:
            conn.send(fake.base_url)
            loop = asyncio.get_running_loop()
            while True:
                command = await loop.run_in_executor(None, conn.recv)
                if command == "stats":
                    arrivals = [c.timestamp for c in fake.calls if c.method == "sendMessage"]
                    conn.send(
                        {
                            "accepted": len(fake.sent("sendMessage")),
                            "arrived": len(arrivals),
                            "first": min(arrivals, default=0.0),
                            "last": max(arrivals, default=0.0),
                            "rate_limited": fake.rate_limited_count,
                        }
                    )
                elif command == "reset":
                    fake.clear()
                    fake.state.chats.clear()
                    fake.flood.reset()
                    conn.send("ok")
                else:
                    conn.send("bye")
                    return

    asyncio.run(main())


class FakeServer:
    """The fake Bot API in a child process."""

    def __init__(self, *, enforce: bool = False, scale: float = 1.0) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child, enforce, scale), daemon=True)
        self._process.start()
        self.base_url: str = self._conn.recv()

    def ask(self, command: str) -> Any:
        """Send a command and return the answer."""
        self._conn.send(command)
        return self._conn.recv()

    def close(self) -> None:
        """Stop the child."""
        self.ask("stop")
        self._process.join(10)


# --- the runs ---------------------------------------------------------------------------------


@dataclass
class Run:
    """One timed run."""

    label: str
    messages: int
    seconds: float
    cpu: float

    @property
    def rate(self) -> float:
        """Messages a second."""
        return self.messages / self.seconds

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per message."""
        return self.cpu * 1000 / self.messages


def _payload(chat_id: int) -> dict[str, str]:
    """The form fields PTB posts for one pushed story (same text, buttons and options)."""
    return {
        "chat_id": str(chat_id),
        "text": f"<b>{TITLE}</b>\n<i>Source A · World</i>\n\n{TITLE}\n\n/read 1",
        "parse_mode": "HTML",
        "reply_markup": '{"inline_keyboard": [[{"text": "Read the full story", '
        '"callback_data": "open:1"}]]}',
        "link_preview_options": '{"is_disabled": true}',
    }


async def bare_httpx(base_url: str, chats: int) -> Run:
    """POST sendMessage to every chat from CONCURRENCY workers sharing one AsyncClient."""
    queue = iter(range(1, chats + 1))
    url = f"{base_url}{DEFAULT_TOKEN}/sendMessage"
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=15.0) as client:

        async def worker() -> None:
            for chat_id in queue:
                response = await client.post(url, data=_payload(chat_id))
                response.raise_for_status()
                response.json()

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return Run(
            "bare httpx loop", chats, time.perf_counter() - started, time.process_time() - cpu
        )


async def _store_with_chats(folder: Path, name: str, chats: int) -> Store:
    store = await open_store(f"sqlite+aiosqlite:///{folder / name}")
    for start in range(1, chats + 1, 20_000):
        chunk = range(start, min(start + 20_000, chats + 1))
        await add_chats(store, chunk, subscribed_at=datetime.now(UTC) - timedelta(days=1))
    return store


SEND_STAMPS: list[float] = []  # when each sendMessage of the current run left


class StampedBot(Bot):
    """A Bot that notes when each sendMessage leaves, to tell the sender's own spacing from
    bunching at the server (a busy fake answers in bursts)."""

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        """Note the time, then send."""
        SEND_STAMPS.append(time.monotonic())
        return await super().send_message(*args, **kwargs)


def most_in_window(stamps: list[float], window: float) -> int:
    """The largest number of stamps within any ``window`` seconds."""
    ordered, first, best = sorted(stamps), 0, 0
    for last, stamp in enumerate(ordered):
        while ordered[first] <= stamp - window:
            first += 1
        best = max(best, last - first + 1)
    return best


async def sender_run(base_url: str, store: Store, chats: int, config: PushConfig) -> Run:
    """Queue one story for every chat and let the Sender push it; timed until all recorded."""
    await add_article(store, TITLE, published_at=datetime.now(UTC), push=True)
    bot = StampedBot(
        DEFAULT_TOKEN,
        base_url=base_url,
        # Stamped when sent, as the tests' clients are (tests/fakes/telegram_http.py): the fake,
        # time-scaled 8x, judges each send by when it left, not when its busy loop read it.
        request=HTTPXRequest(
            connection_pool_size=CONCURRENCY,
            read_timeout=15.0,
            httpx_kwargs={"event_hooks": sent_at_hooks()},
        ),
    )
    SEND_STAMPS.clear()
    async with bot:
        sender = Sender(bot, store, config)
        stop = asyncio.Event()
        started, cpu = time.perf_counter(), time.process_time()
        task = asyncio.create_task(sender.run(stop))
        while sender.sent + sender.failed < chats:  # noqa: ASYNC110 - polls a plain counter
            await asyncio.sleep(0.02)
        stop.set()
        await task
        run = Run("khabar Sender", chats, time.perf_counter() - started, time.process_time() - cpu)
    async with store.read() as session:
        states = await count_by_state(session)
    if states[DeliveryState.SENT] != chats:
        raise SystemExit(f"bench_push: expected {chats} sent, got {states}")
    return run


async def queue_run(folder: Path, subscribers: int) -> tuple[float, float, int]:
    """Seconds to queue one story for ``subscribers`` chats, beside a bare INSERT ... SELECT."""
    store = await _store_with_chats(folder, "queue.db", subscribers)
    try:
        # Some keyword subscriptions and mutes, so matching has work to do.
        since = datetime.now(UTC) - timedelta(days=1)
        await add_chats(
            store, range(-2000, 0), topics=(), keywords=["karachi port"], subscribed_at=since
        )
        await add_chats(store, range(-4000, -2000), mutes=["monsoon"], subscribed_at=since)
        started = time.perf_counter()
        stored = await add_article(store, TITLE, published_at=datetime.now(UTC), push=True)
        ours = time.perf_counter() - started
        # The baseline queues a story nobody follows for every chat, matching nothing.
        other = await add_article(
            store, "Telescope Finds Comet Near Jupiter", topic="science", published_at=T0, push=True
        )
        async with store.write() as session:
            queued = (
                await session.execute(
                    text("SELECT count(*) FROM deliveries WHERE story_id = :s"),
                    {"s": stored.story_id},
                )
            ).scalar_one()
            started = time.perf_counter()
            await session.execute(
                text(
                    "INSERT INTO deliveries (chat_id, story_id, article_id, state, attempts,"
                    " created_at, due_at, updated_at) SELECT id, :s, :a, 'skipped', 0,"
                    " :t, :t, :t FROM chats WHERE id > 0 ON CONFLICT DO NOTHING"
                ),
                {"s": other.story_id, "a": other.article_id, "t": "2026-01-01 00:00:00"},
            )
        plain = time.perf_counter() - started
    finally:
        await store.close()
    return ours, plain, int(queued)


async def main_async(args: argparse.Namespace) -> int:
    """Run every measurement and print the table."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"fan-out to {args.chats} chats, {CONCURRENCY} requests in flight", flush=True)
        server = FakeServer()
        try:
            store = await _store_with_chats(folder, "fanout.db", args.chats)
            baseline = await bare_httpx(server.base_url, args.chats)
            server.ask("reset")
            config = PushConfig(rate=math.inf, concurrency=CONCURRENCY, idle_poll=0.05)
            ours = await sender_run(server.base_url, store, args.chats, config)
            await store.close()
        finally:
            server.close()

        # Telegram's own 30/s in real time by default; a faster rate shrinks the fake's windows
        # so it is legal, and with them the stall of the event loop that bunches sends enough to
        # break a window (the budget's 15% headroom is 0.15 s of a real second).
        scale = max(1.0, args.rate / 30.0)
        server = FakeServer(enforce=True, scale=scale)
        try:
            store = await _store_with_chats(folder, "paced.db", args.paced)
            paced_config = PushConfig(
                rate=args.rate,
                private_interval=1.0 / scale,
                group_interval=3.1 / scale,
                idle_poll=0.05,
            )
            await sender_run(server.base_url, store, args.paced, paced_config)
            await store.close()
            stats = server.ask("stats")
        finally:
            server.close()
        achieved = (stats["arrived"] - 1) / (stats["last"] - stats["first"])

        queued_s, plain_s, queued = await queue_run(folder, args.subscribers)

    planned = args.rate * HEADROOM  # the budget plans its slots at 85% of the rate
    window = 1.0 / scale
    allowed = 30  # the fake's overall limit: 30 in any (1 s / scale)
    most = most_in_window(SEND_STAMPS, window)
    rows = [
        ("fan-out messages/s (rate limit lifted)", ours.rate, baseline.rate, ".0f"),
        ("fan-out CPU ms per message", ours.cpu_ms, baseline.cpu_ms, ".3f"),
        (f"PUSH_RATE={args.rate:g}: achieved messages/s", achieved, planned, ".1f"),
        (f"PUSH_RATE={args.rate:g}: most sends in {window:g} s", most, allowed, ".0f"),
        (f"queue one story for {queued} chats, s", queued_s, plain_s, ".3f"),
    ]
    print()
    print(f"{'measurement':<44} {'value':>10} {'baseline':>10} {'ratio':>7}")
    for label, value, base, fmt in rows:
        print(f"{label:<44} {value:>10{fmt}} {base:>10{fmt}} {value / base:>7.2f}")
    print(f"{f'PUSH_RATE={args.rate:g}: 429 answers':<44} {stats['rate_limited']:>10d}")
    print()
    print(
        "baselines: a bare httpx loop with the same concurrency; the rate the budget plans"
        " (85% of the rate asked for, bot.budget.limits.HEADROOM); what the"
        " fake allows in that window; a plain INSERT ... SELECT of every chat"
    )
    goal_ok = (
        ours.rate / baseline.rate >= 0.5
        and abs(achieved / planned - 1) <= 0.03
        and stats["rate_limited"] == 0
        and queued_s < 2.0
    )
    verdict = "met" if goal_ok else "NOT met"
    print(
        "goals (>= 0.5 of httpx, within 3% of the planned rate, no 429s, queueing < 2 s):"
        f" {verdict}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chats", type=int, default=50_000, help="fan-out size, rate limit lifted")
    parser.add_argument("--paced", type=int, default=600, help="messages in the paced run")
    parser.add_argument("--rate", type=float, default=30.0, help="PUSH_RATE of the paced run")
    parser.add_argument("--subscribers", type=int, default=100_000, help="matches when queueing")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
