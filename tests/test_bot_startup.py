"""End to end: ``run_bot`` as ``khabar run`` calls it, against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.runner import run_bot
from bot.startup import StartupError
from tests.bot_harness import ADMIN_ID, make_settings, plain
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_objects import make_update_json
from tests.httpserver import free_port
from tests.khabar_process import run_khabar_async

pytest_plugins = ["tests.bot_harness"]

WAIT = 30.0  # generous: these tests wait on events, never on the clock


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[asyncio.Task[int]]:
    """``run_bot`` in a task until the block ends; then it must stop cleanly."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_bot(settings, stop))
    try:
        yield task
    finally:
        stop.set()
        async with asyncio.timeout(WAIT):
            await asyncio.gather(task, return_exceptions=True)
    assert task.result() == 0


def quiet_settings(
    fake: FakeTelegramAPI, database_url: str, feeds: Path, **extra: object
) -> Settings:
    """Settings for a bot that fetches nothing during the test: its feed list is ``feeds``."""
    return make_settings(
        fake,
        database_url,
        khabar_feeds=str(feeds),
        ingest_interval=3600,
        extract_workers=0,
        **extra,
    )


async def reply_to(fake: FakeTelegramAPI, chat_id: int, text: str) -> str:
    """Send ``text`` in a private chat and return the bot's next message there."""
    before = len(fake.sent("sendMessage", chat_id))
    fake.push_text(chat_id, text)
    sent = await fake.wait_for("sendMessage", before + 1, timeout=WAIT, chat_id=chat_id)
    return plain(sent[before]["text"])


async def test_empty_feed_list_runs_and_admins_can_add_feeds(
    tmp_path: Path, fake_api: FakeTelegramAPI, database_url: str
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("# no feeds yet\n", encoding="utf-8")
    settings = quiet_settings(fake_api, database_url, feeds)

    async with serving(settings):
        empty = await reply_to(fake_api, ADMIN_ID, "/sources")
        added = await reply_to(fake_api, ADMIN_ID, "/addfeed https://news.example/rss.xml world en")
        listed = await reply_to(fake_api, ADMIN_ID, "/sources")

    assert "No news sources are set up yet." in empty
    assert "https://news.example/rss.xml" in added
    assert "https://news.example/rss.xml" in listed


@contextmanager
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that something else listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


async def test_a_failure_late_in_start_up_is_raised_as_itself(
    tmp_path: Path, fake_api: FakeTelegramAPI, database_url: str
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("", encoding="utf-8")
    with busy_port() as port:
        settings = quiet_settings(
            fake_api, database_url, feeds, metrics_port=port, metrics_host="127.0.0.1"
        )
        with pytest.raises(StartupError) as caught:
            await asyncio.wait_for(run_bot(settings, asyncio.Event()), WAIT)

    assert str(caught.value).startswith(f"metrics: cannot listen on 127.0.0.1:{port}: ")
    # Updates are taken only once everything else runs: none was taken, so none is lost.
    assert "getUpdates" not in [call.method for call in fake_api.calls]


async def test_khabar_run_reports_a_start_up_failure_in_one_line(
    tmp_path: Path, fake_api: FakeTelegramAPI
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("", encoding="utf-8")
    with busy_port() as port:
        env = {
            "TELEGRAM_BOT_TOKEN": fake_api.token,
            "TELEGRAM_API_BASE_URL": fake_api.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}",
            "KHABAR_FEEDS": str(feeds),
            "METRICS_PORT": str(port),
            "METRICS_HOST": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
        result = await run_khabar_async("run", env=env, cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"khabar run: metrics: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert result.stdout == ""


# A token of the right shape that the fake Bot API does not know (it answers 401).
UNKNOWN_TOKEN = "987654321:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


def run_env(tmp_path: Path, base_url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``khabar run`` that fetches nothing and logs everything."""
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("", encoding="utf-8")
    return {
        "TELEGRAM_BOT_TOKEN": UNKNOWN_TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}",
        "KHABAR_FEEDS": str(feeds),
        "LOG_LEVEL": "DEBUG",  # the most a log can say; the token is still nowhere
        **extra,
    }


def assert_no_token(output: str) -> None:
    """Neither the token nor its secret half appears anywhere in ``output``."""
    secret = UNKNOWN_TOKEN.split(":", 1)[1]
    assert UNKNOWN_TOKEN not in output
    assert secret not in output
    assert "Traceback" not in output


async def test_a_token_telegram_rejects_stops_in_one_line(
    tmp_path: Path, fake_api: FakeTelegramAPI
) -> None:
    result = await run_khabar_async("run", env=run_env(tmp_path, fake_api.base_url), cwd=tmp_path)

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "khabar run: telegram: TELEGRAM_BOT_TOKEN was rejected by Telegram; "
        "check it, or get a new one from @BotFather"
    )
    assert_no_token(result.output)


async def test_telegram_unreachable_is_retried_then_stops_in_one_line(tmp_path: Path) -> None:
    with busy_port() as port:
        pass  # closed again: nothing listens there now, connections are refused
    env = run_env(tmp_path, f"http://127.0.0.1:{port}/bot", TELEGRAM_STARTUP_RETRY="0.5")
    result = await run_khabar_async("run", env=env, cwd=tmp_path)

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert lines[-1].startswith(
        f"khabar run: telegram: cannot reach http://127.0.0.1:{port}/bot (gave up after 2 attempts): "
    )
    retries = [line for line in lines if "retrying in" in line]
    assert len(retries) == 1, result.stderr
    assert "telegram: cannot reach the Bot API" in retries[0]
    assert_no_token(result.output)


async def post_when_listening(
    client: httpx.AsyncClient, url: str, update: dict[str, object], headers: dict[str, str]
) -> httpx.Response:
    """POST once the server accepts connections (it listens only after setWebhook)."""
    async with asyncio.timeout(WAIT):
        while True:
            try:
                return await client.post(url, json=update, headers=headers)
            except httpx.ConnectError:
                await asyncio.sleep(0.05)


async def test_webhook_without_a_configured_secret_refuses_unsigned_updates(
    tmp_path: Path, fake_api: FakeTelegramAPI, database_url: str
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("", encoding="utf-8")
    port = free_port()
    settings = quiet_settings(
        fake_api,
        database_url,
        feeds,
        webhook_url="https://bot.example.com/telegram",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_path="telegram",
    )
    url = f"http://127.0.0.1:{port}/telegram"
    header = "X-Telegram-Bot-Api-Secret-Token"

    async with serving(settings), httpx.AsyncClient(trust_env=False) as client:
        (webhook,) = await fake_api.wait_for("setWebhook", timeout=WAIT)
        secret = webhook.get("secret_token", "")
        unsigned = await post_when_listening(
            client, url, make_update_json(2001, "/start", update_id=1), {}
        )
        forged = await client.post(
            url, json=make_update_json(2002, "/start", update_id=2), headers={header: "guessed"}
        )
        signed = await client.post(
            url, json=make_update_json(2003, "/start", update_id=3), headers={header: secret}
        )
        await fake_api.wait_for("sendMessage", timeout=WAIT, chat_id=2003)

    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret), secret
    assert (unsigned.status_code, forged.status_code, signed.status_code) == (403, 403, 200)
    assert {m["chat_id"] for m in fake_api.sent("sendMessage")} == {2003}
