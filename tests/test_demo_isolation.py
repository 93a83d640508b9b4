"""The console's demo stories never reach a real chat: `khabar console`, then `khabar run` on the same
DATABASE_URL against the fake Bot API, and /latest shows only real news."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import load_settings
from bot.console.demo import (
    DEMO_URL_PREFIX,
    demo_candidates,
    import_demo_articles,
    remove_demo_articles,
)
from bot.console.terminal import console_database_url, run_console
from storage import Article, Store, Story, open_store
from tests.factories import add_article
from tests.fakes import DEFAULT_TOKEN, FakeTelegramAPI
from tests.httpserver import LocalServer

REPO = Path(__file__).resolve().parent.parent
CHAT = 4242
REAL_TITLE = "Sukkur barrage repairs finished ahead of the sowing season"
DEMO_TITLES = [c.title for c in demo_candidates()]

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Local Desk</title>'
    "<link>https://local.example/</link><item>"
    f"<title>{REAL_TITLE}</title><link>https://local.example/sukkur</link>"
    "<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate>"
    "<description>Engineers finished repairs on the Sukkur barrage gates on Monday, officials "
    "said, so canals can carry water to farms before the wheat sowing season.</description>"
    "</item></channel></rss>"
).encode()


async def _real_articles(url: str) -> int:
    store = await open_store(url)
    try:
        async with store.read() as session:
            stmt = select(func.count(Article.id)).where(Article.feed_id.is_not(None))
            return (await session.execute(stmt)).scalar_one()
    finally:
        await store.close()


async def _latest_from_khabar_run(env: dict[str, str], database_url: str) -> str:
    """Start `khabar run`, wait for the local feed's story, send /latest; the reply's text."""
    async with LocalServer() as server, FakeTelegramAPI(DEFAULT_TOKEN) as fake:
        server.add_bytes("/feed.xml", RSS)
        feeds = Path(env["HOME"]) / "feeds.toml"
        feeds.write_text(
            f'[[feed]]\nurl = "{server.url("/feed.xml")}"\ntitle = "Local Desk"\n'
            'language = "en"\ntopic = "pakistan"\nfetch_pages = false\n'
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env={
                **env,
                "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                "TELEGRAM_API_BASE_URL": fake.base_url,
                "KHABAR_FEEDS": str(feeds),
            },
            cwd=env["HOME"],
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(60):
                # Another process writes the store: there is no event to wait on, so poll it.
                while not await _real_articles(database_url):  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
            fake.push_text(CHAT, "/latest")
            (reply,) = await fake.wait_for("sendMessage", chat_id=CHAT, timeout=30)
        finally:
            process.terminate()
            _, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()[-2000:]
    return str(reply["text"])


@pytest.mark.parametrize(
    "shared",
    [
        pytest.param(False, id="console-file-of-its-own"),
        pytest.param(True, id="console-pointed-at-the-bot-database"),
    ],
)
async def test_demo_stories_never_reach_khabar_run(tmp_path: Path, shared: bool) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'khabar.db'}"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("KHABAR_", "TELEGRAM_", "DATABASE_", "CONSOLE_", "ADMIN_"))
        },
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
        "FETCH_ALLOW_PRIVATE": "true",
        "EXTRACT_WORKERS": "0",
        "LOG_LEVEL": "WARNING",
    }
    if shared:  # an operator may do this; the bot still never serves the demo set
        env["CONSOLE_DATABASE_URL"] = database_url
    settings = load_settings(
        telegram_bot_token=None,
        database_url=database_url,
        console_database_url=env.get("CONSOLE_DATABASE_URL"),
        summary_backend="extractive",
    )
    out = io.StringIO()
    await run_console(settings, stdin=io.StringIO("/latest\n/quit\n"), stdout=out, background=False)
    assert DEMO_TITLES[0] in out.getvalue()  # the console has its demo news

    latest = await _latest_from_khabar_run(env, database_url)

    assert REAL_TITLE in latest
    assert [title for title in DEMO_TITLES if title in latest] == []
    store = await open_store(database_url)
    try:
        async with store.read() as session:
            stmt = select(func.count(Article.id)).where(
                Article.canonical_url.startswith(DEMO_URL_PREFIX)
            )
            assert (await session.execute(stmt)).scalar_one() == 0
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("database_url", "console_url", "expected"),
    [
        pytest.param(
            "sqlite+aiosqlite:///./khabar.db",
            None,
            "sqlite+aiosqlite:///./khabar-console.db",
            id="sibling",
        ),
        pytest.param(
            "sqlite:////srv/data/news",
            None,
            "sqlite+aiosqlite:////srv/data/news-console",
            id="no-suffix",
        ),
        pytest.param(
            "postgresql+asyncpg://khabar:pw@db/khabar",
            None,
            "sqlite+aiosqlite:///./khabar-console.db",
            id="postgresql",
        ),
        pytest.param(
            "sqlite+aiosqlite:///./khabar.db",
            "sqlite+aiosqlite:///./try.db",
            "sqlite+aiosqlite:///./try.db",
            id="set",
        ),
    ],
)
def test_console_database_url(database_url: str, console_url: str | None, expected: str) -> None:
    settings = load_settings(database_url=database_url, console_database_url=console_url)
    assert console_database_url(settings) == expected


def test_every_demo_article_is_under_the_demo_prefix() -> None:
    assert all(c.canonical_url.startswith(DEMO_URL_PREFIX) for c in demo_candidates())


async def test_removing_the_demo_set_keeps_real_news(store: Store) -> None:
    assert await import_demo_articles(store) == len(DEMO_TITLES)
    real = await add_article(
        store,
        REAL_TITLE,
        url="https://local.example/sukkur_100%",  # LIKE wildcards must not widen the match
        topic="pakistan",
        text="Engineers finished repairs on the Sukkur barrage gates on Monday.",
        published_at=None,
        fetched_at=datetime.now(UTC),
    )

    assert await remove_demo_articles(store) == len(DEMO_TITLES)
    async with store.read() as session:
        articles = list((await session.execute(select(Article.id))).scalars())
        stories = list((await session.execute(select(Story.id))).scalars())
    assert (articles, stories) == ([real.article_id], [real.story_id])
