"""The stages the pipeline calls after it stores an article, as interfaces the pipeline owns.

The pipeline hands each later stage the article it has just written (``NewArticle``), so no
stage reads it back from the store; ``news.summaries.service.SummaryService`` is the summary
stage (``SummaryPrecompute``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from news.stories.candidate import Candidate
from storage.textnorm import clean_text

__all__ = ["NewArticle", "SummaryPrecompute"]


@dataclass(frozen=True)
class NewArticle:
    """An article the pipeline has just stored: its id and story, and the text it stored."""

    id: int
    story_id: int | None
    title: str
    language: str
    text: str
    lead: str

    @classmethod
    def of(cls, c: Candidate, article_id: int, story_id: int | None) -> NewArticle:
        """``c`` as the store keeps it (its column types clean text the same way)."""
        return cls(
            article_id,
            story_id,
            clean_text(c.title),
            c.language,
            clean_text(c.text),
            clean_text(c.lead),
        )


class SummaryPrecompute(Protocol):
    """The summary stage: prepares a new article's summaries while nobody waits for them."""

    def precompute_soon(self, article: NewArticle) -> None:
        """Start summarizing ``article`` in the background and return at once."""
