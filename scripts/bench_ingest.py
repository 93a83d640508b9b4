"""The whole ingest pipeline (feed → pages from loopback → extract → store) beside plain
trafilatura.extract, and the steady state (feeds of known entries) beside plain feedparser.

Each figure is a ratio to a baseline timed in the same run, rounds interleaved (baseline, one
core, two workers, baseline, …), by CPU time and by wall time, so load from other processes on
the machine hits both alike. Every case runs in a fresh process; the pages and feeds come from
scripts/ingest_server.py in a process of its own (its CPU is not counted).

- baseline: ``trafilatura.extract(page)`` on the same page bytes, pinned to one core;
- one core: ``Pipeline.run_pass`` with extraction in a thread (``Extractor(0)``), pinned to the
  same core: CPU and wall time per page of everything (fetch, parse, extract, store, queue);
- two workers: ``Extractor(2)``, not pinned. Its CPU figure is the busiest process's CPU per
  page (main or one worker), which bounds the rate on two cores; the total is printed too;
- steady state: feeds of 25 entries, all stored already, fetched again (the document changes on
  every fetch: no validator or hash can skip it), beside ``feedparser.parse`` of the same bytes;
  with ``--same``, the bytes are unchanged between fetches too.

PSS (proportional set size: shared pages split between the processes that map them) is summed
over the process and its descendants (the extraction pool and its fork server).

Example:
    .venv/bin/python scripts/bench_ingest.py --rounds 3 --feeds 100
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.benchproc import descendants, process_cpu, tree_pss_mib

PAGES = 120
PER_FEED = 24  # pages per feed in the pipeline cases: five feeds
STEADY_PER_FEED = 25
CORE = 0  # the core the one-core cases are pinned to
IDLE_CLOSE = 60.0  # as in the bot: a pass never sees its pool stop


def _pin() -> None:
    os.sched_setaffinity(0, {CORE})


def case_baseline(_base: str, _args: argparse.Namespace) -> dict[str, float]:
    """trafilatura.extract on every page, one core."""
    import trafilatura
    from trafilatura.external import jt_stoplist_init

    from scripts.bench_extraction import load_pages

    _pin()
    pages = load_pages(PAGES)
    trafilatura.extract(pages[0])  # warm-up: imports, first-call caches
    jt_stoplist_init()  # justext's stop lists, as the pipeline cases have them (poolwarm)
    wall, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        trafilatura.extract(page)
    return {
        "pages": len(pages),
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
    }


async def _pipeline(base: str, workers: int, *, pages: bool) -> dict[str, float]:
    """One timed run_pass over fresh feeds, after an untimed warm-up pass."""
    from news.extract.pages import Extractor
    from news.ingest.fetch import Fetcher
    from news.pipeline import Pipeline
    from storage import open_store
    from storage.feeds import FeedIn, add_feed, record_fetch_ok

    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(f"sqlite+aiosqlite:///{tmp}/bench.db")
        async with (
            Fetcher(allow_private=True) as fetcher,
            Extractor(workers, idle_close=IDLE_CLOSE) as extractor,
        ):
            pipeline = Pipeline(store, fetcher, extractor)
            if workers:  # the pool starts outside the timing, as it does once per bot
                await extractor.extract(b"<html><body><p>warm</p></body></html>", None)
            else:  # what the pool's fork server loads once (the language model, justext's
                # stop lists), loaded here, where the thread extracts: once per bot too
                await asyncio.to_thread(importlib.import_module, "news.extract.poolwarm")
            async with store.write() as session:  # warm-up: imports, story index, lexicons
                await add_feed(session, FeedIn(f"{base}/steady/999?per=2", "warm", "en"))
            await pipeline.run_pass()
            ids = []
            async with store.write() as session:
                for k in range(PAGES // PER_FEED):
                    url = f"{base}/feed/{k}?per={PER_FEED}"
                    feed, _ = await add_feed(session, FeedIn(url, f"bench {k}", "en", None, pages))
                    ids.append(feed.id)
            async with store.write() as session:  # fetched before: new entries get pushed
                for feed_id in ids:
                    await record_fetch_ok(
                        session,
                        feed_id,
                        next_check_at=datetime(2000, 1, 1, tzinfo=UTC),
                        etag=None,
                        last_modified=None,
                    )
            before = {pid: process_cpu(pid) for pid in descendants(os.getpid())}
            wall, cpu = time.perf_counter(), time.process_time()
            stats = await pipeline.run_pass()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            children = {
                pid: process_cpu(pid) - before.get(pid, 0.0) for pid in descendants(os.getpid())
            }
            pss = tree_pss_mib(os.getpid())
            await extractor.stop_idle()  # what the bot does after a minute without a page
            idle = await _idle_pss()
        await store.close()
    return {
        "idle": idle,
        "pages": PAGES,
        "stored": stats.new_articles,
        "wall": wall,
        "cpu": cpu + sum(children.values()),
        "busiest": max([cpu, *children.values()]),
        "main": cpu,
        "pss": pss,
    }


async def _idle_pss() -> float:
    """The tree's PSS once the pool stopped for want of work (as between passes)."""
    for _ in range(300):
        if not descendants(os.getpid()):
            break
        await asyncio.sleep(0.1)
    return tree_pss_mib(os.getpid())


