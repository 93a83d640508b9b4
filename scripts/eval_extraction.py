"""Score news.extract.pages against plain trafilatura.extract on the shared extraction benchmarks.

Sets under ``$KHABAR_DATA_DIR/extraction`` (default ``<repo>/../shared/data/extraction``); a
missing set is skipped. Metrics:

- scrapinghub: article-body precision/recall/F1 over token 4-gram shingles, as the benchmark's
  own evaluate.py (per-page counts normalised, P and R averaged, F1 of the averages);
- fundus, wcxb: word-level F1 per page (``\\w+`` lower-cased tokens, multiset overlap), averaged;
- trafilatura, wcxb: share of ``with`` snippets found and ``without`` snippets absent;
- htmldate (and fundus, wcxb pages with a date): share of pages whose publication day is right (an instant counts when it falls in
  that local day in some time zone, as the truth is a local day);
- fundus, wcxb: share of pages whose title is the true headline (case, spaces and quote
  styles aside), so a site name left on it (" - Times of India") counts as wrong.

Example:
    .venv/bin/python scripts/eval_extraction.py --sets scrapinghub,htmldate
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from news.extract.pages import extract_html

REPO = Path(__file__).resolve().parents[1]
_TOKEN = re.compile(r"\w+")
SETS = ("scrapinghub", "fundus", "wcxb", "trafilatura", "htmldate")


@dataclass
class Page:
    """One benchmark page and its truth."""

    html: bytes
    url: str | None
    body: str | None = None
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    date: str | None = None
    title: str | None = None


@dataclass
class Output:
    """What one extractor returned for one page."""

    text: str
    date: str | None  # a day, YYYY-MM-DD
    when: datetime | None = None  # an instant, when the extractor gives a time of day
    title: str = ""


def data_dir() -> Path:
    """Return the extraction data folder."""
    root = Path(os.environ.get("KHABAR_DATA_DIR", REPO.parent / "shared" / "data"))
    return root / "extraction"


def read_gz(path: Path) -> bytes:
    """Return the bytes of a gzip'd page."""
    return gzip.decompress(path.read_bytes())


def load_scrapinghub(folder: Path) -> Iterator[Page]:
    """Yield scrapinghub pages with their article body."""
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    for key, item in sorted(truth.items()):
        path = folder / "html" / f"{key}.html.gz"
        if path.exists():
            yield Page(read_gz(path), item.get("url"), body=item.get("articleBody", ""))


def load_fundus(folder: Path) -> Iterator[Page]:
    """Yield fundus pages with their hand-parsed body."""
    for line in (folder / "cases.jsonl").read_text("utf-8").splitlines():
        case = json.loads(line)
        parts = list(case.get("body_summary") or [])
        for section in case.get("body_sections") or []:
            parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
        day = (case.get("publishing_date") or "")[:10] or None
        yield Page(
            read_gz(folder / case["file"]),
            case.get("url"),
            "\n".join(parts),
            date=day,
            title=case.get("title"),
        )


