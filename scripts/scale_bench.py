"""`make bench-scale`: a million articles and 100,000 chats, then the bot's queries, memory and fan-out.

Figures are printed beside their goals. Articles belong to stories as the pipeline would make
them (about two in three start one, the rest join a recent one). /latest, /read and /search go
through the bot (scripts/botbench.py), each beside a replay of its SQL by the bare driver.
DATABASE_URL selects the database (a fresh SQLite file under bench-results/ by default;
PostgreSQL is emptied first). BENCH_ARTICLES and BENCH_CHATS shrink the run; BENCH_REUSE=1 keeps
a store generated before.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.services import Services  # noqa: E402
from news.delivery.policy import DeliveryPolicy  # noqa: E402
from news.delivery.queue import queue_new_story  # noqa: E402
from news.embeddings.backend import E5Backend, Embedder, load_embedder  # noqa: E402
from news.embeddings.crosssearch import search_both_languages  # noqa: E402
from news.embeddings.nearest import RecentVectors  # noqa: E402
from news.embeddings.service import Embeddings  # noqa: E402
from news.embeddings.vectors import DIM  # noqa: E402
from news.pipeline import Pipeline  # noqa: E402
from news.stories.candidate import build_candidate  # noqa: E402
from news.stories.store import Stored  # noqa: E402
from scripts.benchproc import tree_pss_mib  # noqa: E402
from scripts.benchstats import percentile  # noqa: E402
from scripts.botbench import (  # noqa: E402
    Bench,
    Pair,
    article_row,
    bench_services,
    print_table,
    split_repeats,
    time_commands,
)
from scripts.scalestories import StoryMaker  # noqa: E402
from storage import Article, Chat, Store, Story, Subscription  # noqa: E402
from storage.articles import count_articles  # noqa: E402
from storage.models import ArticleEmbedding  # noqa: E402
from tests.fakes import FakeTelegramAPI  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "1000000"))
CHATS = int(os.environ.get("BENCH_CHATS", "100000"))
BATCH = 5000
TOPICS = ["world", "pakistan", "business", "sports", "technology", "science", "health", "entertainment"]  # fmt: skip
EN_WORDS = ["government", "minister", "flood", "rain", "election", "court", "cricket", "market", "prices", "power", "school", "hospital", "bridge", "road", "city", "province", "police", "budget", "talks", "border", "trade", "oil", "gas", "wheat", "farmers", "students", "teachers", "doctors", "bank", "loan", "inflation", "rupee", "dollar", "energy", "solar", "water", "dam", "river", "port", "airport"]  # fmt: skip
UR_WORDS = ["حکومت", "وزیر", "سیلاب", "بارش", "انتخابات", "عدالت", "کرکٹ", "مارکیٹ", "قیمتیں", "بجلی", "اسکول", "ہسپتال", "پل", "سڑک", "شہر", "صوبہ", "پولیس", "بجٹ", "مذاکرات", "سرحد", "تجارت", "تیل", "گیس", "گندم", "کسان", "طلبہ", "اساتذہ", "ڈاکٹر", "بینک", "قرض", "مہنگائی", "روپیہ"]  # fmt: skip
CITIES_EN = ["Karachi", "Lahore", "Islamabad", "Quetta", "Peshawar", "Multan"]
CITIES_UR = ["کراچی", "لاہور", "اسلام آباد", "کوئٹہ", "پشاور", "ملتان"]


def rss_mb() -> float:
    """PSS of this process and its descendants, in MiB: what the process tree costs (shared
    pages split between the processes that map them)."""
    return tree_pss_mib(os.getpid())


def _fresh_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _file_size(path: Path | None) -> int:
    if path is None:
        return 0
    files = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
    return sum(f.stat().st_size for f in files if f.exists())


def _article_rows(
    start: int, count: int, now: datetime, rng: random.Random, maker: StoryMaker
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """``count`` articles from id ``start``, and the rows of the stories they start."""
    rows: list[dict[str, object]] = []
    stories: list[dict[str, object]] = []
    for i in range(start, start + count):
        urdu = i % 3 == 0
        words, cities = (UR_WORDS, CITIES_UR) if urdu else (EN_WORDS, CITIES_EN)
        title = " ".join([rng.choice(cities), *rng.sample(words, 6)])
        body = " ".join(rng.choices(words, k=60)) + f" {rng.choice(cities)} ref{i}"
        row = article_row(
            i,
            title=title,
            text=body,
            lead=body[:200],
            language="ur" if urdu else "en",
            topic=TOPICS[i % len(TOPICS)],
            published_at=now - timedelta(seconds=(ARTICLES - i) * 5),
            fetched_at=now,
        )
        maker.assign(row, stories)
        rows.append(row)
    return rows, stories


async def generate(store: Store, now: datetime) -> float:
    """Fill the store; return the seconds it took."""
    rng = random.Random(7)
    maker = StoryMaker(rng)
    started = time.perf_counter()
    for start in range(1, ARTICLES + 1, BATCH):
        rows, stories = _article_rows(start, min(BATCH, ARTICLES + 1 - start), now, rng, maker)
        async with store.write() as session:
            await session.execute(insert(Story), stories)
            await session.execute(insert(Article), rows)
        if start % 100_000 == 1:
            print(f"  articles: {start + len(rows) - 1:,}", flush=True)
    async with store.write() as session:
        await session.execute(
            text(
                "UPDATE stories SET article_count = (SELECT count(*) FROM articles"
                " WHERE articles.story_id = stories.id)"
            )
        )
    for start in range(1, CHATS + 1, BATCH):
        ids = range(start, min(start + BATCH, CHATS + 1))
        async with store.write() as session:
            await session.execute(
                insert(Chat),
                [
                    {
                        "id": c,
                        "type": "private",
                        "language": "en",
                        "timezone": "Asia/Karachi",
                        "active": True,
                        "created_at": now - timedelta(days=1),
                        "updated_at": now,
                    }
                    for c in ids
                ],
            )
            await session.execute(
                insert(Subscription),
                [
                    {
                        "chat_id": c,
                        "kind": "topic",
                        "value": "pakistan",
                        "display": "pakistan",
                        "mode": "instant",
                        "created_at": now - timedelta(days=1),
                    }
                    for c in ids
                ]
                + [
                    {
                        "chat_id": c,
                        "kind": "keyword",
                        "value": "imran khan",
                        "display": "Imran Khan",
                        "mode": "instant",
                        "created_at": now - timedelta(days=1),
                    }
                    for c in ids
                    if c % 10 == 0
                ],
            )
    return time.perf_counter() - started


async def add_vectors(store: Store) -> None:
    """A random int8 vector for every article, as if each had been embedded (the model would
    take hours for a million); /search's nearest-neighbour path costs the same on them. A store
    reused (BENCH_REUSE=1) keeps those of its first run."""
    async with store.read() as session:
        stored = await session.scalar(
            select(func.count()).where(ArticleEmbedding.article_id <= ARTICLES)
        )
    if stored and stored >= ARTICLES:
        return
    rng = np.random.default_rng(5)
    scale = np.array([1 / 127 / 19.6], dtype="<f4").tobytes()  # a unit vector's typical peak
    for start in range(1, ARTICLES + 1, BATCH):
        ids = range(start, min(start + BATCH, ARTICLES + 1))
        rows = rng.integers(-127, 128, size=(len(ids), DIM), dtype=np.int8)
        async with store.write() as session:
            await session.execute(
                insert(ArticleEmbedding),
                [
                    {"article_id": i, "model": E5Backend.name, "vector": scale + row.tobytes()}
                    for i, row in zip(ids, rows, strict=True)
                ],
            )


async def timed(n: int, call: object) -> tuple[float, float]:
    """p50/p99 of ``n`` awaits of ``call()``, in milliseconds."""
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await call()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000


async def _search_both_languages(
    store: Store, embedder: Embedder, now: datetime, rng: random.Random
) -> tuple[str, float, float, str]:
    """/search with embeddings: the query embedded, the 30-day window's sign codes ranked,
    fused with full text; the vectors' load time and memory printed."""
    await add_vectors(store)
    embeddings = Embeddings(embedder)
    vectors = RecentVectors(store, embeddings)
    before, started = rss_mb(), time.perf_counter()
    await vectors.refresh(now)
    print(
        f"  search index: {len(vectors):,} recent vectors loaded in"
        f" {time.perf_counter() - started:.1f} s, {rss_mb() - before:.0f} MB",
        flush=True,
    )

    words = [*EN_WORDS[:10], *UR_WORDS[:10], "karachi flood", "کراچی بارش"]
    serial = itertools.count()

    async def search_both() -> None:
        # A query never asked before (Embeddings keeps recent queries' vectors): the model
        # runs every time, as for a new search, not a next page.
        query = f"{rng.choice(words)} {next(serial)}"
        await search_both_languages(store, vectors, query, now, limit=9)

    p50, p99 = await timed(200, search_both)
    embeddings.close()
    return ("/search en+ur", p50, p99, "p99 < 50 ms (query embedded, 30-day vectors)")


