"""A new feed through the real pipeline: its dates, its backlog (stored, not pushed), its name."""

# Unknown and future dates never make an item look new; the first batch is named by the feed's
# own <title>, not by the URL the feed was added with.

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from news.extract.pages import Extractor
from news.ingest.fetch import Fetcher
from news.pipeline import Pipeline
from storage import Article, Delivery, Feed, Store
from tests.factories import add_chats, add_feed
from tests.httpserver import LocalServer
from tests.pipeline_helpers import rss

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@dataclass
class Desk:
    """A store, a local server, a pipeline on its own clock, and one chat subscribed to Pakistan.

    Its feeds are added as /addfeed and `khabar feeds add` add them: titled by their URL, never
    fetched (tests.factories.add_feed)."""

    store: Store
    server: LocalServer
    pipeline: Pipeline
    now: datetime

    async def stored(self) -> dict[str, tuple[datetime, bool]]:
        async with self.store.read() as session:
            rows = await session.execute(
                select(Article.title, Article.published_at, Article.date_known)
            )
            return {title: (published, known) for title, published, known in rows.all()}

    async def sources(self) -> set[str]:
        async with self.store.read() as session:
            return set((await session.execute(select(Article.source))).scalars())

    async def deliveries(self) -> int:
        async with self.store.read() as session:
            return (await session.execute(select(func.count(Delivery.id)))).scalar_one()


@pytest.fixture
async def desk(store: Store) -> AsyncIterator[Desk]:
    async with (
        LocalServer() as server,
        Fetcher(allow_private=True, total_timeout=2.0, max_bytes=1024 * 1024) as fetcher,
        Extractor(0) as extractor,
    ):
        d = Desk(store, server, Pipeline(store, fetcher, extractor, interval=300), NOW)
        d.pipeline.clock = lambda: d.now
        await add_chats(store, [1], topics=("pakistan",))
        yield d


BACKLOG = [
    "Sukkur barrage gates repaired before the sowing season",
    "Quetta schools reopen after the winter break",
    "Lahore metro extends its evening service hours",
    "Gwadar port receives its first container ship of the year",
    "Peshawar museum shows Gandhara sculptures returned from abroad",
]


def _item(title: str, date: str) -> dict[str, str]:
    slug = title.lower().replace(" ", "-")
    body = f"{title}, officials said on Monday, adding that details would follow."
    return {"title": title, "link": f"https://desk.example/{slug}", "date": date, "body": body}


async def test_unknown_and_future_dates_are_kept_as_unknown_or_clamped(desk: Desk) -> None:
    desk.server.add_bytes(
        "/feed.xml",
        rss(
            "Desk",
            [
                _item("Dated two hours ago", "Mon, 23 Nov 2026 10:00:00 +0000"),
                _item("Dated in words", "sometime last week"),
                # Local Karachi time labelled GMT: five hours ahead, clamped to the fetch time.
                _item("Dated five hours ahead", "Mon, 23 Nov 2026 17:00:00 GMT"),
                _item("Dated three days ahead", "Thu, 26 Nov 2026 12:00:00 +0000"),
            ],
        ),
    )
    await add_feed(desk.store, desk.server.url("/feed.xml"), topic="pakistan")

    await desk.pipeline.run_pass()

    assert await desk.stored() == {
        "Dated two hours ago": (NOW - timedelta(hours=2), True),
        "Dated in words": (NOW, False),  # sorted by when it was fetched, shown as date unknown
        "Dated five hours ahead": (NOW, True),
        "Dated three days ahead": (NOW, False),
    }


async def test_a_new_feeds_backlog_is_stored_but_not_pushed(desk: Desk) -> None:
    backlog = [_item(title, "Mon, 23 Nov 2026 09:00:00 +0000") for title in BACKLOG]
    desk.server.add_bytes("/feed.xml", rss("Desk", backlog))
    await add_feed(desk.store, desk.server.url("/feed.xml"), topic="pakistan")

    first = await desk.pipeline.run_pass()
    queued_after_backlog = await desk.deliveries()
    fresh = _item(
        "Karachi water board fixes the main supply line", "Mon, 23 Nov 2026 12:30:00 +0000"
    )
    desk.server.add_bytes("/feed.xml", rss("Desk", [fresh, *backlog]))
    desk.now += timedelta(hours=1)
    second = await desk.pipeline.run_pass()

    assert (first.new_articles, queued_after_backlog) == (5, 0)
    assert (second.new_articles, await desk.deliveries()) == (1, 1)


async def test_the_first_batch_is_named_by_the_feeds_own_title(desk: Desk) -> None:
    items = [_item(title, "Mon, 23 Nov 2026 09:00:00 +0000") for title in BACKLOG[:2]]
    desk.server.add_bytes("/feed.xml", rss("Sindh Desk", items))
    feed_id = await add_feed(desk.store, desk.server.url("/feed.xml?key=s3cret"), topic="pakistan")

    await desk.pipeline.run_pass()

    assert await desk.sources() == {"Sindh Desk"}
    async with desk.store.read() as session:
        feed = await session.get(Feed, feed_id)
    assert feed is not None and feed.title == "Sindh Desk"