def load_wcxb(folder: Path) -> Iterator[Page]:
    """Yield wcxb article pages with body and snippets."""
    for path in sorted((folder / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        truth = data.get("ground_truth") or {}
        html_path = folder / "html" / f"{path.stem}.html.gz"
        if html_path.exists():
            yield Page(
                read_gz(html_path),
                data.get("url"),
                body=truth.get("main_content") or "",
                with_snippets=truth.get("with") or [],
                without_snippets=truth.get("without") or [],
                date=(truth.get("publish_date") or "")[:10] or None,
                title=truth.get("title"),
            )


def load_trafilatura(folder: Path) -> Iterator[Page]:
    """Yield trafilatura evaluation pages with their snippets."""
    for url, item in sorted(json.loads((folder / "evaldata.json").read_text("utf-8")).items()):
        path = folder / item["file"]
        if path.exists():
            yield Page(read_gz(path), url, None, item.get("with", []), item.get("without", []))


def load_htmldate(folder: Path) -> Iterator[Page]:
    """Yield htmldate pages with their publication date."""
    truth = json.loads((folder / "dates_mediacloud_2020.json").read_text("utf-8"))
    for url, item in sorted(truth.items()):
        path = folder / item["file"]
        if path.exists():
            yield Page(read_gz(path), url, date=item["date"])


LOADERS: dict[str, Callable[[Path], Iterator[Page]]] = {
    "scrapinghub": load_scrapinghub,
    "fundus": load_fundus,
    "wcxb": load_wcxb,
    "trafilatura": load_trafilatura,
    "htmldate": load_htmldate,
}


def run_ours(page: Page) -> Output:
    """Extract with news.extract.pages."""
    article = extract_html(page.html, url=page.url)
    if article is None:
        return Output("", None)
    when = article.published_at
    if when is None:
        return Output(article.text, None, title=article.title)
    has_time = when.timetz().replace(tzinfo=None) != time(0)
    day = when.date().isoformat()
    return Output(article.text, day, when if has_time else None, title=article.title)


def run_plain(page: Page) -> Output:
    """Extract with plain trafilatura.extract (defaults, metadata on for the date)."""
    result = trafilatura.extract(page.html, url=page.url, with_metadata=True, output_format="json")
    if not result:
        return Output("", None)
    data: dict[str, Any] = json.loads(result)
    return Output(data.get("text") or "", data.get("date"), title=data.get("title") or "")


def shingle_counts(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Return normalised (tp, fp, fn) over token n-gram shingles (scrapinghub metric)."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        tokens = _TOKEN.findall(text)
        return Counter(
            tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens
        )

    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scrapinghub_f1(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """Return (precision, recall, F1) as scrapinghub's evaluate.py computes them."""
    counts = [shingle_counts(true, pred) for true, pred in pairs]

    def score(part: float, other: float) -> float:
        return 1.0 if part == other == 0 else part / (part + other) if part + other else 0.0

    precision = statistics.mean(score(tp, fp) for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.mean(score(tp, fn) for tp, fp, fn in counts if tp + fn > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def word_f1(pred: str, true: str) -> float:
    """Return WCXB's word-level F1 of one page."""
    p, t = Counter(_TOKEN.findall(pred.lower())), Counter(_TOKEN.findall(true.lower()))
    if not t:
        return 1.0 if not p else 0.0
    overlap = sum((p & t).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def snippet_rates(pages: list[Page], outputs: list[Output]) -> tuple[float, float]:
    """Return the share of with-snippets found and of without-snippets absent."""

    def norm(text: str) -> str:
        return " ".join(text.lower().split())

    found = kept_out = n_with = n_without = 0
    for page, output in zip(pages, outputs, strict=True):
        text = norm(output.text)
        n_with += len(page.with_snippets)
        n_without += len(page.without_snippets)
        found += sum(norm(s) in text for s in page.with_snippets)
        kept_out += sum(norm(s) not in text for s in page.without_snippets)
    return found / max(1, n_with), kept_out / max(1, n_without)


_QUOTES = str.maketrans("‘’“”", "''\"\"")


def same_title(output: str, truth: str) -> bool:
    """Tell whether an extracted title is the true headline, case, spacing and quotes aside."""

    def norm(text: str) -> str:
        return " ".join(text.translate(_QUOTES).casefold().split())

    return norm(output) == norm(truth)


def date_matches(output: Output, truth: str | None) -> bool:
    """Tell whether an output's date is the truth's day.

    The truth is a day in the page's local time. An output instant (UTC) matches when it falls
    in that day in some time zone (UTC-12 to UTC+14); a bare day must be equal.
    """
    if truth is None or output.date is None:
        return output.date == truth
    if output.when is None:
        return output.date == truth
    start = datetime.combine(datetime.fromisoformat(truth).date(), time(0), UTC)
    return start - timedelta(hours=14) <= output.when < start + timedelta(hours=36)


def evaluate(name: str, pages: list[Page], run: Callable[[Page], Output]) -> dict[str, float]:
    """Return the metrics of one extractor on one set."""
    outputs = [run(page) for page in pages]
    metrics: dict[str, float] = {}
    if name == "scrapinghub":
        pairs = [(page.body or "", out.text) for page, out in zip(pages, outputs, strict=True)]
        metrics["P"], metrics["R"], metrics["F1"] = scrapinghub_f1(pairs)
    if name in {"fundus", "wcxb"}:
        scores = [
            word_f1(out.text, page.body or "") for page, out in zip(pages, outputs, strict=True)
        ]
        metrics["F1"] = statistics.mean(scores)
        metrics["F1 median"] = statistics.median(scores)
    if name in {"wcxb", "trafilatura"}:
        metrics["with"], metrics["without"] = snippet_rates(pages, outputs)
    titled = [(page, out) for page, out in zip(pages, outputs, strict=True) if page.title]
    if titled:
        hits = sum(same_title(out.title, page.title or "") for page, out in titled)
        metrics["title acc"] = hits / len(titled)
    dated = [(page, out) for page, out in zip(pages, outputs, strict=True) if page.date]
    if dated:
        metrics["date acc"] = sum(date_matches(out, page.date) for page, out in dated) / len(dated)
    return metrics


def main() -> int:
    """Run the evaluation and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    args = parser.parse_args()
    root = data_dir()
    print("| set | pages | metric | news.extract.pages | trafilatura.extract | diff |")
    print("|---|---:|---|---:|---:|---:|")
    for name in args.sets.split(","):
        folder = root / name
        if not folder.is_dir():
            print(f"| {name} | — | skipped: {folder} absent | | | |")
            continue
        pages = list(LOADERS[name](folder))
        ours = evaluate(name, pages, run_ours)
        plain = evaluate(name, pages, run_plain)
        for metric, value in ours.items():
            diff = value - plain[metric]
            print(
                f"| {name} | {len(pages)} | {metric} | {value:.3f} | {plain[metric]:.3f} "
                f"| {diff:+.3f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