async def _fan_out_memory(url: str, seconds: float) -> tuple[float, float, int]:
    """PSS (MiB) of a pushing process, idle and at its peak while it fans out for ``seconds``
    to the queued deliveries; how many it sent."""
    async with FakeTelegramAPI() as fake:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            str(REPO / "scripts" / "fanout_probe.py"),
            url,
            fake.base_url,
            str(seconds),
            stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdout is not None
        await child.stdout.readline()  # ready
        idle = tree_pss_mib(child.pid)
        peak = idle
        while child.returncode is None:
            peak = max(peak, tree_pss_mib(child.pid))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(child.wait(), 0.2)
        sent = int((await child.stdout.read()).split()[-1])
    return idle, peak, sent


async def _prepare(store: Store, path: Path | None, now: datetime) -> float:
    """Generate the store (unless BENCH_REUSE=1 finds it generated); the seconds it took."""
    if os.environ.get("BENCH_REUSE") == "1":
        async with store.read() as session:
            if await count_articles(session) >= ARTICLES:
                return 0.0
    seconds = await generate(store, now)
    async with store.write() as session:
        if not store.is_sqlite:
            # Rows were inserted with explicit ids: move the id sequences past them.
            for table in ("articles", "stories"):
                await session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id))"
                        f" FROM {table}"
                    )
                )
        await session.execute(text("ANALYZE"))  # fresh statistics, as autovacuum would give
    return seconds


