"""The demo set: a few articles in each language, written for this project, so a fresh console has news."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources

from news.stories import Candidate, store_candidate
from storage import Store
from storage.articles import count_articles

__all__ = ["demo_candidates", "import_demo_articles"]


def demo_candidates(now: datetime | None = None) -> list[Candidate]:
    """The demo articles, dated relative to ``now``."""
    now = now or datetime.now(UTC)
    raw = json.loads(resources.files("bot").joinpath("demo_data/articles.json").read_text("utf-8"))
    out = []
    for item in raw:
        text = item["text"]
        out.append(
            Candidate(
                url=item["url"],
                canonical_url=item["url"],
                title=item["title"],
                language=item["language"],
                topic=item["topic"],
                text=text,
                lead=text.split("\n\n", 1)[0],
                published_at=now - timedelta(hours=item["hours_ago"]),
                source=item["source"],
            )
        )
    return out


async def import_demo_articles(store: Store) -> int:
    """Store the demo set when the store has no article at all; return how many were stored."""
    async with store.read() as session:
        if await count_articles(session):
            return 0
    stored = 0
    for candidate in demo_candidates():
        stored += not (await store_candidate(store, candidate)).duplicate
    return stored
