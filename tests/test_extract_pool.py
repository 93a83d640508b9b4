"""The extraction pool outlives its workers: a worker killed (SIGKILL, as the OOM killer does) is
replaced and the work goes on; while extraction fails, the feed, /healthz and /metrics say so."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from bot.metrics import Metrics, MetricsServer
from news.extract.pages import Extractor
from news.ingest.fetch import Fetcher
from news.pipeline import Pipeline
from storage import Store
from storage.feeds import get_feed
from tests.factories import add_feed
from tests.httpserver import LocalServer, free_port
from tests.pipeline_helpers import rss
from tests.waiting import WAIT, until

PAGE = (Path(__file__).parent / "data" / "pages" / "en-article.html").read_bytes()
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def alive(pid: int) -> bool:
    """Whether a process (not necessarily our child) still exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def freeze_worker(extractor: Extractor) -> int:
    """Start the pool, then stop its one worker (SIGSTOP): no job can finish until it dies."""
    assert await extractor.extract(PAGE, None) is not None
    (pid,) = extractor.worker_pids()
    os.kill(pid, signal.SIGSTOP)
    return pid


async def kill_when_busy(extractor: Extractor, pid: int) -> None:
    """SIGKILL the frozen worker once a job is waiting for it."""
    await until(lambda: extractor.in_flight >= 1)
    os.kill(pid, signal.SIGKILL)


async def test_a_worker_killed_mid_job_is_replaced_and_the_job_done() -> None:
    async with Extractor(1) as extractor:
        pid = await freeze_worker(extractor)
        job = asyncio.create_task(extractor.extract(PAGE, None))
        await kill_when_busy(extractor, pid)
        async with asyncio.timeout(WAIT):
            article = await job
        assert article is not None and article.title
        assert (extractor.restarts, extractor.failing) == (1, False)
        assert pid not in extractor.worker_pids()


async def test_an_idle_worker_killed_is_replaced_before_the_next_job() -> None:
    async with Extractor(1) as extractor:
        assert await extractor.extract(PAGE, None) is not None
        (pid,) = extractor.worker_pids()
        os.kill(pid, signal.SIGKILL)
        await until(lambda: not alive(pid))
        async with asyncio.timeout(WAIT):
            article = await extractor.extract(PAGE, None)
        assert article is not None
        assert extractor.restarts == 1 and not extractor.failing


@pytest.fixture
async def metrics_server(store: Store) -> MetricsServer:
    metrics = Metrics(store, lambda: NOW)
    return MetricsServer(metrics, free_port(), "127.0.0.1")


async def test_while_extraction_fails_the_feed_healthz_and_metrics_say_so(
    store: Store, metrics_server: MetricsServer
) -> None:
    clock = [NOW]
    async with (
        LocalServer() as server,
        Fetcher(allow_private=True, total_timeout=10.0) as fetcher,
        # No second try: the job on the killed worker fails, as a page that kills every
        # worker it meets would fail.
        Extractor(1, retries=0) as extractor,
    ):
        server.add_bytes("/page/1", PAGE, content_type="text/html")
        server.add_bytes("/page/2", PAGE.replace(b"Textile", b"Garment"), content_type="text/html")
        item = {"title": "Textile exporters win a reprieve", "link": server.url("/page/1")}
        server.add_bytes("/feed.xml", rss("Ledger", [item]))
        feed_id = await add_feed(
            store, server.url("/feed.xml"), title="Ledger", topic="business", pages=True
        )
        pipeline = Pipeline(store, fetcher, extractor, interval=300, clock=lambda: clock[0])
        metrics = metrics_server.metrics
        metrics.pipeline = pipeline
        pipeline.last_pass_at = NOW
        await metrics_server.start()
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{metrics_server.port}") as web:
                pid = await freeze_worker(extractor)
                ingest = asyncio.create_task(pipeline.run_pass())
                await kill_when_busy(extractor, pid)
                async with asyncio.timeout(WAIT):
                    stats = await ingest

                # The article is kept (with the feed's own text); the failure shows everywhere.
                assert stats.new_articles == 1
                async with store.read() as session:
                    row = await get_feed(session, feed_id)
                assert row is not None and row.error_count == 1
                assert row.last_error is not None and "extract" in row.last_error
                health = await web.get("/healthz")
                assert health.status_code == 503 and health.text.startswith("extract:")
                body = (await web.get("/metrics")).text
                assert "khabar_extract_failing 1.0" in body
                assert "khabar_extract_restarts 1.0" in body
                assert "khabar_extract_failed 1.0" in body

                # The next page extracts on the new pool: healthy again.
                item2 = {"title": "Garment exporters win a reprieve", "link": server.url("/page/2")}
                server.add_bytes("/feed.xml", rss("Ledger", [item2, item]))
                clock[0] = NOW.replace(hour=13)
                pipeline.last_pass_at = clock[0]
                async with asyncio.timeout(WAIT):
                    stats = await pipeline.run_pass()
                assert stats.new_articles == 1
                async with store.read() as session:
                    row = await get_feed(session, feed_id)
                assert row is not None and (row.error_count, row.last_error) == (0, None)
                assert (await web.get("/healthz")).status_code == 200
                assert "khabar_extract_failing 0.0" in (await web.get("/metrics")).text
        finally:
            await metrics_server.stop()


async def test_an_idle_pool_stops_its_workers_and_starts_again_for_the_next_page() -> None:
    async with Extractor(1, idle_close=0.05) as extractor:
        assert await extractor.extract(PAGE, None) is not None
        (pid,) = extractor.worker_pids()

        await until(lambda: not alive(pid))
        assert extractor.worker_pids() == []

        assert await extractor.extract(PAGE, None) is not None
        assert extractor.worker_pids() not in ([], [pid])


async def test_a_thread_extractor_runs_its_jobs_one_at_a_time() -> None:
    # lxml parsers are not thread-safe (trafilatura shares one): pages extracted in several
    # threads at once corrupted the heap. Jobs given together all run in the one thread.
    def job() -> int:
        time.sleep(0.02)  # still running when the next job is handed over
        return threading.get_ident()

    async with Extractor(0) as extractor:
        threads = await asyncio.gather(*(extractor.run(job) for _ in range(4)))
    assert len(set(threads)) == 1
