"""Timing commands through the real Application, each beside a replay of the SQL it ran.

Shared by ``scripts/bench_bot.py`` (100,000 articles) and ``scripts/scale_bench.py`` (a million).
Each command goes from a raw update through ``build_application``'s handlers to the console
transport (``ConsoleBotAPI``: no HTTP, no rate limiter). Every statement the handler sends to the
database is recorded (SQLAlchemy's ``before_cursor_execute``) and, right after the command, the
same statements are replayed through the bare driver (``sqlite3`` on the same file, ``asyncpg``
on the same PostgreSQL database): that replay is the baseline, measured interleaved with the bot
so load from other processes hits both alike. The bot's overhead is, per pair, bot minus replay,
by wall time and by CPU time of this process (``time.process_time``: the event loop and the
aiosqlite thread together); p50 and p99 are taken over those differences.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update

from bot.app import build_application
from bot.config import load_settings
from bot.console.request import ConsoleBotAPI, ConsoleMessage
from bot.services import KhabarApp, Services
from bot.wiring import open_services
from scripts.benchstats import percentile
from storage.chats import ensure_chat
from storage.textnorm import normalize_for_search

__all__ = [
    "GOAL_P50_MS",
    "GOAL_P99_MS",
    "Bench",
    "BotDriver",
    "Pair",
    "Replay",
    "SqlLog",
    "article_row",
    "bench_services",
    "measure",
    "open_replay",
    "print_table",
    "split_repeats",
    "time_commands",
]

GOAL_P50_MS = 3.0
GOAL_P99_MS = 10.0
CHATS = 500  # per language; see BotDriver
_READS = ("select", "with", "set", "pragma")

Statement = tuple[str, Any]


@asynccontextmanager
async def bench_services(database_url: str) -> AsyncIterator[Services]:
    """The bot's services on ``database_url``, configured for a bench run (no Telegram token,
    extractive summaries, chats' settings kept in memory for the whole run)."""
    settings = load_settings(
        telegram_bot_token=None,
        database_url=database_url,
        summary_backend="extractive",
        default_language="en",
        chat_cache_seconds=3600,  # the run is longer than CHAT_CACHE_SECONDS; warm() fills it
    )
    async with open_services(settings) as services:
        yield services


def article_row(
    i: int,
    *,
    title: str,
    text: str,
    lead: str,
    language: str,
    topic: str,
    published_at: datetime,
    fetched_at: datetime,
) -> dict[str, object]:
    """Generated article ``i`` as an ``articles`` row for a bulk insert, with its folded copies
    (inserting it fires the FTS5 triggers on SQLite)."""
    return {
        "id": i,
        "canonical_url": f"https://bench.example/{i}",
        "url": f"https://bench.example/{i}",
        "source": f"Source {i % 40}",
        "title": title,
        "text": text,
        "lead": lead,
        "language": language,
        "topic": topic,
        "published_at": published_at,
        "fetched_at": fetched_at,
        "content_hash": f"bench{i}",
        "simhash": 0,
        "search_title": normalize_for_search(title),
        "search_text": normalize_for_search(text),
    }


class SqlLog:
    """Every statement the engine sends while ``take`` is not called (reads only are replayed)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: list[Statement] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, sql: str, params: Any, *_: Any) -> None:
        self.statements.append((sql, params))

    def take(self) -> list[Statement]:
        """The statements recorded since the last call."""
        taken, self.statements = self.statements, []
        return taken


class Replay:
    """Runs recorded statements through the bare driver: the baseline of one command."""

    def __init__(self, sqlite_path: Path | None, pg: Any = None) -> None:
        self._db = sqlite3.connect(sqlite_path) if sqlite_path else None
        self._pg = pg

    async def run(self, statements: Sequence[Statement]) -> None:
        """Execute each read statement and fetch all its rows."""
        reads = [(s, p) for s, p in statements if s.lstrip().lower().startswith(_READS)]
        if self._db is not None:
            self._db.execute("BEGIN")
            for sql, params in reads:
                self._db.execute(sql, params or ()).fetchall()
            self._db.execute("ROLLBACK")
            return
        async with self._pg.transaction():
            for sql, params in reads:
                await self._pg.fetch(sql, *(params or ()))

    async def close(self) -> None:
        """Close the driver's connection."""
        if self._db is not None:
            self._db.close()
        if self._pg is not None:
            await self._pg.close()


