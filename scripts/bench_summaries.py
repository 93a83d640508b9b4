"""Time the extractive summarizer on ~1,000-word English and Urdu articles, beside a baseline.

The goal (issue 15): p50 under 10 ms of CPU per 1,000-word article.

Articles are built by joining real XL-Sum articles from $KHABAR_DATA_DIR/summaries (default
<repo>/../shared/data/summaries), or generated when that data is absent. The baseline, timed in
the same run on the same texts, is splitting into sentences and lower-casing them.

Example:
    .venv/bin/python scripts/bench_summaries.py --runs 300
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from news.summaries.budget import Language
from news.summaries.extractive import summarize_extractive
from news.summaries.sentences import split_sentences
from scripts.benchstats import percentile

_FILES: dict[Language, str] = {
    "en": "xlsum-english/task1357_xlsum_summary_generation.json",
    "ur": "xlsum-urdu/urdu_xlsum.json",
}
_GENERATED_WORDS: dict[Language, str] = {
    "en": "the flood river village family relief camp army officials said rain city crops road "
    "school minister government police people water homes province district week",
    "ur": "سیلاب دریا گاؤں خاندان امدادی کیمپ فوج حکام نے کہا بارش شہر فصلیں سڑک سکول وزیر "
    "حکومت پولیس لوگ پانی گھر صوبہ ضلع ہفتہ",
}
_WORD = re.compile(r"\S+")


def locate_data() -> Path:
    """Return the shared data folder: $KHABAR_DATA_DIR or <repo>/../shared/data."""
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("KHABAR_DATA_DIR", default))


def _cut(text: str, words: int) -> str:
    matches = list(_WORD.finditer(text))
    return text[: matches[min(words, len(matches)) - 1].end()]


def build_articles(language: Language, count: int, words: int) -> tuple[list[str], str]:
    """Return count articles of about the given word count and where they came from."""
    path = locate_data() / "summaries" / _FILES[language]
    if path.is_file():
        inputs = [i["input"] for i in json.loads(path.read_text(encoding="utf-8"))["Instances"]]
        articles: list[str] = []
        start = 0
        while len(articles) < count and start < len(inputs):
            parts: list[str] = []
            while start < len(inputs) and sum(len(p.split()) for p in parts) < words:
                parts.append(inputs[start])
                start += 1
            articles.append(_cut("\n".join(parts), words))
        return articles, "XL-Sum articles joined"
    rng = random.Random(1)
    vocabulary = _GENERATED_WORDS[language].split()
    stop = "۔" if language == "ur" else "."
    generated = []
    for _ in range(count):
        sentences = [
            " ".join(rng.choices(vocabulary, k=20)).capitalize() + stop for _ in range(words // 20)
        ]
        generated.append(" ".join(sentences))
    return generated, "generated text"


def time_runs(
    function: Callable[[str], object], articles: Sequence[str], runs: int
) -> tuple[list[float], list[float]]:
    """Return wall and CPU milliseconds per call, cycling through the articles after a warm-up.

    CPU time is what the summarizer costs; wall time also counts other processes' load on a
    shared machine, which the baseline timed in the same run shares.
    """
    for article in articles[:5]:
        function(article)
    wall, cpu = [], []
    for run in range(runs):
        article = articles[run % len(articles)]
        started, started_cpu = time.perf_counter(), time.process_time()
        function(article)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def _summarizer(language: Language) -> Callable[[str], str]:
    return lambda article: summarize_extractive(article, language)


def _baseline(article: str) -> list[str]:
    return [sentence.lower() for sentence in split_sentences(article)]


def main(argv: Sequence[str] | None = None) -> int:
    """Print p50/p99 milliseconds per summary and per baseline pass, for each language."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed calls per language")
    parser.add_argument("--words", type=int, default=1000, help="words per article")
    args = parser.parse_args(argv)
    header = (
        f"{'lang':<5}{'words':>6}  {'summary p50 wall':>16}{'cpu':>8}{'p99 cpu':>9}"
        f"  {'baseline p50 wall':>17}{'cpu':>8}  {'ratio p50 cpu':>13}  source"
    )
    print(header)
    print("-" * len(header))
    languages: tuple[Language, ...] = ("en", "ur")
    for language in languages:
        articles, source = build_articles(language, 20, args.words)
        mean_words = statistics.mean(len(a.split()) for a in articles)
        wall, cpu = time_runs(_summarizer(language), articles, args.runs)
        base_wall, base_cpu = time_runs(_baseline, articles, args.runs)
        p50, base_p50 = percentile(cpu, 0.5), percentile(base_cpu, 0.5)
        print(
            f"{language:<5}{mean_words:>6.0f}  {percentile(wall, 0.5):>14.2f}ms{p50:>6.2f}ms"
            f"{percentile(cpu, 0.99):>7.2f}ms  {percentile(base_wall, 0.5):>15.2f}ms"
            f"{base_p50:>6.2f}ms  {p50 / base_p50:>12.1f}x  {source}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