def case_pipeline(base: str, args: argparse.Namespace) -> dict[str, float]:
    """The pipeline over PAGES pages, on one core (workers 0) or with a pool."""
    if args.workers == 0:
        _pin()
    return asyncio.run(_pipeline(base, args.workers, pages=True))


async def _steady(base: str, args: argparse.Namespace) -> dict[str, float]:
    """Feeds of known entries fetched again, beside feedparser.parse of the same bytes."""
    import feedparser
    import httpx

    from news.ingest.fetch import Fetcher
    from news.pipeline import Pipeline
    from storage import open_store
    from storage.feeds import FeedIn, add_feed

    kind = "same" if args.same else "steady"
    urls = [f"{base}/{kind}/{k}?per={STEADY_PER_FEED}" for k in range(args.feeds)]
    async with httpx.AsyncClient() as client:
        bodies = [(await client.get(url)).content for url in urls]
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(f"sqlite+aiosqlite:///{tmp}/bench.db")
        async with Fetcher(allow_private=True) as fetcher:
            pipeline = Pipeline(store, fetcher)
            async with store.write() as session:
                for url in urls:
                    await add_feed(session, FeedIn(url, url, "en"))
            await pipeline.run_pass()  # the first fetch stores every entry
            totals = {"plain_cpu": 0.0, "plain_wall": 0.0, "cpu": 0.0, "wall": 0.0}
            for _round in range(args.rounds):
                wall, cpu = time.perf_counter(), time.process_time()
                for body in bodies:
                    feedparser.parse(body)
                totals["plain_wall"] += time.perf_counter() - wall
                totals["plain_cpu"] += time.process_time() - cpu
                wall, cpu = time.perf_counter(), time.process_time()
                stats = await pipeline.run_pass(force=True)
                totals["wall"] += time.perf_counter() - wall
                totals["cpu"] += time.process_time() - cpu
                assert stats.new_articles == 0, "steady state: every entry is known"
            pss = tree_pss_mib(os.getpid())
        await store.close()
    n = args.feeds * args.rounds
    return {**{key: value / n for key, value in totals.items()}, "pss": pss}


def case_steady(base: str, args: argparse.Namespace) -> dict[str, float]:
    """The steady state on one core."""
    _pin()
    return asyncio.run(_steady(base, args))


CASES = {"baseline": case_baseline, "pipeline": case_pipeline, "steady": case_steady}


