"""Summaries of articles: the cached service, the extractive ranker, sentences, the LLM backend."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from news.summaries.budget import (
        DEFAULT_MAX_CHARS_UR,
        DEFAULT_MAX_WORDS_EN,
        Budget,
        Language,
        SummaryBudget,
        trim_to_budget,
        truncate_sentence,
    )
    from news.summaries.centrality import cosine_similarities, forward_centrality
    from news.summaries.extractive import RANKER, Ranker, score_sentences, summarize_extractive
    from news.summaries.llm import LLMBackend, LLMError, OpenAIBackend, estimate_tokens
    from news.summaries.prompt import (
        MAX_HEADLINE_CHARS,
        Written,
        read_answer,
        script_share,
        system_prompt,
    )
    from news.summaries.sentences import (
        is_arabic_letter,
        is_boilerplate,
        split_sentences,
        strip_dateline,
    )
    from news.summaries.service import (
        Headline,
        SummaryResult,
        SummaryService,
        SummarySource,
        summary_for,
    )
    from news.summaries.writer import LANGUAGES, Summary, summarize

__all__ = [
    "DEFAULT_MAX_CHARS_UR",
    "DEFAULT_MAX_WORDS_EN",
    "LANGUAGES",
    "MAX_HEADLINE_CHARS",
    "RANKER",
    "Budget",
    "Headline",
    "LLMBackend",
    "LLMError",
    "Language",
    "OpenAIBackend",
    "Ranker",
    "Summary",
    "SummaryBudget",
    "SummaryResult",
    "SummaryService",
    "SummarySource",
    "Written",
    "cosine_similarities",
    "estimate_tokens",
    "forward_centrality",
    "is_arabic_letter",
    "is_boilerplate",
    "read_answer",
    "score_sentences",
    "script_share",
    "split_sentences",
    "strip_dateline",
    "summarize",
    "summarize_extractive",
    "summary_for",
    "system_prompt",
    "trim_to_budget",
    "truncate_sentence",
]

__getattr__ = lazy_exports(__name__, __path__)
