"""Two real `khabar run` processes on one PostgreSQL share one send budget and one poller.

The fake Bot API answers 429 above its overall limit (a one-second sliding window). Its limit
and the bot's SEND_RATE are raised together (20x Telegram's 30 a second), so 2,000 pushes and
200 replies take seconds while the limit still binds; nothing here depends on how fast the
machine is, only that the two processes together never go over it.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import open_store
from tests.conftest import PG_URL, reset_postgres
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_flood import FloodLimits, Limit
from tests.khabar_process import clean_env

pytestmark = [
    pytest.mark.skipif(not PG_URL, reason="needs KHABAR_TEST_DATABASE_URL (PostgreSQL)"),
    # Seconds on an idle machine; a loaded one starts two bots and sends far slower, and the
    # waits return as soon as their condition holds.
    pytest.mark.timeout(600),
]

RATE = 600
CHATS = 2000
COMMANDS = 200
TITLE = "Flooding Closes Karachi Port As Monsoon Rains Continue"
WAIT = 400.0  # generous: every wait returns as soon as its condition holds


def _env(fake: FakeTelegramAPI, tmp_path: Path) -> dict[str, str]:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("")  # no feeds: this is about sending
    return clean_env(
        {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": PG_URL,
            "KHABAR_FEEDS": str(feeds),
            "SEND_RATE": str(RATE),
            "EXTRACT_WORKERS": "0",
            "INGEST_INTERVAL": "3600",
            "LOG_LEVEL": "INFO",
        }
    )


async def _start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def _stop(processes: list[asyncio.subprocess.Process]) -> list[str]:
    """SIGTERM each, and what each wrote to stderr."""
    for p in processes:
        if p.returncode is None:
            p.send_signal(signal.SIGTERM)
    outputs = [await asyncio.wait_for(p.communicate(), 30) for p in processes]
    return [err.decode() for _, err in outputs]


async def _until(condition: object, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, what
        await asyncio.sleep(0.2)


def _texts(fake: FakeTelegramAPI) -> Counter[tuple[int, str]]:
    kinds: Counter[tuple[int, str]] = Counter()
    for p in fake.sent("sendMessage"):
        text = str(p["text"])
        kinds[int(p["chat_id"]), "push" if TITLE in text else "reply"] += 1
    return kinds


async def test_two_instances_push_and_reply_within_one_budget(tmp_path: Path) -> None:
    await reset_postgres(PG_URL)
    now = datetime.now(UTC)  # the processes run on the real clock
    store = await open_store(PG_URL)
    try:
        await add_chats(store, range(1, CHATS + 1), subscribed_at=now - timedelta(days=1))
        await add_article(store, TITLE, published_at=now, push=True)
    finally:
        await store.close()
    limits = FloodLimits(overall=Limit(RATE, 1.0))
    async with FakeTelegramAPI(enforce_limits=True, limits=limits) as fake:
        env = _env(fake, tmp_path)
        processes = [await _start(env, tmp_path) for _ in range(2)]
        try:
            for chat in range(1, COMMANDS + 1):  # users who also get the push
                fake.push_text(chat, "/help")
            await _until(lambda: len(fake.sent("sendMessage")) >= CHATS + COMMANDS, "all sent")
            await asyncio.sleep(0.5)  # a second copy of anything would arrive by now
            conflicts = fake.polls.conflicts
        finally:
            errors = await _stop(processes)
    # Each process's last stats line (one a minute, and one at the stop) counts its pushes.
    sent = [int(re.findall(r"this run: sent (\d+)", err)[-1]) for err in errors]
    print(f"\ntwo instances: pushes per instance {sent}, 429s {fake.rate_limited_count}")
    assert all(p.returncode == 0 for p in processes), [e[-2000:] for e in errors]
    assert fake.rate_limited_count == 0
    assert conflicts == 0, "only one instance long-polled"
    kinds = _texts(fake)
    assert {chat for chat, kind in kinds if kind == "push"} == set(range(1, CHATS + 1))
    assert {chat for chat, kind in kinds if kind == "reply"} == set(range(1, COMMANDS + 1))
    assert set(kinds.values()) == {1}, "no message sent twice"
    assert len(sent) == 2 and sum(sent) == CHATS and min(sent) > 0, "both instances pushed"


async def test_the_other_instance_polls_when_the_poller_dies(tmp_path: Path) -> None:
    await reset_postgres(PG_URL)
    async with FakeTelegramAPI() as fake:
        env = _env(fake, tmp_path)
        first = await _start(env, tmp_path)
        second: asyncio.subprocess.Process | None = None
        try:
            fake.push_text(1, "/help")
            await _until(lambda: len(fake.sent("sendMessage", chat_id=1)) == 1, "first answers")
            second = await _start(env, tmp_path)  # starts as the one waiting
            # Up: both of its bots asked getMe (each process has two).
            await _until(lambda: sum(c.method == "getMe" for c in fake.calls) >= 4, "second up")
            first.kill()  # no goodbye: its session ends, and with it the lock
            await first.wait()
            fake.push_text(2, "/help")
            await _until(lambda: len(fake.sent("sendMessage", chat_id=2)) == 1, "second answers")
        finally:
            if first.returncode is None:
                first.kill()
                await first.wait()
            errors = await _stop([second] if second is not None else [])
    assert "this instance polls Telegram" in errors[0]
