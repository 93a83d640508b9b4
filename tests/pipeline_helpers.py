"""Helpers for pipeline tests: RSS documents, article text, and a store + server + pipeline.

Feeds are added with tests.factories.add_feed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from news.pipeline import Pipeline
from storage import Article, Feed, Store
from tests.factories import stored_articles
from tests.httpserver import LocalServer

__all__ = ["BODY", "Harness", "rss", "unique_text"]

BODY = (
    "The provincial government announced a relief package on Monday for families whose homes "
    "were damaged by the floods, officials said. The package includes cash grants, tents and "
    "food rations, and will be distributed through district offices over the next two weeks. "
    "Opposition lawmakers said the help came late and asked for an audit of the spending. "
    "Engineers are still inspecting the embankments that broke during the heaviest rain."
)


WORDS = [
    *("river", "bank", "council", "school", "market", "budget", "wheat", "rain", "court"),
    *("police", "road", "bridge", "doctor", "hospital", "teacher", "farmer", "train"),
    *("station", "election", "minister", "power", "water", "price", "fuel", "cricket"),
]


def unique_text(seed: str, n: int) -> str:
    """A paragraph of words that no other seed produces (so pages are not near-duplicates)."""
    digest = hashlib.sha256(f"{seed}/{n}".encode()).digest()
    words = [WORDS[b % len(WORDS)] for b in digest * 2]
    return f"The {' '.join(words)} story was reported on Monday by officials in the city."


def rss(title: str, items: list[dict[str, str]], language: str = "en") -> bytes:
    """An RSS 2.0 document with these items (title, link; optional guid, date, body, category)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://example.org/</link><language>{language}</language>",
    ]
    for item in items:
        parts.append(
            "<item>"
            f"<title>{item['title']}</title><link>{item['link']}</link>"
            f"<guid>{item.get('guid', item['link'])}</guid>"
            f"<pubDate>{item.get('date', 'Mon, 23 Nov 2026 10:00:00 +0000')}</pubDate>"
            f"<description><![CDATA[{item.get('body', BODY)}]]></description>"
            + (f"<category>{item['category']}</category>" if "category" in item else "")
            + "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


@dataclass
class Harness:
    """A store, a local server and a pipeline that may fetch from loopback."""

    store: Store
    server: LocalServer
    pipeline: Pipeline
    now: datetime

    async def articles(self) -> list[Article]:
        """Every stored article, in the order stored."""
        return await stored_articles(self.store)

    async def feed(self, feed_id: int) -> Feed:
        """The feed's row as stored now."""
        async with self.store.read() as session:
            feed = await session.get(Feed, feed_id)
        assert feed is not None
        return feed

    def later(self, hours: float) -> None:
        self.now += timedelta(hours=hours)