async def open_replay(database_url: str) -> Replay:
    """A replay connection to the store at ``database_url`` (SQLite file or PostgreSQL)."""
    if database_url.startswith("sqlite"):
        return Replay(Path(database_url.split("///", 1)[1]))
    import asyncpg  # type: ignore[import-untyped]

    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    return Replay(None, await asyncpg.connect(dsn))


@dataclass
class Pair:
    """The times of one command and of its replay: wall and CPU seconds, and its statements."""

    bot_wall: list[float] = field(default_factory=list)
    bot_cpu: list[float] = field(default_factory=list)
    base_wall: list[float] = field(default_factory=list)
    base_cpu: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)


class BotDriver:
    """Feeds raw updates to the Application and times each until its reply reaches the transport.

    Updates come from ``chats`` chats in turn, registered beforehand, so the per-chat command
    limit (20 a minute) never answers instead of the handler.
    """

    def __init__(self, app: KhabarApp, chat_ids: range, language: str) -> None:
        self.app = app
        self.chat_ids = chat_ids
        self.language = language
        self.replied = (0.0, 0.0)
        self._ids = count(1_000_000 * chat_ids.start)
        self._turn = count()

    def show(self, message: ConsoleMessage) -> None:
        """Called by ConsoleBotAPI for every message the bot sends to one of these chats."""
        self.replied = (time.perf_counter(), time.process_time())

    def raw_update(self, text: str) -> dict[str, Any]:
        """A user's command as Telegram sends it."""
        chat_id = self.chat_ids[next(self._turn) % len(self.chat_ids)]
        command = text.split(maxsplit=1)[0]
        user = {"id": chat_id, "is_bot": False, "first_name": "Bench"}
        user["language_code"] = self.language
        return {
            "update_id": next(self._ids),
            "message": {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Bench"},
                "from": user,
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            },
        }

    async def time(self, text: str) -> tuple[float, float]:
        """Wall and CPU seconds from the raw update to the reply."""
        raw = json.loads(json.dumps(self.raw_update(text)))
        self.replied = (0.0, 0.0)
        wall, cpu = time.perf_counter(), time.process_time()
        await self.app.process_update(Update.de_json(raw, self.app.bot))
        if not self.replied[0]:
            raise RuntimeError(f"bench: no reply to {text!r}")
        return self.replied[0] - wall, self.replied[1] - cpu


async def measure(driver: BotDriver, log: SqlLog, replay: Replay, texts: Sequence[str]) -> Pair:
    """Each command, then at once the replay of the SQL it ran."""
    pair = Pair()
    for text in texts:
        log.take()
        wall, cpu = await driver.time(text)
        statements = log.take()
        pair.bot_wall.append(wall)
        pair.bot_cpu.append(cpu)
        pair.statements.append(len(statements))
        started, started_cpu = time.perf_counter(), time.process_time()
        await replay.run(statements)
        pair.base_wall.append(time.perf_counter() - started)
        pair.base_cpu.append(time.process_time() - started_cpu)
    return pair


