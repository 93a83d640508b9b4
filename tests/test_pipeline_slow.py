"""One slow feed never stalls the others: bounded page concurrency, a deadline per feed, and a
feed still running is skipped by the next pass instead of waited for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from news.extract.pages import Extractor
from news.ingest.fetch import Fetcher
from news.ingestloop import run_forever
from news.pipeline import FEED_LEASE, Pipeline
from storage import Store
from storage.feeds import get_feed
from tests.factories import add_feed, stored_articles
from tests.httpserver import LocalServer
from tests.pipeline_helpers import BODY, rss, unique_text
from tests.waiting import WAIT, until

INTERVAL = 60.0  # seconds on the pipeline's own clock


@dataclass
class Clock:
    """The pipeline's clock, moved by the test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Setup:
    store: Store
    server: LocalServer
    fetcher: Fetcher
    extractor: Extractor
    clock: Clock

    async def polled_until(self, feed_id: int, next_check: datetime) -> None:
        """Wait until the feed's poll is recorded, with its next check at ``next_check``."""

        async def recorded() -> bool:
            async with self.store.read() as session:
                feed = await get_feed(session, feed_id)
            return feed is not None and feed.next_check_at == next_check

        await until(recorded)

    def pipeline(
        self, *, feed_deadline: float | None = None, page_concurrency: int = 4
    ) -> Pipeline:
        return Pipeline(
            self.store,
            self.fetcher,
            self.extractor,
            interval=INTERVAL,
            clock=self.clock,
            feed_deadline=feed_deadline,
            page_concurrency=page_concurrency,
        )


@pytest.fixture
async def setup(store: Store) -> AsyncIterator[Setup]:
    # The fetch limit is far longer than the test: only the pipeline's own rules may stop a
    # trickling page, as a real trickle (a byte every 5 s) defeats any read timeout.
    async with (
        LocalServer() as server,
        Fetcher(allow_private=True, total_timeout=600.0, per_host_limit=8) as fetcher,
        Extractor(0) as extractor,
    ):
        yield Setup(
            store, server, fetcher, extractor, Clock(datetime(2026, 11, 23, 12, tzinfo=UTC))
        )


async def requests_reach(server: LocalServer, path: str, count: int) -> None:
    """Wait until ``path`` has been requested ``count`` times."""

    async def reached() -> bool:
        return len(server.requests_to(path)) >= count

    await until(reached)


def items(server: LocalServer, prefix: str, n: int) -> list[dict[str, str]]:
    return [
        {
            "title": f"Flood relief update number {i} from the valley",
            "link": server.url(f"{prefix}/{i}"),
            "guid": f"{prefix}-{i}",
            "date": f"Mon, 23 Nov 2026 {10 + i:02d}:00:00 +0000",
        }
        for i in range(n)
    ]


def add_trickling_feed(server: LocalServer, path: str, pages: int = 3) -> None:
    """A feed whose article pages send one byte every 5 s, forever."""
    for i in range(pages):
        server.add_drip(f"{path}/{i}", interval=5.0, chunk=b"<")
    server.add_bytes(f"{path}.xml", rss("Slow", items(server, path, pages)))


async def test_a_trickling_feed_does_not_delay_a_good_feeds_next_poll(setup: Setup) -> None:
    server = setup.server
    add_trickling_feed(server, "/slow")
    server.add_bytes("/good.xml", rss("Good", items(server, "/good", 1)))
    await add_feed(
        setup.store, setup.server.url("/slow.xml"), title="/slow.xml", topic="world", pages=True
    )
    good = await add_feed(
        setup.store, setup.server.url("/good.xml"), title="/good.xml", topic="world"
    )
    pipeline = setup.pipeline(feed_deadline=FEED_LEASE.total_seconds())
    start = setup.clock.now
    stop = asyncio.Event()
    loop = asyncio.create_task(run_forever(pipeline, stop, tick=0.02))
    try:
        await setup.polled_until(good, start + timedelta(seconds=INTERVAL))
        await requests_reach(server, "/slow/0", 1)  # the slow feed is stuck in its pages

        # One interval later by the pipeline's clock the good feed is polled again, while the
        # slow one still trickles: its next poll is not delayed by more than one interval.
        setup.clock.advance(INTERVAL)
        await setup.polled_until(good, start + timedelta(seconds=2 * INTERVAL))
        assert len(server.requests_to("/good.xml")) == 2

        # Past the slow feed's claim, it is still running here: skipped, not fetched twice.
        setup.clock.advance(FEED_LEASE.total_seconds() + INTERVAL)
        await requests_reach(server, "/good.xml", 3)
        assert len(server.requests_to("/slow.xml")) == 1
        assert len(server.requests_to("/slow/0")) == 1
    finally:
        stop.set()
        async with asyncio.timeout(WAIT):
            await loop


