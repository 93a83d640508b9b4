"""`python scripts/bench_bot.py`: update-to-reply time of /latest, /read and /search beside plain sqlite3.

A fresh SQLite store (in a temporary directory) gets 100,000 generated articles in English and
Urdu through bulk SQLAlchemy Core inserts; inserting into ``articles`` fires the FTS5 triggers,
so the search index fills as it goes. The production Application (``build_application``) then
answers commands through the console transport (``ConsoleBotAPI``: no HTTP), and each command's
time runs from the raw update to the moment its reply reaches the transport. Beside it, in the
same run and on the same file, the same SQL the handler runs is timed with the standard
library's ``sqlite3``. The bot's own overhead is the difference of the medians (goal: < 5 ms).

The rate limiter is left out (as in the console): its 30 messages/s pacing would be measured
instead of the bot. Options: ``--articles N``, ``--runs N``, ``--keep DIR`` (keep the database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import insert

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from telegram import Update  # noqa: E402

from bot.app import build_application  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.console.request import ConsoleBotAPI, ConsoleMessage  # noqa: E402
from bot.services import KhabarApp  # noqa: E402
from bot.wiring import open_services  # noqa: E402
from storage import Article, Store  # noqa: E402
from storage.chats import ensure_chat  # noqa: E402
from storage.textnorm import normalize_for_search  # noqa: E402

BATCH = 5000
CHATS = 500  # per language; see BotDriver
GOAL_MS = 5.0
TOPICS = ("world", "pakistan", "business", "sports", "technology", "science", "health")
EN_WORDS = ["government", "minister", "flood", "rain", "election", "court", "cricket", "market", "prices", "power", "school", "hospital", "bridge", "road", "city", "province", "police", "budget", "talks", "border", "trade", "oil", "gas", "wheat", "farmers", "students", "teachers", "doctors", "bank", "loan", "inflation", "rupee", "energy", "solar", "water", "dam", "river", "port", "airport"]  # fmt: skip
UR_WORDS = ["حکومت", "وزیر", "سیلاب", "بارش", "انتخابات", "عدالت", "کرکٹ", "مارکیٹ", "قیمتیں", "بجلی", "اسکول", "ہسپتال", "پل", "سڑک", "شہر", "صوبہ", "پولیس", "بجٹ", "مذاکرات", "سرحد", "تجارت", "تیل", "گیس", "گندم", "کسان", "طلبہ", "اساتذہ", "ڈاکٹر", "بینک", "قرض", "مہنگائی", "روپیہ"]  # fmt: skip
# People in the news: ten first and ten last names, so each full name is in about 1% of articles.
EN_FIRST = [
    "Ayesha",
    "Bilal",
    "Farhan",
    "Hina",
    "Imran",
    "Kamran",
    "Maryam",
    "Nadia",
    "Saad",
    "Zainab",
]
EN_LAST = [
    "Siddiqui",
    "Qureshi",
    "Malik",
    "Chaudhry",
    "Butt",
    "Sheikh",
    "Mirza",
    "Baloch",
    "Khattak",
    "Abbasi",
]
UR_FIRST = ["عائشہ", "بلال", "فرحان", "حنا", "عمران", "کامران", "مریم", "نادیہ", "سعد", "زینب"]
UR_LAST = ["صدیقی", "قریشی", "ملک", "چوہدری", "بٹ", "شیخ", "مرزا", "بلوچ", "خٹک", "عباسی"]
CITIES_EN = ["Karachi", "Lahore", "Islamabad", "Quetta", "Peshawar", "Multan"]
CITIES_UR = ["کراچی", "لاہور", "اسلام\u200cآباد", "کوئٹہ", "پشاور", "ملتان"]

Row = dict[str, object]


def article_rows(start: int, n: int, total: int, now: datetime, rng: random.Random) -> list[Row]:
    """``n`` articles from id ``start``: a third in Urdu, newest last, with their folded copies."""
    rows: list[Row] = []
    for i in range(start, start + n):
        urdu = i % 3 == 0
        words, first, last, cities = (
            (UR_WORDS, UR_FIRST, UR_LAST, CITIES_UR)
            if urdu
            else (EN_WORDS, EN_FIRST, EN_LAST, CITIES_EN)
        )
        name = f"{rng.choice(first)} {rng.choice(last)}"
        title = f"{rng.choice(cities)}: {name} {' '.join(rng.sample(words, 5))}"
        sentences = [" ".join(rng.choices(words, k=12)) for _ in range(6)]
        body = (". " if not urdu else "۔ ").join(sentences) + f" {name}"
        rows.append(
            {
                "id": i,
                "canonical_url": f"https://bench.example/{i}",
                "url": f"https://bench.example/{i}",
                "source": f"Source {i % 40}",
                "title": title,
                "text": body,
                "lead": sentences[0],
                "language": "ur" if urdu else "en",
                "topic": TOPICS[i % len(TOPICS)],
                "published_at": now - timedelta(seconds=(total - i) * 30),
                "fetched_at": now,
                "content_hash": f"bench{i}",
                "simhash": 0,
                "search_title": normalize_for_search(title),
                "search_text": normalize_for_search(body),
            }
        )
    return rows


async def generate(store: Store, total: int, now: datetime) -> float:
    """Insert ``total`` articles in batches; return the seconds it took."""
    rng = random.Random(7)
    started = time.perf_counter()
    for start in range(1, total + 1, BATCH):
        rows = article_rows(start, min(BATCH, total + 1 - start), total, now, rng)
        async with store.write() as session:
            await session.execute(insert(Article), rows)
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99, in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[round(0.99 * (len(ordered) - 1))] * 1000


class BotDriver:
    """Feeds raw updates to the Application and times each until its reply reaches the transport.

    Updates come from ``CHATS`` chats in turn, registered beforehand, so the per-chat command
    limit (20 a minute) never answers instead of the handler.
    """

    def __init__(self, first_chat: int, language: str) -> None:
        self.chat_ids = range(first_chat, first_chat + CHATS)
        self.language = language
        self.replied_at = 0.0
        self._ids = count(1)
        self._turn = count()
        self.app: KhabarApp | None = None

    def show(self, message: ConsoleMessage) -> None:
        """Called by ConsoleBotAPI for every message the bot sends."""
        self.replied_at = time.perf_counter()

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

    async def time(self, text: str) -> float:
        """Seconds from the raw update to the reply."""
        assert self.app is not None
        raw = json.loads(json.dumps(self.raw_update(text)))
        self.replied_at = 0.0
        started = time.perf_counter()
        await self.app.process_update(Update.de_json(raw, self.app.bot))
        if not self.replied_at:
            raise RuntimeError(f"bench: no reply to {text!r}")
        return self.replied_at - started


def sql_baseline(path: Path) -> dict[str, Callable[[Any], None]]:
    """The SQL each handler runs, as plain sqlite3 calls (the chat row first, as chat_prefs does)."""
    db = sqlite3.connect(path, check_same_thread=False)

    def rows(sql: str, *params: object) -> None:
        db.execute(sql, params).fetchall()

    def chat(chat_id: int) -> None:
        rows("SELECT * FROM chats WHERE id = ?", chat_id)

    def latest(arg: tuple[int, str, str | None]) -> None:
        chat_id, lang, topic = arg
        chat(chat_id)
        where = "language = ?" + (" AND topic = ?" if topic else "")
        other = "ur" if lang == "en" else "en"
        for language, limit in ((lang, 11), (other, 3)):
            params: list[object] = [language, topic] if topic else [language]
            rows(
                f"SELECT * FROM articles WHERE {where} "
                "ORDER BY published_at DESC, id DESC LIMIT ? OFFSET 0",
                *params,
                limit,
            )

    def read(arg: tuple[int, int, str]) -> None:
        chat_id, article_id, lang = arg
        chat(chat_id)
        rows("SELECT * FROM articles WHERE id = ?", article_id)
        rows(
            "SELECT * FROM summaries WHERE article_id = ? AND language = ? AND backend IN (?)",
            article_id,
            lang,
            "extractive",
        )

    def search(arg: tuple[int, str]) -> None:
        chat_id, query = arg
        chat(chat_id)
        match = " ".join(f'"{w}"' for w in normalize_for_search(query).split())
        # storage.articles.search_articles: the page of ids from the index, then those rows.
        ids = [
            row[0]
            for row in db.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT 9 OFFSET 0",
                (match,),
            )
        ]
        rows(f"SELECT * FROM articles WHERE id IN ({','.join('?' * len(ids))})", *ids)

    return {"latest": latest, "read": read, "search": search}


async def measure(
    driver: BotDriver, baseline: Callable[[Any], None], cases: list[tuple[str, Any]]
) -> tuple[list[float], list[float]]:
    """Bot and baseline times for each (command, baseline argument), interleaved."""
    bot_times, sql_times = [], []
    for text, arg in cases:
        bot_times.append(await driver.time(text))
        started = time.perf_counter()
        baseline(arg)
        sql_times.append(time.perf_counter() - started)
    return bot_times, sql_times


async def run(articles: int, runs: int, directory: Path) -> int:
    """Generate the store, warm it, time each command and print the table."""
    path = directory / "bench_bot.db"
    settings = load_settings(
        telegram_bot_token=None,
        database_url=f"sqlite+aiosqlite:///{path}",
        summary_backend="extractive",
        default_language="en",
    )
    now = datetime.now(UTC)
    rng = random.Random(3)
    en, ur = BotDriver(100_000, "en"), BotDriver(200_000, "ur")
    async with open_services(settings) as services:
        seconds = await generate(services.store, articles, now)
        print(f"generated {articles:,} articles (FTS included) in {seconds:.1f} s", flush=True)
        async with services.store.write() as session:
            for driver in (en, ur):
                for chat_id in driver.chat_ids:
                    await ensure_chat(
                        session,
                        chat_id,
                        type="private",
                        language=driver.language,
                        timezone="Asia/Karachi",
                    )

        def show(message: ConsoleMessage) -> None:
            for driver in (en, ur):
                if message.chat_id in driver.chat_ids:
                    driver.show(message)

        api = ConsoleBotAPI(show)
        app = build_application(services, request=api, with_updater=False, rate_limiter=False)
        en.app = ur.app = app
        baseline = sql_baseline(path)
        read_ids = rng.sample(range(1, articles + 1), min(runs, articles))
        async with app:
            await app.start()
            try:
                rows = await _measure_all(en, ur, baseline, runs, read_ids, rng)
            finally:
                await app.stop()
    print_table(rows, runs)
    return 0


async def _measure_all(
    en: BotDriver,
    ur: BotDriver,
    baseline: dict[str, Callable[[Any], None]],
    runs: int,
    read_ids: list[int],
    rng: random.Random,
) -> dict[str, tuple[list[float], list[float]]]:
    for driver in (en, ur):  # warms caches and code paths
        for text in ("/latest", "/search rain", "/read 1"):
            await driver.time(text)
    cold_bot, cold_sql = await measure(
        en, baseline["read"], [(f"/read {i}", (101, i, "en")) for i in read_ids]
    )
    en_names = (f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}" for _ in range(runs))
    # Typed with the Arabic kaf, as some keyboards do; the fold makes it match Urdu text.
    ur_names = (
        f"{rng.choice(UR_FIRST)} {rng.choice(UR_LAST)}".replace("ک", "ك") for _ in range(runs)
    )
    return {
        "/latest": await measure(en, baseline["latest"], [("/latest", (101, "en", None))] * runs),
        "/latest کھیل (ur)": await measure(
            ur, baseline["latest"], [("/latest کھیل", (102, "ur", "sports"))] * runs
        ),
        "/read <id>": await measure(
            en, baseline["read"], [(f"/read {i}", (101, i, "en")) for i in read_ids]
        ),
        "/read <id>, summary not cached": (cold_bot, cold_sql),
        "/search <name>": await measure(
            en, baseline["search"], [(f"/search {q}", (101, q)) for q in en_names]
        ),
        "/search <name> (ur, Arabic kaf)": await measure(
            ur, baseline["search"], [(f"/search {q}", (102, q)) for q in ur_names]
        ),
    }


def print_table(rows: dict[str, tuple[list[float], list[float]]], runs: int) -> None:
    """One line per command: bot and sqlite3 p50/p99, their ratio and the bot's overhead."""
    print(f"\n{runs} runs each; times in ms, from the raw update to the reply")
    header = f"{'command':34} {'bot p50':>8} {'bot p99':>8} {'sql p50':>8} {'sql p99':>8} {'ratio':>6} {'overhead':>9}"
    print(header)
    print("-" * len(header))
    for name, (bot_times, sql_times) in rows.items():
        bot50, bot99 = percentiles(bot_times)
        sql50, sql99 = percentiles(sql_times)
        overhead = bot50 - sql50
        mark = "" if "not cached" in name else (" ok" if overhead < GOAL_MS else " over goal")
        print(
            f"{name:34} {bot50:8.2f} {bot99:8.2f} {sql50:8.2f} {sql99:8.2f} "
            f"{bot50 / sql50:6.1f} {overhead:9.2f}{mark}"
        )
    print(f"\noverhead = bot p50 - sqlite3 p50; goal < {GOAL_MS:.0f} ms (summaries excluded)")


def main() -> int:
    """Parse the options and run the benchmark in a temporary directory (or --keep DIR)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="directory to keep the database in")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "bench_bot.db").unlink(missing_ok=True)
        return asyncio.run(run(args.articles, args.runs, args.keep))
    with tempfile.TemporaryDirectory(prefix="khabar-bench-bot-") as tmp:
        return asyncio.run(run(args.articles, args.runs, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
