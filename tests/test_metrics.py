"""/healthz and /metrics over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from bot.metrics import Metrics, MetricsServer
from news.extract.pages import Extractor
from news.ingest.fetch import Fetcher
from news.pipeline import Pipeline
from storage import Store
from storage.feeds import FeedIn, add_feed, record_fetch_error
from tests.httpserver import free_port

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


async def test_health_and_metrics(store: Store) -> None:
    async with store.write() as session:
        await add_feed(session, FeedIn("https://a.example/feed", "A", "en"))
        bad, _ = await add_feed(session, FeedIn("https://b.example/feed", "B", "ur"))
        await record_fetch_error(session, bad.id, error="fetch: 500", next_check_at=NOW)
    metrics = Metrics(store, lambda: NOW)
    server = MetricsServer(metrics, free_port(), "127.0.0.1")
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            health = await client.get("/healthz")
            assert (health.status_code, health.text.strip()) == (200, "ok")
            body = (await client.get("/metrics")).text
            assert 'khabar_feeds{health="failing"} 1.0' in body
            assert 'khabar_feeds{health="ok"} 1.0' in body
            assert 'khabar_deliveries{state="queued"} 0.0' in body

            async with Fetcher() as fetcher, Extractor(0) as extractor:
                metrics.pipeline = Pipeline(store, fetcher, extractor, clock=lambda: NOW)
                stale = await client.get("/healthz")
                assert (stale.status_code, stale.text.strip()) == (503, "ingest: no recent pass")
                metrics.pipeline.last_pass_at = NOW
                assert (await client.get("/healthz")).status_code == 200
    finally:
        await server.stop()