async def _commands(bench: Bench) -> dict[str, Pair]:
    """/latest, /read and /search through the bot on the full store, beside their SQL."""
    rng = random.Random(1)
    await bench.warm(("/latest", "/search rain", "/read 1"))
    searches = [*EN_WORDS[:10], "karachi flood", "ref12345"]
    rows = {
        "/latest": await bench.measure("en", ["/latest"] * 300),
        "/latest <topic> (ur)": await bench.measure(
            "ur", [f"/latest {rng.choice(TOPICS)}" for _ in range(300)]
        ),
        "/read <id>": await bench.measure(
            "en", [f"/read {rng.randint(1, ARTICLES)}" for _ in range(300)]
        ),
    }
    # Searches new to the run (the model embeds the query) apart from those asked again.
    seen = {"/search rain"}  # warmed
    for name, language, words in (
        ("/search <words>", "en", searches),
        ("/search <words> (ur)", "ur", UR_WORDS[:10]),
    ):
        texts = [f"/search {rng.choice(words)}" for _ in range(200)]
        first, again = split_repeats(texts, await bench.measure(language, texts), seen)
        rows[f"{name}, new"] = first
        rows[f"{name}, again"] = again
    return rows


async def main() -> int:
    """Fill the store, then time commands, ingest, queueing and a fan-out on it."""
    url = (
        os.environ.get("DATABASE_URL")
        or f"sqlite+aiosqlite:///{REPO / 'bench-results' / 'scale.db'}"
    )
    path = Path(url.split("///", 1)[1]) if url.startswith("sqlite") else None
    if os.environ.get("BENCH_REUSE") != "1":
        if path is not None:
            _fresh_file(path)
        else:
            from tests.conftest import reset_postgres

            await reset_postgres(url)
    now = datetime.now(UTC)
    async with bench_services(url) as services:
        return await _run(services, url, path, now)


