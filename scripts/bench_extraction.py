"""Benchmark news.extract.pages against plain trafilatura.extract on the same pages, in one run.

Reports pages/s for trafilatura.extract alone (and with metadata, which extract_html needs for
title, date and author), extract_html in this process, and the process
pool with 1 and 2 workers (Extractor), plus peak memory (max RSS) of this process and of the
pool's workers (the whole pipeline, fetch to store, is timed in bench_ingest.py). Pages come from ``$KHABAR_DATA_DIR/extraction/{scrapinghub,fundus,wcxb}``.

Example:
    .venv/bin/python scripts/bench_extraction.py --pages 120 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from news.extract.pages import Extractor, extract_html
from scripts.benchproc import descendants

REPO = Path(__file__).resolve().parents[1]


def load_pages(limit: int) -> list[bytes]:
    """Return up to ``limit`` gzip'd HTML pages of the extraction sets, in a stable order."""
    root = Path(os.environ.get("KHABAR_DATA_DIR", REPO.parent / "shared" / "data"))
    paths: list[Path] = []
    for name in ("scrapinghub", "fundus", "wcxb"):
        paths += sorted((root / "extraction" / name).rglob("*.html.gz"))
    return [gzip.decompress(path.read_bytes()) for path in paths[:limit]]


def time_serial(
    pages: list[bytes], run: Callable[[bytes], object], rounds: int
) -> tuple[float, float]:
    """Return (pages/s wall clock, CPU ms per page) of ``run``, best of ``rounds``.

    CPU time is reported too because the machine is shared: wall time moves with the load.
    """
    best_wall = best_cpu = float("inf")
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for page in pages:
            run(page)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return len(pages) / best_wall, 1000 * best_cpu / len(pages)


async def time_pool(pages: list[bytes], workers: int, rounds: int) -> tuple[float, float]:
    """Return (pages/s, largest worker peak RSS MiB) of Extractor(workers), after a warm-up."""
    best = float("inf")
    async with Extractor(workers) as extractor:
        await extractor.extract_many([(page, None) for page in pages[: workers * 2]])  # start-up
        for _ in range(rounds):
            start = time.perf_counter()
            await extractor.extract_many([(page, None) for page in pages])
            best = min(best, time.perf_counter() - start)
        worker_rss = descendants_peak_rss_mib(os.getpid())
    return len(pages) / best, worker_rss


def descendants_peak_rss_mib(pid: int) -> float:
    """Return the largest VmHWM (peak RSS) in MiB among the descendants of ``pid`` (Linux)."""
    return max((_peak_rss_kib(child) for child in descendants(pid)), default=0) / 1024


def _peak_rss_kib(pid: int) -> int:
    """The VmHWM of ``pid`` in KiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    pages = load_pages(args.pages)
    if not pages:
        print("no pages found: set KHABAR_DATA_DIR")
        return 0
    size = sum(map(len, pages)) / len(pages) / 1024
    print(
        f"{len(pages)} pages, mean {size:.0f} KiB, best of {args.rounds} rounds, {os.cpu_count()} CPUs"
    )
    plain, plain_cpu = time_serial(pages, lambda page: trafilatura.extract(page), args.rounds)
    meta, meta_cpu = time_serial(
        pages, lambda page: trafilatura.extract(page, with_metadata=True), args.rounds
    )
    ours, ours_cpu = time_serial(pages, lambda page: extract_html(page, url=None), args.rounds)
    rss_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pool1, rss1 = asyncio.run(time_pool(pages, 1, args.rounds))
    pool2, rss2 = asyncio.run(time_pool(pages, 2, args.rounds))
    print("| run | pages/s (wall) | vs trafilatura.extract | CPU ms/page |")
    print("|---|---:|---:|---:|")
    print(f"| trafilatura.extract, in process | {plain:.1f} | 1.00x | {plain_cpu:.1f} |")
    print(
        f"| trafilatura.extract with_metadata, in process | {meta:.1f} | {meta / plain:.2f}x "
        f"| {meta_cpu:.1f} |"
    )
    print(f"| extract_html, in process | {ours:.1f} | {ours / plain:.2f}x | {ours_cpu:.1f} |")
    print(f"| Extractor(1), process pool | {pool1:.1f} | {pool1 / plain:.2f}x | |")
    print(f"| Extractor(2), process pool | {pool2:.1f} | {pool2 / plain:.2f}x | |")
    print(
        f"peak RSS: main process {rss_main:.0f} MiB (in-process runs); "
        f"pool worker {rss1:.0f} MiB (1 worker), {rss2:.0f} MiB (largest of 2)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
