"""ROUGE-1, ROUGE-2 and ROUGE-L F1 with a tokenizer that keeps Urdu words.

Hand-written: the rouge-score package keeps only [a-z0-9] by default, so Urdu text scores zero.
The tokenizer follows XL-Sum's multilingual scorer (research urdu-summaries.md §1.3): lower-case,
drop control and format characters (ZWNJ included), split on whitespace, Unicode punctuation and
ASCII symbols, no stemming. ROUGE-L is the sentence-level LCS, not ROUGE-Lsum.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["RougeScores", "rouge_l", "rouge_n", "score_rouge", "tokenize_for_rouge"]


@dataclass(frozen=True)
class RougeScores:
    """ROUGE F1 scores of one candidate against one reference, each from 0 to 1."""

    rouge1: float
    rouge2: float
    rouge_l: float


@lru_cache(maxsize=4096)
def _replacement(char: str) -> str:
    if char.isspace():
        return " "
    category = unicodedata.category(char)
    if category in ("Cc", "Cf"):
        return ""
    if category.startswith("P") or (char.isascii() and category.startswith("S")):
        return " "
    return char


def tokenize_for_rouge(text: str) -> list[str]:
    """Split text into lower-cased ROUGE tokens, keeping words in any script."""
    return "".join(_replacement(char) for char in text.lower()).split()


def _f1(overlap: int, candidate_total: int, reference_total: int) -> float:
    if overlap == 0:
        return 0.0
    precision = overlap / candidate_total
    recall = overlap / reference_total
    return 2 * precision * recall / (precision + recall)


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    """Return ROUGE-N F1 between two token sequences, with clipped n-gram counts."""
    candidate_grams = Counter(zip(*(candidate[i:] for i in range(n)), strict=False))
    reference_grams = Counter(zip(*(reference[i:] for i in range(n)), strict=False))
    overlap = sum((candidate_grams & reference_grams).values())
    return _f1(overlap, sum(candidate_grams.values()), sum(reference_grams.values()))


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> float:
    """Return ROUGE-L F1: the longest common subsequence of the two token sequences."""
    previous = [0] * (len(reference) + 1)
    for token in candidate:
        current = [0]
        for j, other in enumerate(reference):
            current.append(previous[j] + 1 if token == other else max(previous[j + 1], current[j]))
        previous = current
    return _f1(previous[-1], len(candidate), len(reference))


def score_rouge(candidate: str, reference: str) -> RougeScores:
    """Return ROUGE-1, ROUGE-2 and ROUGE-L F1 of a candidate summary against a reference."""
    candidate_tokens = tokenize_for_rouge(candidate)
    reference_tokens = tokenize_for_rouge(reference)
    return RougeScores(
        rouge1=rouge_n(candidate_tokens, reference_tokens, 1),
        rouge2=rouge_n(candidate_tokens, reference_tokens, 2),
        rouge_l=rouge_l(candidate_tokens, reference_tokens),
    )
