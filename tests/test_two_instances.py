"""Two real `khabar run` processes on one PostgreSQL: no feed fetched twice, no delivery sent twice."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import Delivery, Store, open_store
from storage.chats import ensure_chat
from storage.feeds import FeedIn, add_feed, record_fetch_ok
from storage.subscriptions import subscribe
from storage.types import utcnow
from tests.conftest import PG_URL, reset_postgres
from tests.fakes import DEFAULT_TOKEN, FakeTelegramAPI
from tests.httpserver import LocalServer

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs KHABAR_TEST_DATABASE_URL (PostgreSQL)")

FEEDS = 12
CHATS = 40

BODY = "Officials said on {day} that the new {thing} in {city} would open next month after years of delays and rising costs."


def _rss(n: int, base: str) -> bytes:
    city = ["Karachi", "Lahore", "Quetta", "Peshawar", "Multan", "Sukkur"][n % 6]
    thing = [
        "bridge",
        "hospital",
        "stadium",
        "library",
        "airport",
        "market",
        "school",
        "metro",
        "dam",
        "port",
        "park",
        "museum",
    ][n]
    title = f"{city} {thing} project number {n} approved by council"
    body = BODY.format(day="Monday", thing=thing, city=city)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        f"<link>{base}</link><item><title>{title}</title><link>{base}/story/{n}</link>"
        "<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate>"
        f"<description>{body}</description></item></channel></rss>"
    ).encode()


async def _states(store: Store) -> dict[str, int]:
    async with store.read() as session:
        rows = await session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return {state: n for state, n in rows.all()}


async def _messages(store: Store) -> set[tuple[int, int]]:
    async with store.read() as session:
        rows = await session.execute(
            select(Delivery.chat_id, Delivery.message_id).where(Delivery.message_id.is_not(None))
        )
        return {(chat, message) for chat, message in rows.all() if message is not None}


async def _fetched_before(url: str, feed_urls: list[str]) -> None:
    """Register the feeds as fetched once already, and due: their stories are news, not the
    backlog of a new feed (which is stored without being pushed)."""
    store = await open_store(url)
    try:
        async with store.write() as session:
            for n, feed_url in enumerate(feed_urls):
                feed, _ = await add_feed(session, FeedIn(feed_url, f"Feed {n}", "en", "pakistan"))
                await record_fetch_ok(
                    session, feed.id, next_check_at=utcnow(), etag=None, last_modified=None
                )
    finally:
        await store.close()


async def _run_instances(env: dict[str, str], count: int) -> list[asyncio.subprocess.Process]:
    return [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(count)
    ]


async def test_two_processes_share_feeds_and_the_outbox(tmp_path: Path) -> None:
    await reset_postgres(PG_URL)
    store = await open_store(PG_URL)
    async with store.write() as session:
        for chat in range(1, CHATS + 1):
            await ensure_chat(session, chat, type="private", language="en", timezone="UTC")
            await subscribe(session, chat, kind="topic", value="pakistan", display="pakistan")
    await store.close()

    async with LocalServer() as server, FakeTelegramAPI() as fake:
        lines = []
        for n in range(FEEDS):
            server.add_bytes(f"/feed{n}.xml", _rss(n, server.base_url))
            lines.append(
                f'[[feed]]\nurl = "{server.url(f"/feed{n}.xml")}"\ntitle = "Feed {n}"\n'
                'language = "en"\ntopic = "pakistan"\nfetch_pages = false\n'
            )
        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text("\n".join(lines))
        await _fetched_before(PG_URL, [server.url(f"/feed{n}.xml") for n in range(FEEDS)])
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("KHABAR_", "TELEGRAM_", "DATABASE_"))
            },
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": PG_URL,
            "KHABAR_FEEDS": str(feeds_file),
            "FETCH_ALLOW_PRIVATE": "true",
            "INGEST_INTERVAL": "3600",
            "PUSH_RATE": "200",
            "EXTRACT_WORKERS": "0",
            "LOG_LEVEL": "WARNING",
        }
        processes = await _run_instances(env, 2)
        store = await open_store(PG_URL)
        try:
            for _ in range(600):
                states = await _states(store)
                if states.get("sent", 0) >= FEEDS * CHATS:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # anything sent twice would show up now
            messages = await _messages(store)
            states = await _states(store)
        finally:
            await store.close()
            for p in processes:
                p.terminate()
            errors = [await p.communicate() for p in processes]
        feed_hits = Counter(r.path for r in server.requests if r.path.startswith("/feed"))
        sends = fake.sent("sendMessage")
    assert all(p.returncode == 0 for p in processes), [e[1].decode()[-2000:] for e in errors]
    assert sorted(feed_hits.values()) == [1] * FEEDS, "no feed fetched by both"
    assert states == {"sent": FEEDS * CHATS}, "every chat got every story"
    # Stories for one chat may share a backlog message; each message went out once.
    assert len(sends) == len(messages), "no delivery sent twice"
