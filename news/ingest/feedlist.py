"""Keeping the store's feed list: seeding it from feeds.toml, adding, importing and exporting OPML."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from news.ingest.opml import parse_opml, render_opml
from news.ingest.sources import FeedSource, load_sources
from storage import Store
from storage.feeds import FeedIn, add_feed, list_feeds

__all__ = ["add_sources", "export_opml", "import_opml", "seed_feeds"]


async def add_sources(store: Store, sources: Iterable[FeedSource]) -> int:
    """Add each source whose URL is new; return how many were added."""
    added = 0
    async with store.write() as session:
        for s in sources:
            _, created = await add_feed(
                session, FeedIn(s.url, s.title, s.language, s.topic, s.fetch_pages)
            )
            added += created
    return added


async def seed_feeds(store: Store, path: Path) -> int:
    """On first start (no feed at all), add the feeds of ``path``; return how many."""
    async with store.read() as session:
        if await list_feeds(session):
            return 0
    return await add_sources(store, load_sources(path))


async def import_opml(store: Store, data: bytes) -> int:
    """Add the feeds of an OPML document; return how many were new."""
    return await add_sources(store, parse_opml(data))


async def export_opml(store: Store) -> str:
    """Every feed as an OPML document."""
    async with store.read() as session:
        feeds = await list_feeds(session)
    sources = [
        FeedSource(
            url=f.url,
            title=f.title or f.url,
            language="ur" if f.language == "ur" else "en",
            topic=f.topic or "world",  # type: ignore[arg-type]
            fetch_pages=f.fetch_pages,
        )
        for f in feeds
    ]
    return render_opml(sources)
