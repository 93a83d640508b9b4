"""`khabar ingest` and `khabar feeds add` as an operator runs them, against a local feed server."""

from __future__ import annotations

import asyncio
import os
import pty
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from tests.pipeline_helpers import rss, unique_text
from tests.test_cli import REPO

URDU_BODY = (
    "کراچی میں کرکٹ میچ کے دوران پاکستان کی ٹیم نے شاندار کارکردگی دکھائی اور سیریز جیت لی۔ "
    "کپتان نے کھلاڑیوں کی تعریف کی۔"
)


@dataclass
class Cli:
    """Runs ``python -m bot`` against one SQLite file, with loopback feeds allowed."""

    server: LocalServer
    tmp: Path

    @property
    def db(self) -> Path:
        return self.tmp / "k.db"

    def env(self, **extra: str) -> dict[str, str]:
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "ADMIN_", "DATABASE_", "KHABAR_", "LOG_", "FETCH_"))
        }
        base.update(
            DATABASE_URL=f"sqlite+aiosqlite:///{self.db}",
            KHABAR_FEEDS=str(self.tmp / "feeds.toml"),
            FETCH_ALLOW_PRIVATE="true",
            PYTHONPATH=str(REPO),
        )
        base.update(extra)
        return base

    async def run(self, *args: str, stderr: int | None = None, **env: str) -> tuple[int, str, str]:
        """Run khabar ARGS; return (exit status, stdout, stderr)."""
        feeds = self.tmp / "feeds.toml"
        if not feeds.exists():  # KHABAR_FEEDS must name a readable file; an empty one is valid
            feeds.write_text("", encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=self.tmp,
            env=self.env(**env),
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr if stderr is not None else asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(120):
            out, err = await process.communicate()
        assert process.returncode is not None
        return process.returncode, out.decode(), (err or b"").decode()

    def write_feeds(self, *paths: str) -> None:
        entries = [
            f'[[feed]]\nurl = "{self.server.url(p)}"\ntitle = "{p}"\nlanguage = "en"\n'
            'topic = "world"\nfetch_pages = false\n'
            for p in paths
        ]
        (self.tmp / "feeds.toml").write_text("\n".join(entries))

    def feeds(self) -> list[tuple[str, str, str | None, str]]:
        with sqlite3.connect(self.db) as db:
            rows = db.execute("SELECT url, language, topic, title FROM feeds ORDER BY id")
            return [tuple(row) for row in rows]


@pytest.fixture
async def cli(tmp_path: Path) -> AsyncIterator[Cli]:
    async with LocalServer() as server:
        yield Cli(server, tmp_path)


def item(server: LocalServer, n: int) -> dict[str, str]:
    return {
        "title": f"Relief package number {n} announced for flood families",
        "link": server.url(f"/a/{n}"),
        "body": unique_text("item", n),
    }


async def test_ingest_force_fetches_every_feed_now(cli: Cli) -> None:
    server = cli.server
    server.add_bytes("/ok.xml", rss("Ok", [item(server, 1)]))
    server.add_status("/down.xml", 503)
    cli.write_feeds("/ok.xml", "/down.xml")
    status, out, err = await cli.run("ingest", "--once")
    assert status == 0, err
    assert "failed 1" in out

    # Not due yet (the good one waits its interval, the failing one backs off): nothing fetched.
    await cli.run("ingest", "--once")
    assert (len(server.requests_to("/ok.xml")), len(server.requests_to("/down.xml"))) == (1, 1)

    status, out, err = await cli.run("ingest", "--once", "--force")
    assert status == 0, err
    assert (len(server.requests_to("/ok.xml")), len(server.requests_to("/down.xml"))) == (2, 2)


async def test_ingest_on_a_terminal_shows_progress_and_keeps_article_lines_at_debug(
    cli: Cli,
) -> None:
    server = cli.server
    server.add_bytes("/one.xml", rss("One", [item(server, 1), item(server, 2)]))
    server.add_bytes("/two.xml", rss("Two", [item(server, 3)]))
    cli.write_feeds("/one.xml", "/two.xml")
    master, slave = pty.openpty()
    try:
        status, out, _ = await cli.run("ingest", "--once", stderr=slave, LOG_LEVEL="INFO")
        os.close(slave)
        terminal = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed and everything was read
                break
            if not chunk:
                break
            terminal += chunk
    finally:
        os.close(master)
    screen = terminal.decode()
    assert status == 0, screen
    assert "new articles 3" in out
    assert "2/2 feeds" in screen  # the progress bar
    info_lines = [line for line in screen.splitlines() if " INFO " in line]
    assert len(info_lines) == 1 and "ingest: feeds ok 2" in info_lines[0], screen

    # The per-article lines are still there for whoever asks for them.
    server.add_bytes("/two.xml", rss("Two", [item(server, 4), item(server, 3)]))
    _, _, err = await cli.run("ingest", "--once", "--force", LOG_LEVEL="DEBUG")
    assert "DEBUG news.delivery.queue: outbox: story" in err


async def test_feeds_add_detects_language_and_topic_from_the_feed(cli: Cli) -> None:
    server = cli.server
    items = [
        {
            "title": f"پاکستان نے کرکٹ سیریز کا میچ نمبر {n} جیت لیا",
            "link": server.url(f"/ur/{n}"),
            "body": URDU_BODY,
        }
        for n in range(4)
    ]
    server.add_bytes("/urdu-sport.xml", rss("کھیلوں کی خبریں", items, language="ur"))
    status, out, err = await cli.run("feeds", "add", server.url("/urdu-sport.xml"))
    assert status == 0, err
    assert cli.feeds() == [(server.url("/urdu-sport.xml"), "ur", "sports", "کھیلوں کی خبریں")]
    assert "ur" in out and "sports" in out


async def test_feeds_add_takes_language_and_topic_as_given(cli: Cli) -> None:
    server = cli.server
    server.add_bytes("/mixed.xml", rss("Desk", [item(server, 1)]))
    status, _, err = await cli.run(
        "feeds", "add", server.url("/mixed.xml"), "--language", "ur", "--topic", "business"
    )
    assert status == 0, err
    assert cli.feeds() == [(server.url("/mixed.xml"), "ur", "business", "Desk")]


async def test_feeds_add_says_what_blocks_a_local_feed(cli: Cli) -> None:
    cli.server.add_bytes("/local.xml", rss("Local", [item(cli.server, 1)]))
    status, _, err = await cli.run(
        "feeds", "add", cli.server.url("/local.xml"), FETCH_ALLOW_PRIVATE="false"
    )
    assert status == 1
    assert "FETCH_ALLOW_PRIVATE" in err and len(err.strip().splitlines()) == 1
    assert cli.feeds() == []


def test_readme_tells_how_to_add_a_local_feed() -> None:
    readme = (REPO / "README.md").read_text()
    line = next(line for line in readme.splitlines() if "khabar feeds add http://127.0.0.1" in line)
    assert "FETCH_ALLOW_PRIVATE=true" in line