async def test_pages_past_the_deadline_fall_back_to_the_feeds_text(setup: Setup) -> None:
    server = setup.server
    page = (
        "<html><body><article><h1>Flood relief update number 0 from the valley</h1>"
        + "".join(f"<p>{BODY} Paragraph {n}.</p>" for n in range(3))
        + "</article></body></html>"
    ).encode()
    server.add_bytes("/mixed/0", page, content_type="text/html")
    server.add_drip("/mixed/1", interval=5.0, chunk=b"<")
    server.add_conditional("/mixed.xml", rss("Mixed", items(server, "/mixed", 2)), etag='"m1"')
    feed_id = await add_feed(
        setup.store, setup.server.url("/mixed.xml"), title="/mixed.xml", topic="world", pages=True
    )
    pipeline = setup.pipeline(feed_deadline=0.5)

    async with asyncio.timeout(WAIT):
        stats = await pipeline.run_pass()

    # Both items are stored, the trickling one with the feed's own text, and the feed says why.
    assert (stats.feeds_failed, stats.new_articles) == (1, 2)
    texts = {a.url.rsplit("/", 1)[1]: a.text for a in await stored_articles(setup.store)}
    assert "Paragraph 2." in texts["0"] and texts["1"] == BODY
    async with setup.store.read() as session:
        feed = await get_feed(session, feed_id)
    assert feed is not None and feed.error_count == 1
    assert feed.last_error is not None and "deadline" in feed.last_error
    assert feed.etag == '"m1"'  # every item is stored, so the next fetch may be conditional
    assert feed.next_check_at == setup.clock.now + timedelta(seconds=INTERVAL)


async def test_a_feed_that_trickles_itself_fails_at_its_deadline(setup: Setup) -> None:
    setup.server.add_drip("/stuck.xml", interval=5.0, chunk=b"<")
    feed_id = await add_feed(
        setup.store, setup.server.url("/stuck.xml"), title="/stuck.xml", topic="world"
    )
    pipeline = setup.pipeline(feed_deadline=0.5)

    async with asyncio.timeout(WAIT):
        stats = await pipeline.run_pass()

    assert stats.feeds_failed == 1
    async with setup.store.read() as session:
        feed = await get_feed(session, feed_id)
    assert feed is not None and feed.last_error is not None and "deadline" in feed.last_error
    assert feed.next_check_at is not None and feed.next_check_at > setup.clock.now


async def test_pages_of_one_feed_are_fetched_with_bounded_concurrency(setup: Setup) -> None:
    server = setup.server
    limit = 2
    in_flight = 0
    most = 0
    full = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        if in_flight >= limit:
            full.set()
        try:
            # Held until `limit` pages are asked for at once (or a while has passed).
            async with asyncio.timeout(5.0):
                await full.wait()
        except TimeoutError:
            pass
        in_flight -= 1
        page = "".join(f"<p>{unique_text(request.path, n)}</p>" for n in range(3))
        html = f"<html><body><article><h1>Flood relief</h1>{page}</article></body></html>"
        return web.Response(text=html, content_type="text/html")

    for i in range(4):
        server.add_handler(f"/busy/{i}", handler)
    server.add_bytes("/busy.xml", rss("Busy", items(server, "/busy", 4)))
    await add_feed(
        setup.store, setup.server.url("/busy.xml"), title="/busy.xml", topic="world", pages=True
    )
    pipeline = setup.pipeline(page_concurrency=limit)

    async with asyncio.timeout(WAIT):
        stats = await pipeline.run_pass()

    assert stats.new_articles == 4
    assert most == limit