async def _run(services: Services, url: str, path: Path | None, now: datetime) -> int:
    store = services.store
    print(f"bench-scale on {store.dialect}: {ARTICLES:,} articles, {CHATS:,} chats", flush=True)
    seconds = await _prepare(store, path, now)
    if store.is_sqlite:
        size = _file_size(path)
    else:
        async with store.read() as session:
            size = (
                await session.execute(text("SELECT pg_database_size(current_database())"))
            ).scalar_one()
    commands = await time_commands(services, url, _commands)
    embedder = load_embedder()
    queries: list[tuple[str, float, float, str]] = []
    if embedder is not None:
        queries.append(await _search_both_languages(store, embedder, now, random.Random(1)))

    # Ingest with the full store: de-duplicate, cluster and store 300 new articles.
    rng2 = random.Random(int(now.timestamp()))  # new words each run: a reused store has the last
    pipeline = Pipeline(store)  # its story index, as the ingest pipeline keeps one
    started = time.perf_counter()
    stored: list[Stored] = []
    for i in range(300):
        title = " ".join([rng2.choice(CITIES_EN), *rng2.sample(EN_WORDS, 7)])
        stored.append(
            await pipeline.ingest_candidate(
                build_candidate(
                    url=f"https://new.example/{now.timestamp():.0f}/{i}",
                    title=title,
                    language="en",
                    topic="pakistan",
                    text=" ".join(rng2.choices(EN_WORDS, k=300)),
                    published_at=now,
                    fetched_at=now,
                ),
                push=False,  # queued below, timed on its own
            )
        )
    ingest_rate = 300 / (time.perf_counter() - started)

    # Queue new stories for every matching subscription (all chats follow "pakistan"), three
    # times; by wall and CPU time (the database's own work is in the wall time only).
    queueing: list[tuple[int, float, float]] = []
    for story in [s for s in stored if s.new_story][:3]:
        started, started_cpu = time.perf_counter(), time.process_time()
        queued = await queue_new_story(store, story, now + timedelta(seconds=1), DeliveryPolicy())
        queueing.append((queued, time.perf_counter() - started, time.process_time() - started_cpu))

    # Fan-out against the fake Bot API, rate limit lifted, for 10 s, in a process of its own
    # (scripts/fanout_probe.py): its PSS idle and at the peak meanwhile.
    idle, peak, sent = await _fan_out_memory(url, 10.0)
    print()
    print(f"generation: {seconds:.0f} s; database size {size / 2**20:,.0f} MiB")
    print_table(commands)
    for name, p50, p99, goal in queries:
        print(f"{name:16s} {p50:8.2f} {p99:8.2f}  {goal}")
    print(
        f"memory (PSS of the pushing process's tree): idle {idle:.0f} MiB, during fan-out"
        f" {peak:.0f} MiB (goal < 200 MB); fan-out sent {sent:,} in 10 s"
    )
    print(
        f"ingest with the full store: {ingest_rate:.0f} articles/s (dedup, story clustering, store)"
    )
    for queued, wall, cpu in queueing:
        mark = "ok" if wall < 1 else "over goal"
        print(
            f"queue a story matching {queued:,} subscriptions: {wall:.2f} s wall,"
            f" {cpu:.2f} s CPU (goal < 1 s) {mark}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