def run_case(base: str, name: str, *extra: str) -> dict[str, float]:
    """Run one case in a fresh process; its figures."""
    script = str(Path(__file__).resolve())
    for _try in range(2):  # a case that crashed (seen once: SIGABRT at exit) is run again
        done = subprocess.run(
            [sys.executable, script, "--case", name, "--base", base, *extra],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            break
        print(f"bench_ingest: case {name} failed ({done.returncode}): {done.stderr[-2000:]}")
    done.check_returncode()
    out = done.stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _ratios(base: dict[str, float], run: dict[str, float], cpu_key: str) -> str:
    per = base["pages"]
    cpu_ms = 1000 * run[cpu_key] / run["pages"]
    wall_ms = 1000 * run["wall"] / run["pages"]
    base_cpu = 1000 * base["cpu"] / per
    base_wall = 1000 * base["wall"] / per
    return (
        f"{cpu_ms:6.1f} ms CPU/page ({base_cpu / cpu_ms:4.2f}x), "
        f"{wall_ms:6.1f} ms wall/page ({base_wall / wall_ms:4.2f}x)"
    )


def report(rounds: list[dict[str, dict[str, float]]]) -> None:
    """Print each round's ratios and the median round."""
    print(f"{PAGES} pages in {PAGES // PER_FEED} feeds, {len(rounds)} rounds, interleaved")
    for i, r in enumerate(rounds, 1):
        b = r["baseline"]
        print(
            f"round {i}: trafilatura.extract {1000 * b['cpu'] / b['pages']:.1f} ms CPU/page, "
            f"{1000 * b['wall'] / b['pages']:.1f} ms wall/page"
        )
        one, two = r["one core"], r["two workers"]
        print(f"  pipeline, one core:    {_ratios(b, one, 'cpu')}, stored {one['stored']:.0f}")
        print(
            f"  pipeline, two workers: {_ratios(b, two, 'busiest')} (busiest process), "
            f"total {1000 * two['cpu'] / two['pages']:.1f} ms CPU/page, main "
            f"{1000 * two['main'] / two['pages']:.1f}"
        )
        print(
            f"  PSS of the process tree during the pass: one core {one['pss']:.0f} MiB, two "
            f"workers {two['pss']:.0f} MiB; idle after it (pool stopped) {two['idle']:.0f} MiB"
        )


def main() -> int:
    """Run the cases interleaved and print the figures (or run one case, with --case)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--feeds", type=int, default=100, help="feeds in the steady state")
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--base", default="")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--same", action="store_true")
    parser.add_argument("--skip-pipeline", action="store_true")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(CASES[args.case](args.base, args)))
        return 0
    from scripts.bench_extraction import load_pages

    if not load_pages(1):
        print("bench_ingest: skipped, no pages: set KHABAR_DATA_DIR")
        return 0
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("ingest_server.py")), str(PAGES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        os.sched_setaffinity(server.pid, set(range(os.cpu_count() or 1)) - {CORE} or {CORE})
        if not args.skip_pipeline:
            rounds = []
            for _ in range(args.rounds):
                rounds.append(
                    {
                        "baseline": run_case(base, "baseline"),
                        "one core": run_case(base, "pipeline", "--workers", "0"),
                        "two workers": run_case(base, "pipeline", "--workers", "2"),
                    }
                )
            report(rounds)
        steady(base, args)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)
    return 0


def steady(base: str, args: argparse.Namespace) -> None:
    """Print the steady-state figures: changing documents, then unchanged bytes."""
    for same in (False, True):
        extra = ["--feeds", str(args.feeds), "--rounds", str(args.rounds)]
        r: dict[str, Any] = run_case(base, "steady", *extra, *(["--same"] if same else []))
        label = "unchanged bytes" if same else "changed document"
        print(
            f"steady state ({label}), {args.feeds} feeds of {STEADY_PER_FEED} known entries, "
            f"one core: {1000 * r['cpu']:.1f} ms CPU/feed, {1000 * r['wall']:.1f} ms wall/feed; "
            f"feedparser.parse of the same bytes {1000 * r['plain_cpu']:.1f} ms CPU/feed "
            f"({r['plain_cpu'] / r['cpu']:.2f}x); {300 / r['cpu']:,.0f} feeds per core at a "
            f"5-minute interval (goal >= 10,000: <= 30 ms/feed); PSS {r['pss']:.0f} MiB"
        )


if __name__ == "__main__":
    raise SystemExit(main())
