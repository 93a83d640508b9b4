"""Score the extractive summarizer with ROUGE-1/2/L beside lead-k on the shared summary sets.

Sets (under $KHABAR_DATA_DIR/summaries, default <repo>/../shared/data/summaries): XL-Sum Urdu and
English with one-sentence references (budget: one sentence), and CNN stories with three-sentence
highlights (budget: three sentences). A missing set is skipped with a note.

Example:
    .venv/bin/python scripts/eval_summaries.py --sweep
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from news.summaries.budget import Language
from news.summaries.extractive import DEFAULT_ALPHA, summarize_extractive
from news.summaries.sentences import split_sentences
from scripts.rouge import RougeScores, score_rouge


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set: articles, references, language and sentence budget."""

    name: str
    language: Language
    sentences: int
    pairs: list[tuple[str, str]]
    extra: dict[str, list[str]]


def locate_data() -> Path:
    """Return the shared data folder: $KHABAR_DATA_DIR or <repo>/../shared/data."""
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("KHABAR_DATA_DIR", default))


def _load_xlsum(path: Path) -> list[tuple[str, str]]:
    instances = json.loads(path.read_text(encoding="utf-8"))["Instances"]
    return [(item["input"], item["output"][0]) for item in instances]


def load_sets(data: Path) -> Iterator[EvalSet | str]:
    """Yield each evaluation set found, or a note naming a missing one."""
    root = data / "summaries"
    xlsum: list[tuple[str, Language, Path]] = [
        ("XL-Sum Urdu", "ur", root / "xlsum-urdu" / "urdu_xlsum.json"),
        ("XL-Sum English", "en", root / "xlsum-english" / "task1357_xlsum_summary_generation.json"),
    ]
    for name, language, path in xlsum:
        if path.is_file():
            yield EvalSet(name, language, 1, _load_xlsum(path), {})
        else:
            yield f"note: {name} skipped, {path} is absent"
    tsv = root / "cnndm-mini" / "cnndm_mini-dataset.tsv"
    if not tsv.is_file():
        yield f"note: CNN skipped, {tsv} is absent"
        return
    with tsv.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row]
    extra: dict[str, list[str]] = {}
    bart = root / "cnndm-mini" / "cnndm_mini-bart-output.txt"
    if bart.is_file():
        outputs = bart.read_text(encoding="utf-8").splitlines()
        if len(outputs) == len(rows):
            extra["BART (published outputs)"] = outputs
    yield EvalSet("CNN", "en", 3, [(row[0], row[1]) for row in rows], extra)


def _mean(scores: Sequence[RougeScores]) -> tuple[float, float, float]:
    count = max(len(scores), 1)
    return (
        100 * sum(s.rouge1 for s in scores) / count,
        100 * sum(s.rouge2 for s in scores) / count,
        100 * sum(s.rouge_l for s in scores) / count,
    )


def score_system(
    pairs: Sequence[tuple[str, str]], system: Callable[[str], str]
) -> tuple[float, float, float]:
    """Return mean ROUGE-1/2/L F1 (in %) of a summarizing function over the pairs."""
    return _mean([score_rouge(system(article), reference) for article, reference in pairs])


def lead(k: int) -> Callable[[str], str]:
    """Return the lead-k baseline: the article's first k sentences."""
    return lambda article: " ".join(split_sentences(article)[:k])


def ours(eval_set: EvalSet, alpha: float | None = None) -> Callable[[str], str]:
    """Return the extractive summarizer with the set's sentence budget."""

    def run(article: str) -> str:
        return summarize_extractive(
            article, eval_set.language, max_sentences=eval_set.sentences, alpha=alpha
        )

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Print the ROUGE table; with --sweep, also the score for each position-prior weight."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true", help="also try alpha 0, 0.1, ..., 1")
    args = parser.parse_args(argv)
    header = f"{'set':<16}{'n':>5}  {'system':<34}{'R-1':>7}{'R-2':>7}{'R-L':>7}"
    print(header)
    print("-" * len(header))
    for item in load_sets(locate_data()):
        if isinstance(item, str):
            print(item)
            continue
        k = item.sentences
        alpha = DEFAULT_ALPHA[item.language]
        rows: list[tuple[str, tuple[float, float, float]]] = [
            (f"lead-{k}", score_system(item.pairs, lead(k))),
            (f"khabar extractive (alpha {alpha})", score_system(item.pairs, ours(item))),
        ]
        if args.sweep:
            for step in range(11):
                rows.append(
                    (f"  alpha {step / 10:.1f}", score_system(item.pairs, ours(item, step / 10)))
                )
        for name, outputs in item.extra.items():
            references = [reference for _article, reference in item.pairs]
            scores = [score_rouge(out, ref) for out, ref in zip(outputs, references, strict=True)]
            rows.append((name, _mean(scores)))
        for system, (r1, r2, rl) in rows:
            print(
                f"{item.name:<16}{len(item.pairs):>5}  {system:<34}{r1:>7.2f}{r2:>7.2f}{rl:>7.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