def print_table(rows: dict[str, Pair], *, goals: bool = True) -> bool:
    """One line per command: bot and replay p50 (wall), overhead p50/p99 by wall and by CPU.

    Returns whether every command met the goals (p50 < 3 ms, p99 < 10 ms, by wall and CPU)."""
    print("\nms from the raw update to the reply; n: runs")
    header = (
        f"{'command':40} {'n':>4} {'bot p50':>8} {'sql p50':>8} {'stmts':>5} "
        f"{'wall +p50':>9} {'wall +p99':>9} {'cpu +p50':>9} {'cpu +p99':>9}"
    )
    print(header)
    print("-" * len(header))
    met = True
    for name, pair in rows.items():
        wall = [(b - s) * 1000 for b, s in zip(pair.bot_wall, pair.base_wall, strict=True)]
        cpu = [(b - s) * 1000 for b, s in zip(pair.bot_cpu, pair.base_cpu, strict=True)]
        figures = tuple(percentile(ms, q) for ms in (wall, cpu) for q in (0.5, 0.99))
        ok = all(f < g for f, g in zip(figures, (GOAL_P50_MS, GOAL_P99_MS) * 2, strict=True))
        judged = goals and "not cached" not in name
        mark = (" ok" if ok else " over goal") if judged else ""
        met &= ok or not judged
        print(
            f"{name:40} {len(pair.bot_wall):4} {percentile(pair.bot_wall, 0.5) * 1000:8.2f}"
            f" {percentile(pair.base_wall, 0.5) * 1000:8.2f} "
            f"{statistics.median(pair.statements):5.0f} "
            + " ".join(f"{f:9.2f}" for f in figures)
            + mark
        )
    print(
        f"\n+p50/+p99: the bot's overhead, per command minus the replay of its SQL run right after"
        f" it; goal p50 < {GOAL_P50_MS:.0f} ms, p99 < {GOAL_P99_MS:.0f} ms (uncached summaries excluded)"
    )
    return met


@dataclass
class Bench:
    """The drivers of one run (an English and an Urdu chat set), the SQL log and the replay."""

    drivers: dict[str, BotDriver]
    log: SqlLog
    replay: Replay

    async def warm(self, texts: Iterable[str]) -> None:
        """Send each command once from each language, then the first from every chat: code
        paths and caches warm up, each chat's settings kept in memory as a returning user's."""
        texts = list(texts)
        for driver in self.drivers.values():
            for text in texts:
                await driver.time(text)
            for _ in driver.chat_ids:
                await driver.time(texts[0])

    async def measure(self, language: str, texts: Sequence[str]) -> Pair:
        """Each command from a chat of ``language``, beside the replay of its SQL."""
        return await measure(self.drivers[language], self.log, self.replay, texts)


def split_repeats(texts: Sequence[str], pair: Pair, seen: set[str]) -> tuple[Pair, Pair]:
    """``pair`` (the times of ``texts``) as two: the commands not in ``seen`` before (added as
    they come) and those sent again, e.g. a /search whose query vector is kept."""
    first, again = Pair(), Pair()
    for i, text in enumerate(texts):
        into = again if text in seen else first
        seen.add(text)
        for name in ("bot_wall", "bot_cpu", "base_wall", "base_cpu", "statements"):
            getattr(into, name).append(getattr(pair, name)[i])
    return first, again


async def _register(services: Services, chats: range, language: str) -> None:
    """Register the bench chats (as their first /start would)."""
    async with services.store.write() as session:
        for chat_id in chats:
            await ensure_chat(
                session, chat_id, type="private", language=language, timezone="Asia/Karachi"
            )


async def time_commands(
    services: Services,
    url: str,
    plan: Callable[[Bench], Awaitable[dict[str, Pair]]],
    first_chat: int = 10_000_000,
) -> dict[str, Pair]:
    """Run ``plan`` against the Application built on ``services`` (chats from ``first_chat``)."""
    drivers: dict[str, BotDriver] = {}

    def show(message: ConsoleMessage) -> None:
        for driver in drivers.values():
            if message.chat_id in driver.chat_ids:
                driver.show(message)

    app = build_application(
        services, request=ConsoleBotAPI(show), with_updater=False, rate_limiter=False
    )
    for n, language in enumerate(("en", "ur")):
        chats = range(first_chat + n * CHATS, first_chat + (n + 1) * CHATS)
        await _register(services, chats, language)
        drivers[language] = BotDriver(app, chats, language)
    replay = await open_replay(url)
    try:
        async with app:
            await app.start()
            # As bot.runner does after start-up: what exists now is never walked again by the
            # collector (without it, a full collection mid-run took 190 ms).
            gc.collect()
            gc.freeze()
            try:
                return await plan(Bench(drivers, SqlLog(services.store.engine), replay))
            finally:
                await app.stop()
    finally:
        await replay.close()
