"""What a fetch does to a feed's row: its health, when it is next due, and its validators.

The pipeline (news.pipeline) calls this after each fetch of a feed; the delays come from
news.ingest.fetch.next_check_delay (back-off on errors, the feed's ``ttl``, ``max-age`` and
``Retry-After``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from news.ingest.feedparse import ParsedFeed
from news.ingest.fetch import FetchResult, next_check_delay
from news.passstats import FeedOutcome
from storage import Feed, Store
from storage.feeds import feed_title, record_fetch_error, record_fetch_ok

__all__ = ["FeedHealth"]

log = logging.getLogger(__name__)


class FeedHealth:
    """Records each fetch on its feed's row; ``interval`` is the pipeline's base interval."""

    def __init__(self, store: Store, interval: float, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.interval = interval
        self.clock = clock

    async def failed(self, feed: Feed, error: str, retry_after: float | None = None) -> FeedOutcome:
        """Record a failed fetch (the feed backs off); the feed's outcome, with the error."""
        delay = next_check_delay(
            base_interval=self.interval, error_count=feed.error_count + 1, retry_after=retry_after
        )
        async with self.store.write() as session:
            await record_fetch_error(
                session, feed.id, error=error, next_check_at=self.clock() + timedelta(seconds=delay)
            )
        log.warning("ingest: feed %s (%s) failed: %s", feed.id, feed.url, error)
        return FeedOutcome(feed.url, error=error)

    async def fetched(
        self,
        feed: Feed,
        result: FetchResult,
        parsed: ParsedFeed | None,
        *,
        problem: str | None = None,
        known: bool = False,
    ) -> None:
        """Record a good fetch; ``known``: its document held nothing new (validators kept)."""
        good = parsed is not None or result.not_modified or known
        delay = next_check_delay(
            base_interval=self.interval,
            max_age=result.max_age,
            ttl_minutes=parsed.ttl_minutes if parsed else None,
        )
        async with self.store.write() as session:
            await record_fetch_ok(
                session,
                feed.id,
                next_check_at=self.clock() + timedelta(seconds=delay),
                # Validators change only after a good parse (miniflux response_handler.go).
                etag=result.etag if good else feed.etag,
                last_modified=result.last_modified if good else feed.last_modified,
                title=parsed.title if parsed and parsed.title and not feed_title(feed) else None,
                problem=problem,
            )
