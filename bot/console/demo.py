"""The console's demo set: a few made-up articles in each language, and their removal from the bot's store."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from importlib import resources

from news.embeddings.service import Embeddings
from news.pipeline import Pipeline
from news.retention import delete_under_url
from news.stories.candidate import Candidate, build_candidate
from storage import Store
from storage.articles import count_articles

__all__ = ["DEMO_URL_PREFIX", "demo_candidates", "import_demo_articles", "remove_demo_articles"]

log = logging.getLogger(__name__)

# Every demo article lives under this URL (.invalid is reserved, RFC 2606): how they are told
# apart from real news in a store, also in one an older Khabar filled from the console.
DEMO_URL_PREFIX = "https://demo.khabar.invalid/"


def demo_candidates(now: datetime | None = None) -> list[Candidate]:
    """The demo articles, dated relative to ``now``."""
    now = now or datetime.now(UTC)
    raw = json.loads(
        resources.files("bot.console").joinpath("demo_data/articles.json").read_text("utf-8")
    )
    out = []
    for item in raw:
        text = item["text"]
        out.append(
            build_candidate(
                url=item["url"],
                title=item["title"],
                text=text,
                language=item["language"],
                fetched_at=now,
                topic=item["topic"],
                lead=text.split("\n\n", 1)[0],
                published_at=now - timedelta(hours=item["hours_ago"]),
                source=item["source"],
            )
        )
    return out


async def import_demo_articles(store: Store, embeddings: Embeddings | None = None) -> int:
    """Store the demo set when the store has no article at all; return how many were stored.

    Through the pipeline, as any article; never pushed (made-up news). With ``embeddings``
    its English and Urdu reports of one event share a story, as they would from real feeds."""
    async with store.read() as session:
        if await count_articles(session):
            return 0
    pipeline = Pipeline(store, embeddings=embeddings)
    stored = 0
    for candidate in demo_candidates():
        stored += not (await pipeline.ingest_candidate(candidate, push=False)).duplicate
    return stored


async def remove_demo_articles(store: Store) -> int:
    """Delete every demo article (with its stories and their deliveries); return how many."""
    removed = await delete_under_url(store, DEMO_URL_PREFIX)
    if removed:
        log.info("demo: removed %d demo articles from the bot's database", removed)
    return removed
