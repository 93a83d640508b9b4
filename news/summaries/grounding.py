"""The grounding check: a language model's summary may state only what its sources state.

Every number, every Latin-script name and every quotation in the summary must appear in the
article, or in another report of the same story (how a transliterated name, "Lahore" for
لاہور, or a translated quotation is allowed: through the story's report in the summary's
language). Text is matched in its folded copy (storage.textnorm: Urdu letters unified,
diacritics dropped, Urdu and Arabic-Indic digits as ASCII, case folded). Across languages,
with no report in the summary's language, names and quotations cannot be matched word for word
and only the numbers are checked. A summary that fails is not shown: the caller falls back to
the extractive summary, which quotes the article itself, and counts it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from news.summaries.prompt import script_share
from storage.textnorm import normalize_for_search

__all__ = ["Grounding", "GroundingStats", "Source", "check_grounding"]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W_]+")
_LATIN_NAME = re.compile(r"(?<![\w’'])([A-Z][A-Za-z]+)(?:['’]s)?(?![\w’'])")
# Quotations of three words or more, in the marks English and Urdu news use ("…", “…”, ‘…’,
# BBC Urdu's ’…‘, «…»).
_QUOTE = re.compile(r"(?:^|(?<=[\s(:،,]))[\"“”«’‘]([^\"“”«»’‘]{8,}?)[\"“”»’‘](?![^\W\d_])")
_SENTENCE_START = re.compile(r"(?:^|[.!?۔؟:]\s+|\n)\s*[\"“‘’(]*([A-Z][A-Za-z]+)")
# Number words a summary may turn into digits ("three" -> 3): English and Urdu, one to twelve.
_NUMBER_WORDS = {
    word: str(value)
    for value, words in enumerate(
        (
            "one ایک",
            "two دو",
            "three تین",
            "four چار",
            "five پانچ",
            "six چھ",
            "seven سات",
            "eight آٹھ",
            "nine نو",
            "ten دس",
            "eleven گیارہ",
            "twelve بارہ",
        ),
        start=1,
    )
    for word in words.split()
}


@dataclass(frozen=True)
class Source:
    """A text the summary may draw on (the article, or another report of its story)."""

    text: str
    language: str


@dataclass(frozen=True)
class Grounding:
    """The check's verdict and the numbers, names and quotations found nowhere in the sources."""

    unsupported: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when everything checked was found."""
        return not self.unsupported


@dataclass
class GroundingStats:
    """How many model summaries were checked and how many were refused (for /metrics)."""

    checked: int = 0
    rejected: int = 0
    last_unsupported: tuple[str, ...] = field(default=())

    def record(self, verdict: Grounding) -> None:
        """Count one verdict."""
        self.checked += 1
        if not verdict.ok:
            self.rejected += 1
            self.last_unsupported = verdict.unsupported


def _numbers(folded: str) -> set[str]:
    found = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(folded)}
    found |= {_NUMBER_WORDS[w] for w in _WORD.findall(folded) if w in _NUMBER_WORDS}
    return found | {n.split(".")[0] for n in found if n.endswith(".0")}


def _names(summary: str) -> set[str]:
    """Capitalised Latin words, except a sentence's first word (capitalised anyway)."""
    starts = {m.start(1) for m in _SENTENCE_START.finditer(summary)}
    return {m.group(1) for m in _LATIN_NAME.finditer(summary) if m.start(1) not in starts}


def _quotes(summary: str) -> list[str]:
    quotes = [normalize_for_search(q) for q in _QUOTE.findall(summary)]
    return [" ".join(_WORD.findall(q)) for q in quotes if len(q.split()) >= 3]


def check_grounding(summary: str, language: str, sources: Sequence[Source]) -> Grounding:
    """Check a summary written in ``language`` against its sources (the article first)."""
    folded = [normalize_for_search(s.text) for s in sources]
    words = {w for text in folded for w in _WORD.findall(text)}
    numbers = set().union(*(_numbers(text) for text in folded)) if folded else set()
    same_language = [
        " ".join(_WORD.findall(text))
        for text, s in zip(folded, sources, strict=True)
        if s.language == language
    ]
    unsupported = [n for n in sorted(_numbers(normalize_for_search(summary))) if n not in numbers]
    # An English summary of an Urdu article with no English report spells names its own way.
    if language != "en" or same_language:
        unsupported += [n for n in sorted(_names(summary)) if n.casefold() not in words]
    if same_language:
        unsupported += [
            f"“{q}”" for q in _quotes(summary) if not any(q in text for text in same_language)
        ]
    if language == "ur" and script_share(summary, "ur") < 0.5:
        unsupported.append("(not in Urdu script)")
    return Grounding(tuple(unsupported))
