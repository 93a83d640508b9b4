"""Tests for the ROUGE scorer: known English values and non-zero scores on Urdu."""

from __future__ import annotations

import pytest

from scripts import rouge
from scripts.rouge import RougeScores, rouge_l, rouge_n, score_rouge, tokenize_for_rouge


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall)


def test_known_english_example() -> None:
    # The example of Google's rouge-score README: 6 of 8 unigrams, 2 of 7 bigrams, LCS of 5.
    scores = score_rouge(
        "The quick brown dog jumps on the log.", "The quick brown fox jumps over the lazy dog"
    )
    assert scores.rouge1 == pytest.approx(_f1(6 / 8, 6 / 9))
    assert scores.rouge1 == pytest.approx(0.70588, abs=1e-5)
    assert scores.rouge2 == pytest.approx(_f1(2 / 7, 2 / 8))
    assert scores.rouge_l == pytest.approx(_f1(5 / 8, 5 / 9))
    assert scores.rouge_l == pytest.approx(0.58824, abs=1e-5)


def test_identical_and_disjoint() -> None:
    assert score_rouge("a b c", "a b c") == RougeScores(1.0, 1.0, 1.0)
    assert score_rouge("a b c", "d e f") == RougeScores(0.0, 0.0, 0.0)
    assert score_rouge("", "d e f") == RougeScores(0.0, 0.0, 0.0)


def test_urdu_scores_non_zero() -> None:
    reference = "پنجاب میں سیلاب سے ہزاروں خاندان بے گھر ہو گئے ہیں۔"
    candidate = "سیلاب سے پنجاب میں ہزاروں خاندان بے گھر ہوئے۔"
    scores = score_rouge(candidate, reference)
    # Shared: پنجاب میں سیلاب سے ہزاروں خاندان بے گھر (8 of 9 and 8 of 11 tokens).
    assert scores.rouge1 == pytest.approx(_f1(8 / 9, 8 / 11))
    assert scores.rouge2 > 0
    assert scores.rouge_l > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Hello, World! It's 3.5%", ["hello", "world", "it", "s", "3", "5"], id="en"),
        pytest.param("’پاکِستان‘ کا نو‌منتخب۔", ["پاکِستان", "کا", "نومنتخب"], id="ur-marks-zwnj"),
        pytest.param("a+b=c <x> $5", ["a", "b", "c", "x", "5"], id="ascii-symbols"),
    ],
)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize_for_rouge(text) == expected


def test_rouge_n_clips_repeated_ngrams() -> None:
    assert rouge_n(["the", "the", "the"], ["the", "cat"], 1) == pytest.approx(_f1(1 / 3, 1 / 2))


def test_rouge_l_subsequence() -> None:
    assert rouge_l(["a", "x", "b", "c"], ["a", "b", "y", "c"]) == pytest.approx(0.75)


def test_exports_exist() -> None:
    assert all(hasattr(rouge, name) for name in rouge.__all__)
