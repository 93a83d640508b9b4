"""Time news.ingest.feedparse on the stored real feeds, beside plain feedparser.parse(bytes).

Feeds are read from $KHABAR_DATA_DIR/feeds (default <repo>/../shared/data/feeds): the
news-captures, feed-rs and rsparser folders. The baseline, timed in the same run on the same
bytes, is ``feedparser.parse(body)`` with nothing after it; ours adds the entity scan, date
parsing and cleaning of every entry. Peak memory is measured with tracemalloc in a separate pass.

Example:
    .venv/bin/python scripts/bench_feeds.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import feedparser

from news import errors
from news.ingest.feedparse import parse_feed_sync

_FOLDERS = ("news-captures", "feed-rs", "rsparser")
_BASE_URL = "https://bench.example.org/feed"


def locate_data() -> Path:
    """Return the shared data folder: $KHABAR_DATA_DIR or <repo>/../shared/data."""
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("KHABAR_DATA_DIR", default))


def load_feeds(root: Path) -> list[tuple[str, bytes]]:
    """Return (folder/name, bytes) for every feed file under the benchmark folders."""
    feeds = []
    for folder in _FOLDERS:
        for path in sorted((root / folder).glob("*")):
            if path.is_file() and path.suffix in (".xml", ".rss", ".atom", ".rdf"):
                feeds.append((f"{folder}/{path.name}", path.read_bytes()))
    return feeds


def parse_ours(body: bytes) -> int:
    """Entries news.ingest.feedparse keeps (0 when it refuses the document)."""
    try:
        return len(parse_feed_sync(body, base_url=_BASE_URL).entries)
    except errors.ParseError:
        return 0


def parse_plain(body: bytes) -> int:
    """Entries plain feedparser finds."""
    return len(feedparser.parse(body).entries)


def time_pass(parse: Callable[[bytes], int], feeds: list[tuple[str, bytes]]) -> tuple[int, float]:
    """Parse every feed once; return (entries, seconds)."""
    entries = 0
    started = time.perf_counter()
    for _name, body in feeds:
        entries += parse(body)
    return entries, time.perf_counter() - started


def peak_memory(parse: Callable[[bytes], int], feeds: list[tuple[str, bytes]]) -> float:
    """Peak traced allocation in MiB while parsing the largest feed."""
    largest = max(feeds, key=lambda feed: len(feed[1]))[1]
    tracemalloc.start()
    try:
        parse(largest)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table; exit 0 (skipped) when the data is absent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over all feeds (default 5)")
    args = parser.parse_args(argv)
    root = locate_data() / "feeds"
    feeds = load_feeds(root)
    if not feeds:
        print(f"bench_feeds: skipped, no feeds under {root}")
        return 0
    size = sum(len(body) for _name, body in feeds) / 2**20
    print(f"{len(feeds)} feeds, {size:.1f} MiB, {args.rounds} rounds, from {root}")
    time_pass(parse_ours, feeds)  # warm-up: imports, regex compilation
    time_pass(parse_plain, feeds)
    totals = {"ours": [0, 0.0], "plain": [0, 0.0]}
    for _round in range(args.rounds):  # interleaved, so drift hits both alike
        for name, parse in (("ours", parse_ours), ("plain", parse_plain)):
            entries, seconds = time_pass(parse, feeds)
            totals[name][0] += entries
            totals[name][1] += seconds
    rates = {name: entries / seconds for name, (entries, seconds) in totals.items()}
    per_round = {name: int(entries) // args.rounds for name, (entries, _s) in totals.items()}
    print(f"{'parser':<32} {'entries':>8} {'entries/s':>10} {'peak MiB':>9}")
    for name, label in (
        ("ours", "news.ingest.feedparse.parse_feed"),
        ("plain", "feedparser.parse(bytes)"),
    ):
        parse = parse_ours if name == "ours" else parse_plain
        peak = peak_memory(parse, feeds)
        print(f"{label:<32} {per_round[name]:>8} {rates[name]:>10.0f} {peak:>9.1f}")
    print(f"ratio ours/plain: {rates['ours'] / rates['plain']:.2f}")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {max_rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
