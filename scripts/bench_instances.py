"""Two `khabar run` processes on one PostgreSQL against one send budget, beside one process.

Both runs push one story to N chats (default 1,000) while M commands (default 100) arrive,
against the fake Bot API answering 429 above its overall limit (a one-second sliding window),
with SEND_RATE equal to that limit. Printed for each: sends a second achieved (first to last
message the fake accepted) against the budget, the 429 count, and the CPU seconds of the
processes. Two instances must not beat the budget: the figure to watch is the 429s (0).
Runs are interleaved (one, two, one, two) so load from elsewhere falls on both alike.

Needs PostgreSQL: KHABAR_BENCH_DATABASE_URL (its database is emptied), else the local server's
``khabar_bench`` database on 127.0.0.1:5432 (created when missing). Skipped, with a line that says
so, when neither answers.

Example:
    KHABAR_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1/khabar_bench \\
        .venv/bin/python scripts/bench_instances.py --chats 1000 --rate 300
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import open_store
from tests.conftest import reset_postgres
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_flood import FloodLimits, Limit
from tests.khabar_process import clean_env

TITLE = "Flooding Closes Karachi Port As Monsoon Rains Continue"


LOCAL = "postgresql+asyncpg://postgres@127.0.0.1:5432/khabar_bench"


async def _local_database() -> str | None:
    """LOCAL, created when missing; None when no PostgreSQL answers on 127.0.0.1:5432."""
    import asyncpg  # type: ignore[import-untyped]

    try:
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return None
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = 'khabar_bench'"):
            await conn.execute("CREATE DATABASE khabar_bench")
    finally:
        await conn.close()
    return LOCAL


async def _prepare(url: str, chats: int) -> None:
    await reset_postgres(url)
    store = await open_store(url)
    try:
        now = datetime.now(UTC)
        await add_chats(store, range(1, chats + 1), subscribed_at=now - timedelta(days=1))
        await add_article(store, TITLE, published_at=now, push=True)
    finally:
        await store.close()


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def _run(url: str, instances: int, args: argparse.Namespace, tmp: Path) -> str:
    await _prepare(url, args.chats)
    limits = FloodLimits(overall=Limit(int(args.rate), 1.0))
    async with FakeTelegramAPI(enforce_limits=True, limits=limits) as fake:
        feeds = tmp / "feeds.toml"
        feeds.write_text("")
        env = clean_env(
            {
                "TELEGRAM_BOT_TOKEN": fake.token,
                "TELEGRAM_API_BASE_URL": fake.base_url,
                "DATABASE_URL": url,
                "KHABAR_FEEDS": str(feeds),
                "SEND_RATE": f"{args.rate:g}",
                "EXTRACT_WORKERS": "0",
                "INGEST_INTERVAL": "3600",
                "LOG_LEVEL": "WARNING",
            }
        )
        cpu = _cpu_children()
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=env, cwd=tmp,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )
            for _ in range(instances)
        ]  # fmt: skip
        for chat in range(1, args.commands + 1):
            fake.push_text(chat, "/help")
        wanted = args.chats + args.commands
        await fake.wait_for("sendMessage", wanted, timeout=600)
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            await p.wait()
        cpu = _cpu_children() - cpu
        stamps = [c.timestamp for c in fake.calls if c.method == "sendMessage"]
        accepted = len(fake.sent("sendMessage"))
    span = max(stamps) - min(stamps) if len(stamps) > 1 else float("nan")
    rate = (accepted - 1) / span if span > 0 else float("nan")
    return (
        f"{instances} instance(s): {accepted}/{wanted} sent, {rate:7.1f} sends/s "
        f"= {rate / args.rate:.2f} of the budget {args.rate:g}/s; "
        f"429s {fake.rate_limited_count}; CPU {cpu:.1f} s"
    )


async def main(args: argparse.Namespace) -> int:
    """Interleave one and two instances ``--rounds`` times and print each run's line."""
    url = os.environ.get("KHABAR_BENCH_DATABASE_URL") or await _local_database()
    if not url:
        print("skipped: no PostgreSQL on 127.0.0.1:5432; set KHABAR_BENCH_DATABASE_URL")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for instances in (1, 2):
                print(await _run(url, instances, args, Path(tmp)), flush=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--rate", type=float, default=300.0, help="SEND_RATE and the fake's limit")
    parser.add_argument("--rounds", type=int, default=1)
    sys.exit(asyncio.run(main(parser.parse_args())))
