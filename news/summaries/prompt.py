"""What Khabar asks a language model, and how its answer is read: a summary, and across
languages a headline too, from one prompt that summarizes and translates at once.

An English article for an Urdu reader (or the reverse) gets one request: "write a headline and
a summary in Urdu", answered as two labelled lines. Asking once keeps the headline and the
summary consistent and halves the calls on a CPU-only server. Small local models follow a
labelled-line format more reliably than JSON; an answer without labels is taken as the summary
alone (the card then keeps the original headline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from news.errors import LLMError
from news.summaries.budget import Budget, Language, trim_to_budget
from news.summaries.sentences import is_arabic_letter

__all__ = ["MAX_HEADLINE_CHARS", "Written", "read_answer", "script_share", "system_prompt"]

MAX_HEADLINE_CHARS = 200
_LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "ur": "Urdu"}
# "Headline: ...", "**Summary:** ...", "سرخی: ..." (small models bold the labels, or translate them).
_LABEL = r"^\s*[*#]*\s*(?:{})\s*[*]*\s*[:：]\s*[*]*\s*"
_HEADLINE = re.compile(_LABEL.format("headline|title|سرخی|عنوان"), re.I)
_SUMMARY = re.compile(_LABEL.format("summary|خلاصہ"), re.I)


@dataclass(frozen=True)
class Written:
    """What the model wrote: a summary, and a headline when one was asked for and given."""

    summary: str
    headline: str | None = None


def _describe(budget: Budget) -> str:
    limits = []
    if budget.max_sentences is not None:
        limits.append(f"{budget.max_sentences} sentences")
    if budget.max_words is not None:
        limits.append(f"{budget.max_words} words")
    if budget.max_chars is not None:
        limits.append(f"{budget.max_chars} characters")
    return "at most " + " and ".join(limits) if limits else "one short paragraph"


def system_prompt(source: Language, target: Language, budget: Budget) -> str:
    """The system message: summarize (and, across languages, translate and write a headline)."""
    target_name = _LANGUAGE_NAMES[target]
    lines = [f"You are a news editor. Summarize the news article the user sends in {target_name}."]
    if source != target:
        lines.append(
            f"The article is in {_LANGUAGE_NAMES[source]}; the summary must be in {target_name}: "
            "translate as you summarize, and also write a short headline in "
            f"{target_name}."
        )
    if target == "ur":
        lines.append("Write in Urdu script (Perso-Arabic letters), never in Roman Urdu.")
    lines.append(f"Write {_describe(budget)}.")
    lines.append("Keep names, numbers and facts as in the article and add nothing else.")
    if source != target:
        lines.append(
            "Reply in exactly two lines: 'Headline: ' and the headline, then 'Summary: ' and "
            "the summary; nothing else."
        )
    else:
        lines.append("Reply with the summary only: no title, no preamble, no notes.")
    return " ".join(lines)


def script_share(text: str, language: Language) -> float:
    """The share of the text's letters written in the language's script."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return 0.0
    if language == "ur":
        matching = sum(1 for char in letters if is_arabic_letter(char))
    else:
        matching = sum(1 for char in letters if char.isascii())
    return matching / len(letters)


def _split_labels(answer: str) -> tuple[str | None, str]:
    """The labelled headline (None without one) and the summary of an answer."""
    headline: str | None = None
    summary: list[str] = []
    labelled = False
    for line in answer.splitlines():
        if _HEADLINE.match(line):
            headline, labelled = _HEADLINE.sub("", line, count=1).strip(" *"), True
        elif _SUMMARY.match(line):
            summary, labelled = [_SUMMARY.sub("", line, count=1)], True
        elif not labelled or summary:
            summary.append(line)
    return headline or None, "\n".join(summary).strip()


def read_answer(answer: str, target: Language, budget: Budget) -> Written:
    """The summary (within budget) and headline of an answer, or LLMError if not usable."""
    headline, summary = _split_labels(answer)
    if not summary:
        raise LLMError("empty answer")
    if script_share(summary, target) < 0.5:
        raise LLMError(f"answer is not in {_LANGUAGE_NAMES[target]} script")
    if headline is not None and (
        script_share(headline, target) < 0.5 or len(headline) > MAX_HEADLINE_CHARS
    ):
        headline = None  # a headline in the wrong script or too long: keep the original one
    return Written(trim_to_budget(summary, budget), headline)
