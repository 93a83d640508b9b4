"""`python scripts/bench_bot.py`: update-to-reply time of /latest, /read and /search beside plain sqlite3.

A fresh SQLite store (in a temporary directory) gets 100,000 generated articles in English and
Urdu through bulk SQLAlchemy Core inserts; inserting into ``articles`` fires the FTS5 triggers,
so the search index fills as it goes. The production Application (``build_application``) then
answers commands through the console transport (``ConsoleBotAPI``: no HTTP), and each command's
time runs from the raw update to the moment its reply reaches the transport. Right after each
command the SQL it ran is replayed with the standard library's ``sqlite3`` on the same file
(``scripts/botbench.py``); the bot's overhead is the difference, by wall and by CPU time
(goal: p50 < 3 ms, p99 < 10 ms). /search draws from a hundred names a language: each row is
split into the searches whose query is new to the run (the model embeds it) and those asked
before (its vector is kept, as for a popular name or a next page).

The rate limiter is left out (as in the console): its 30 messages/s pacing would be measured
instead of the bot. Options: ``--articles N``, ``--runs N``, ``--keep DIR`` (keep the database;
a database kept there before is used again, not generated anew).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.botbench import (  # noqa: E402
    Bench,
    Pair,
    article_row,
    bench_services,
    print_table,
    split_repeats,
    time_commands,
)
from storage import Article, Store  # noqa: E402
from storage.articles import count_articles  # noqa: E402

BATCH = 5000
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
            article_row(
                i,
                title=title,
                text=body,
                lead=sentences[0],
                language="ur" if urdu else "en",
                topic=TOPICS[i % len(TOPICS)],
                published_at=now - timedelta(seconds=(total - i) * 30),
                fetched_at=now,
            )
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


async def run(articles: int, runs: int, directory: Path) -> int:
    """Generate the store, warm it, time each command beside its replay and print the table."""
    path = directory / "bench_bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    now = datetime.now(UTC)
    async with bench_services(url) as services:
        async with services.store.read() as session:
            stored = await count_articles(session)
        if stored != articles:
            seconds = await generate(services.store, articles, now)
            print(f"generated {articles:,} articles (FTS included) in {seconds:.1f} s", flush=True)
        rows = await time_commands(
            services, url, functools.partial(_measure_all, articles=articles, runs=runs)
        )
    met = print_table(rows)
    return 0 if met else 1


async def _measure_all(bench: Bench, articles: int, runs: int) -> dict[str, Pair]:
    rng = random.Random(3)
    await bench.warm(("/latest", "/search rain", "/read 1"))
    reads = [f"/read {i}" for i in rng.sample(range(1, articles + 1), min(runs, articles))]
    cold = await bench.measure("en", reads)
    en_names = [f"/search {rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}" for _ in range(runs)]
    # Typed with the Arabic kaf, as some keyboards do; the fold makes it match Urdu text.
    ur_names = [
        f"/search {rng.choice(UR_FIRST)} {rng.choice(UR_LAST)}".replace("ک", "ك")
        for _ in range(runs)
    ]
    rows = {
        "/latest": await bench.measure("en", ["/latest"] * runs),
        "/latest کھیل (ur)": await bench.measure("ur", ["/latest کھیل"] * runs),
        "/read <id>": await bench.measure("en", reads),
        "/read <id>, summary not cached": cold,
    }
    # A hundred names a language: about two in three searches repeat one asked before, whose
    # vector is kept; a query never asked before runs the model. Each kind gets its own row.
    seen = {"/search rain"}  # warmed
    for name, language, texts in (
        ("/search <name>", "en", en_names),
        ("/search <name> (ur, Arabic kaf)", "ur", ur_names),
    ):
        first, again = split_repeats(texts, await bench.measure(language, texts), seen)
        rows[f"{name}, new"] = first
        rows[f"{name}, again"] = again
    return rows


def main() -> int:
    """Parse the options and run the benchmark in a temporary directory (or --keep DIR)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="directory to keep the database in")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return asyncio.run(run(args.articles, args.runs, args.keep))
    with tempfile.TemporaryDirectory(prefix="khabar-bench-bot-") as tmp:
        return asyncio.run(run(args.articles, args.runs, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
