"""What an ingest pass did: counts per feed and for the whole pass, and their summary line."""

from __future__ import annotations

from dataclasses import dataclass, field

from news.stories import Stored

__all__ = ["FeedOutcome", "PassStats"]


@dataclass
class PassStats:
    """What one ingest pass did."""

    feeds_ok: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    new_articles: int = 0
    duplicates: int = 0
    new_stories: int = 0
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

    def summary_line(self) -> str:
        """One line for the terminal and the log."""
        return (
            f"feeds ok {self.feeds_ok + self.feeds_unchanged} "
            f"(unchanged {self.feeds_unchanged}), failed {self.feeds_failed}; "
            f"new articles {self.new_articles}, duplicates {self.duplicates}, "
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

    def count(self, stored: Stored) -> None:
        """Count one stored (or duplicate) article."""
        if stored.duplicate:
            self.duplicates += 1
        else:
            self.new_articles += 1
            self.new_stories += stored.new_story
