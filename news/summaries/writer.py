"""Summaries for the bot: the LLM backend when configured, else the built-in extractive ranker.

Fallback policy (research urdu-summaries.md §3.5): an abstractive summary in the reader's
language when a backend is given and its answer passes the guards; otherwise the extractive
summary, which can only be in the article's own language, so the caller adds a note when that
differs from what the reader asked for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from news.summaries.budget import Language, SummaryBudget
from news.summaries.extractive import summarize_extractive
from news.summaries.grounding import GroundingStats, Source, check_grounding
from news.summaries.llm import LLMBackend, LLMError

__all__ = ["LANGUAGES", "Summary", "summarize", "summarize_extractive"]

log = logging.getLogger(__name__)

LANGUAGES: tuple[Language, ...] = ("en", "ur")


@dataclass(frozen=True)
class Summary:
    """A summary's text, the language it is written in, and the backend that wrote it."""

    text: str
    language: str
    backend: str
    # A headline in ``language`` when the article's own title is in another one (else None).
    headline: str | None = None


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"summaries: unsupported language {language!r}, expected 'en' or 'ur'")


async def summarize(
    text: str,
    *,
    source_language: Language,
    target_language: Language,
    backend: LLMBackend | None = None,
    budget: SummaryBudget | None = None,
    others: Sequence[Source] = (),
    grounding: GroundingStats | None = None,
) -> Summary:
    """Summarize text for a reader of target_language, falling back to extractive on failure;
    each summary within the budget of the language it is written in. A model's summary must
    pass the grounding check against text and ``others`` (the story's other reports), else
    the extractive one is returned and ``grounding`` counts the refusal."""
    _check_language(source_language)
    _check_language(target_language)
    lengths = budget or SummaryBudget()
    if backend is not None and text.strip():
        try:
            written = await backend.summarize(
                text,
                source_language=source_language,
                target_language=target_language,
                budget=lengths.budget(target_language),
            )
        except LLMError:
            pass  # the backend logged why; fall back below
        else:
            checked = "\n".join(filter(None, (written.headline, written.summary)))
            sources = [Source(text, source_language), *others]
            # Off the loop: it folds and scans the whole article and the story's other reports.
            verdict = await asyncio.to_thread(check_grounding, checked, target_language, sources)
            if grounding is not None:
                grounding.record(verdict)
            if verdict.ok:
                return Summary(written.summary, target_language, backend.name, written.headline)
            log.warning(
                "summaries: %s summary refused by the grounding check, not in the article: %s",
                backend.name,
                ", ".join(verdict.unsupported),
            )
    limit = lengths.budget(source_language)
    extract = await asyncio.to_thread(
        summarize_extractive,
        text,
        source_language,
        max_words=limit.max_words,
        max_chars=limit.max_chars,
    )
    return Summary(extract, source_language, "extractive")
