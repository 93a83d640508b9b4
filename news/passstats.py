"""What an ingest pass did: counts per feed and for the whole pass, what went wrong with a
feed's pages, and the summary line."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TypeVar

from news import errors
from news.stories.store import Stored

__all__ = ["FeedOutcome", "PageProblems", "PassStats"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")  # what a page task gives: the extracted page


@dataclass
class PassStats:
    """What one ingest pass did."""

    feeds_ok: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    new_articles: int = 0
    duplicates: int = 0
    new_stories: int = 0
    backlog: int = 0  # new articles that were a new feed's first batch (stored, not pushed)
    failures: list[str] = field(default_factory=list)

    def add(self, outcome: FeedOutcome) -> None:
        """Count one feed's outcome."""
        if outcome.error is not None:
            self.feeds_failed += 1
            self.failures.append(f"{outcome.url}: {outcome.error}")
        elif outcome.unchanged:
            self.feeds_unchanged += 1
        else:
            self.feeds_ok += 1
        self.new_articles += outcome.new_articles
        self.duplicates += outcome.duplicates
        self.new_stories += outcome.new_stories
        self.backlog += outcome.new_articles if outcome.backlog else 0

    def summary_line(self) -> str:
        """One line for the terminal and the log."""
        backlog = (
            f" ({self.backlog} of them new feeds' backlog, not pushed)" if self.backlog else ""
        )
        return (
            f"feeds ok {self.feeds_ok + self.feeds_unchanged} "
            f"(unchanged {self.feeds_unchanged}), failed {self.feeds_failed}; "
            f"new articles {self.new_articles}{backlog}, duplicates {self.duplicates}, "
            f"new stories {self.new_stories}"
        )


@dataclass
class FeedOutcome:
    """What happened to one feed in a pass."""

    url: str
    unchanged: bool = False
    error: str | None = None
    new_articles: int = 0
    duplicates: int = 0
    new_stories: int = 0
    backlog: bool = False  # the feed's first good fetch: stored, not pushed

    def count(self, stored: Stored) -> None:
        """Count one stored (or duplicate) article."""
        if stored.duplicate:
            self.duplicates += 1
        else:
            self.new_articles += 1
            self.new_stories += stored.new_story


@dataclass
class PageProblems:
    """The pages of one feed that did not give an article: too late, or their worker died."""

    late: int = 0
    unextracted: int = 0
    extract_error: str | None = None

    def article(self, page: asyncio.Task[_T | None]) -> _T | None:
        """A page task's result: None when it is still running (too late: it is cancelled),
        failed or found no article; the feed's own text then stands in."""
        if not page.done():
            page.cancel()
            self.late += 1
            return None
        if page.cancelled():
            return None
        exc = page.exception()
        if isinstance(exc, errors.ExtractError):
            self.unextracted += 1
            self.extract_error = str(exc)
        elif exc is not None:
            log.error("ingest: page task failed", exc_info=exc)
        return None if exc is not None else page.result()

    def describe(self, deadline: float) -> str | None:
        """One line for the feed's row, or None when every page went well."""
        parts = []
        if self.late:
            parts.append(
                f"ingest: {self.late} article pages not fetched within the {deadline:g} s "
                "deadline per feed"
            )
        if self.unextracted:
            parts.append(f"{self.unextracted} pages not extracted: {self.extract_error}")
        if not parts:
            return None
        return "; ".join(parts) + "; stored with the feed's own text"
