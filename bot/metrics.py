"""Health and metrics on METRICS_PORT: ``/healthz`` and ``/metrics`` (Prometheus text format)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
from collections.abc import Callable
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.push.sender import Sender
from news.pipeline import Pipeline
from news.summaries.service import SummaryService
from storage import Store
from storage.articles import count_articles
from storage.deliveries import count_by_state
from storage.health import database_answers, feed_health
from storage.stats import delivery_latencies

__all__ = ["Metrics", "MetricsServer"]

log = logging.getLogger(__name__)


class Metrics:
    """Gauges refreshed from the store and the running loops, in their own registry."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self.registry = CollectorRegistry()
        r = self.registry
        self.feeds = Gauge("khabar_feeds", "Enabled feeds by health", ["health"], registry=r)
        self.articles = Gauge("khabar_articles", "Articles in the store", registry=r)
        self.ingested = Gauge(
            "khabar_articles_ingested", "Articles stored by this process", registry=r
        )
        self.deliveries = Gauge("khabar_deliveries", "Outbox rows by state", ["state"], registry=r)
        self.latency = Gauge(
            "khabar_delivery_latency_seconds",
            "Publish-to-delivery latency over the last hour",
            ["quantile"],
            registry=r,
        )
        self.sent = Gauge("khabar_push_sent", "Pushes sent by this process", registry=r)
        self.failed = Gauge("khabar_push_failed", "Pushes that failed in this process", registry=r)
        self.rate_limited = Gauge("khabar_push_429", "429 answers seen by this process", registry=r)
        self.extract_failing = Gauge(
            "khabar_extract_failing", "1 while page extraction fails (its workers die)", registry=r
        )
        self.extract_restarts = Gauge(
            "khabar_extract_restarts", "Extraction pools replaced after a worker died", registry=r
        )
        self.extract_failed = Gauge(
            "khabar_extract_failed", "Pages not extracted because their worker died", registry=r
        )
        self.summaries_checked = Gauge(
            "khabar_summaries_checked",
            "Language-model summaries put through the grounding check by this process",
            registry=r,
        )
        self.summaries_ungrounded = Gauge(
            "khabar_summaries_ungrounded",
            "Language-model summaries refused (a number, name or quote not in the article)",
            registry=r,
        )
        self.pipeline: Pipeline | None = None
        self.sender: Sender | None = None
        self.summaries: SummaryService | None = None

    async def refresh(self) -> None:
        """Read the current figures."""
        async with self.store.read() as session:
            ok, failing = await feed_health(session)
            articles = await count_articles(session)
            states = await count_by_state(session)
            latencies = await delivery_latencies(session, self.clock() - timedelta(hours=1))
        self.feeds.labels("ok").set(ok)
        self.feeds.labels("failing").set(failing)
        self.articles.set(articles)
        if self.pipeline is not None:
            self.ingested.set(self.pipeline.stored_total)
            extractor = self.pipeline.extractor
            self.extract_failing.set(int(extractor.failing))
            self.extract_restarts.set(extractor.restarts)
            self.extract_failed.set(extractor.failed)
        for state, n in states.items():
            self.deliveries.labels(state).set(n)
        if latencies:
            self.latency.labels("0.5").set(statistics.median(latencies))
            p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
            self.latency.labels("0.95").set(p95)
        if self.summaries is not None:
            self.summaries_checked.set(self.summaries.grounding.checked)
            self.summaries_ungrounded.set(self.summaries.grounding.rejected)
        if self.sender is not None:
            self.sent.set(self.sender.sent)
            self.failed.set(self.sender.failed)
            self.rate_limited.set(self.sender.rate_limited)

    async def health(self) -> tuple[bool, str]:
        """Ready when the database answers, the last ingest pass is recent and extraction works."""
        try:
            async with self.store.read() as session:
                if not await database_answers(session):
                    return False, "database: no answer"
        except Exception as exc:
            return False, f"database: {exc.__class__.__name__}"
        pipeline = self.pipeline
        if pipeline is not None:
            limit = timedelta(seconds=max(3 * pipeline.interval, 600))
            last = pipeline.last_pass_at
            if last is None or self.clock() - last > limit:
                return False, "ingest: no recent pass"
            if pipeline.extractor.last_error is not None:
                return False, pipeline.extractor.last_error
        return True, "ok"


class _Health(RequestHandler):
    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def get(self) -> None:
        ready, reason = await self.metrics.health()
        self.set_status(200 if ready else 503)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(reason + "\n")


class _Metrics(RequestHandler):
    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def get(self) -> None:
        try:
            await self.metrics.refresh()
        except Exception as exc:  # serve the last figures rather than nothing
            log.warning("metrics: refresh failed: %r", exc)
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest(self.metrics.registry))


class MetricsServer:
    """Serves /healthz and /metrics on the bot's event loop (tornado, already a dependency)."""

    def __init__(self, metrics: Metrics, port: int, host: str = "0.0.0.0") -> None:
        self.metrics = metrics
        self.port = port
        self.host = host
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        """Listen on the port."""
        app = Application(
            [
                (r"/healthz", _Health, {"metrics": self.metrics}),
                (r"/metrics", _Metrics, {"metrics": self.metrics}),
            ]
        )
        self._server = HTTPServer(app)
        self._server.listen(self.port, self.host)
        log.info("metrics: serving /healthz and /metrics on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.close_all_connections(), timeout=2)
