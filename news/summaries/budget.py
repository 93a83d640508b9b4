"""How long a summary may be: the one default per language, and cutting a text to a budget.

English is budgeted in words and Urdu in characters. The Urdu default is the English one carried
over by the XL-Sum references (scripts/eval_summaries.py data): the same one-sentence BBC summary
takes a median 21 words / 128 characters in English and 31 words / 148 characters in Urdu, so
Urdu needs ~1.5 times the words (its postpositions and auxiliaries are separate words) but only
~1.16 times the characters. 60 English words are ~355 characters; x 1.16 is ~410, so Urdu gets
400 characters (~85 words), where the old 450 (~97 words) let Urdu summaries run a sentence
longer than English ones and trail the first sentence on ROUGE-L. Reconsidered on XL-Sum Urdu's
tuning half (scripts/eval_summaries.py data, December 2026): at 300 / 350 / 400 / 450 / 500
characters ours scores ROUGE-1 26.0 / 27.0 / 27.1 / 26.5 / 26.4 and ROUGE-L 18.6 / 19.1 / 19.1 /
18.6 / 18.5, so 400 stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from news.summaries.sentences import split_sentences

__all__ = [
    "DEFAULT_MAX_CHARS_UR",
    "DEFAULT_MAX_WORDS_EN",
    "Budget",
    "Language",
    "SummaryBudget",
    "trim_to_budget",
    "truncate_sentence",
]

Language = Literal["en", "ur"]

DEFAULT_MAX_WORDS_EN = 60
DEFAULT_MAX_CHARS_UR = 400

_ELLIPSIS = "…"


@dataclass(frozen=True)
class Budget:
    """How long a summary may be, in sentences, words and characters; None means no limit."""

    max_sentences: int | None = None
    max_words: int | None = None
    max_chars: int | None = None

    @classmethod
    def for_language(
        cls,
        language: Language,
        *,
        max_sentences: int | None = None,
        max_words: int | None = None,
        max_chars: int | None = None,
    ) -> Budget:
        """Return the given limits, or the language's default (SummaryBudget)."""
        if max_sentences is None and max_words is None and max_chars is None:
            return SummaryBudget().budget(language)
        return cls(max_sentences=max_sentences, max_words=max_words, max_chars=max_chars)

    def fits(self, sentences: Sequence[str]) -> bool:
        """Return True when the sentences, joined by spaces, are within every limit."""
        if self.max_sentences is not None and len(sentences) > self.max_sentences:
            return False
        if self.max_words is not None and sum(len(s.split()) for s in sentences) > self.max_words:
            return False
        chars = sum(len(s) for s in sentences) + max(len(sentences) - 1, 0)
        return self.max_chars is None or chars <= self.max_chars


@dataclass(frozen=True)
class SummaryBudget:
    """The product's summary length: words for English, characters for Urdu (the settings
    SUMMARY_MAX_WORDS_EN and SUMMARY_MAX_CHARS_UR)."""

    max_words_en: int = DEFAULT_MAX_WORDS_EN
    max_chars_ur: int = DEFAULT_MAX_CHARS_UR

    def budget(self, language: Language) -> Budget:
        """The budget of a summary written in ``language``."""
        if language == "ur":
            return Budget(max_chars=self.max_chars_ur)
        return Budget(max_words=self.max_words_en)


def truncate_sentence(sentence: str, budget: Budget) -> str:
    """Cut one sentence at a word boundary, with an ellipsis, so that it fits the budget."""
    if budget.max_sentences == 0:
        return ""
    words = sentence.split()
    if budget.max_words is not None:
        words = words[: budget.max_words]
    if budget.max_chars is not None:
        room = budget.max_chars - len(_ELLIPSIS) + 1  # the first word has no space before it
        kept = 0
        for word in words:
            room -= len(word) + 1
            if room < 0:
                break
            kept += 1
        words = words[:kept]
    return " ".join(words) + _ELLIPSIS if words else ""


def trim_to_budget(text: str, budget: Budget) -> str:
    """Keep the leading sentences of text that fit the budget, cutting the first if it must."""
    kept: list[str] = []
    for sentence in split_sentences(text):
        if not budget.fits([*kept, sentence]):
            break
        kept.append(sentence)
    if not kept:
        sentences = split_sentences(text)
        return truncate_sentence(sentences[0], budget) if sentences else ""
    return " ".join(kept)
