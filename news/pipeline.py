"""The ingest pipeline, the one place that runs feeds → fetch → parse → extract → dedup → topics → store."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from news import errors
from news.boilerplate import BoilerplateFilter
from news.canonical import canonicalize_url
from news.extract import ExtractedArticle, Extractor
from news.feedparse import FeedEntry, ParsedFeed, html_to_text, parse_feed
from news.fetch import PAGE_ACCEPT, Fetcher, FetchResult, next_check_delay
from news.language import detect_language
from news.outbox import BreakingRule, route_stored
from news.stories import Candidate, Stored, store_candidate
from news.storyindex import StoryIndex
from news.textdoc import make_lead
from news.topics import classify
from storage import Feed, Store
from storage.articles import find_duplicate
from storage.feeds import claim_due_feeds, feed_title, record_fetch_error, record_fetch_ok

__all__ = ["FeedOutcome", "PassStats", "Pipeline", "entry_text", "run_forever"]

log = logging.getLogger(__name__)

FEED_LEASE = timedelta(minutes=10)  # longest a pass may hold a feed before another may take it
_NO_HASH = "-"  # matches no content hash: a URL/GUID-only duplicate check


@dataclass
class PassStats:
    """What one ingest pass did."""

    feeds_ok: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    new_articles: int = 0
    duplicates: int = 0
    new_stories: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, outcome: FeedOutcome) -> None:
        """Count one feed's outcome."""
        if outcome.error is not None:
            self.feeds_failed += 1
            self.failures.append(f"{outcome.url}: {outcome.error}")
        elif outcome.unchanged:
            self.feeds_unchanged += 1
        else:
            self.feeds_ok += 1
        self.new_articles += outcome.new_articles
        self.duplicates += outcome.duplicates
        self.new_stories += outcome.new_stories

    def summary_line(self) -> str:
        """One line for the terminal and the log."""
        return (
            f"feeds ok {self.feeds_ok + self.feeds_unchanged} "
            f"(unchanged {self.feeds_unchanged}), failed {self.feeds_failed}; "
            f"new articles {self.new_articles}, duplicates {self.duplicates}, "
            f"new stories {self.new_stories}"
        )


@dataclass
class FeedOutcome:
    """What happened to one feed in a pass."""

    url: str
    unchanged: bool = False
    error: str | None = None
    new_articles: int = 0
    duplicates: int = 0
    new_stories: int = 0

    def count(self, stored: Stored) -> None:
        """Count one stored (or duplicate) article."""
        if stored.duplicate:
            self.duplicates += 1
        else:
            self.new_articles += 1
            self.new_stories += stored.new_story


def entry_text(entry: FeedEntry) -> str:
    """The best body a feed entry carries by itself: content:encoded, else its summary."""
    if entry.content_html:
        # One line per block from the feed parser's converter; paragraphs are blank-line separated.
        lines = html_to_text(entry.content_html).splitlines()
        text = "\n\n".join(line.strip() for line in lines if line.strip())
        if len(text) > len(entry.summary_text):
            return text
    return entry.summary_text


OnStory = Callable[[Stored], Awaitable[None]]


class Pipeline:
    """Fetches due feeds and stores their new articles; one instance per process."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        extractor: Extractor,
        *,
        interval: float = 300.0,
        max_items: int = 200,
        feed_concurrency: int = 8,
        on_stored: OnStory | None = None,
        breaking: BreakingRule | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.extractor = extractor
        self.interval = interval
        self.max_items = max_items
        self.on_stored = on_stored
        self.breaking = breaking or BreakingRule()
        self.clock = clock
        self.boilerplate = BoilerplateFilter()
        self.stories = StoryIndex(store)
        self._feeds = asyncio.Semaphore(feed_concurrency)
        self.last_pass_at: datetime | None = None
        self.stored_total = 0  # articles this process stored, for metrics

    async def run_pass(self, progress: Callable[[int, int], None] | None = None) -> PassStats:
        """Ingest every feed that is due; one failing feed never stops the others."""
        async with self.store.write() as session:
            # Claimed, not just read: a second instance on the same database skips these.
            feeds = await claim_due_feeds(session, self.clock(), FEED_LEASE)
        stats = PassStats()
        done = 0

        async def one(feed: Feed) -> None:
            nonlocal done
            async with self._feeds:
                outcome = await self.ingest_feed(feed)
            stats.add(outcome)
            done += 1
            if progress is not None:
                progress(done, len(feeds))

        await asyncio.gather(*(one(feed) for feed in feeds))
        self.last_pass_at = self.clock()
        log.info("ingest: %s", stats.summary_line())
        return stats

    async def _fail(self, feed: Feed, error: str, retry_after: float | None = None) -> FeedOutcome:
        delay = next_check_delay(
            base_interval=self.interval, error_count=feed.error_count + 1, retry_after=retry_after
        )
        async with self.store.write() as session:
            await record_fetch_error(
                session, feed.id, error=error, next_check_at=self.clock() + timedelta(seconds=delay)
            )
        log.warning("ingest: feed %s (%s) failed: %s", feed.id, feed.url, error)
        return FeedOutcome(feed.url, error=error)

    async def _ok(self, feed: Feed, result: FetchResult, parsed: ParsedFeed | None) -> None:
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
                etag=result.etag if parsed or result.not_modified else feed.etag,
                last_modified=result.last_modified
                if parsed or result.not_modified
                else feed.last_modified,
                title=parsed.title if parsed and parsed.title and not feed_title(feed) else None,
            )

    async def ingest_feed(self, feed: Feed) -> FeedOutcome:
        """Fetch, parse and store one feed, recording its health on its row."""
        try:
            result = await self.fetcher.fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
        except errors.HTTPStatusError as exc:
            return await self._fail(feed, str(exc), exc.retry_after)
        except errors.FetchError as exc:
            return await self._fail(feed, str(exc))
        if result.not_modified:
            await self._ok(feed, result, None)
            return FeedOutcome(feed.url, unchanged=True)
        try:
            parsed = await parse_feed(
                result.body,
                base_url=result.final_url,
                content_type=result.content_type,
                max_items=self.max_items,
            )
        except errors.ParseError as exc:
            return await self._fail(feed, str(exc))
        outcome = FeedOutcome(feed.url)
        # A feed's first good fetch is its backlog (a new feed, from /addfeed, `khabar feeds
        # add`, OPML or a fresh install): stored for /latest and /search, never pushed, or a
        # subscriber would get dozens of old stories at once. Pushes start with the next item.
        backlog = feed.last_ok_at is None
        for entry in reversed(parsed.entries):  # oldest first, so stories form in time order
            try:
                candidate = await self._candidate(feed, parsed, entry)
                if candidate is None:
                    outcome.duplicates += 1
                    continue
                stored = await store_candidate(self.store, candidate, self.stories)
            except Exception:
                # One bad entry is logged and skipped; the rest of the feed still counts.
                log.exception("ingest: feed %s entry %r failed", feed.id, entry.link)
                continue
            outcome.count(stored)
            if stored.duplicate:
                continue
            self.stored_total += 1
            # The outbox lives in the store, so a bot in another process pushes this story too.
            if not backlog:
                await route_stored(self.store, stored, self.clock(), self.breaking)
            if self.on_stored is not None:
                await self.on_stored(stored)
        await self._ok(feed, result, parsed)
        if backlog and outcome.new_articles:
            log.info(
                "ingest: feed %s first fetch: %d articles stored as its backlog, not pushed",
                feed.id,
                outcome.new_articles,
            )
        return outcome

    async def _known(self, feed: Feed, url: str, guid: str | None) -> bool:
        async with self.store.read() as session:
            found = await find_duplicate(
                session, canonical_url=url, content_hash=_NO_HASH, guid=guid, feed_id=feed.id
            )
        return found is not None

    async def _page(self, entry: FeedEntry, declared: str) -> ExtractedArticle | None:
        url = entry.link
        assert url is not None
        try:
            page = await self.fetcher.fetch(url, accept=PAGE_ACCEPT)
        except errors.FetchError as exc:
            log.info("ingest: page %s not fetched (%s); using the feed's text", url, exc)
            return None
        # The feed already gives title and date: then only the body is extracted (half the cost).
        needs_metadata = not (entry.title and entry.published)
        return await self.extractor.extract(
            page.body, page.final_url, declared_language=declared, metadata=needs_metadata
        )

    async def _candidate(
        self, feed: Feed, parsed: ParsedFeed, entry: FeedEntry
    ) -> Candidate | None:
        if not entry.link or not entry.title:
            return None
        canonical = canonicalize_url(entry.link)
        if await self._known(feed, canonical, entry.guid):
            return None
        text = entry_text(entry)
        extracted = await self._page(entry, feed.language) if feed.fetch_pages else None
        if extracted is not None and len(extracted.text) > len(text):
            text = extracted.text
            if extracted.canonical_url:
                canonical = canonicalize_url(entry.link, rel_canonical=extracted.canonical_url)
        host = urlsplit(entry.link).hostname or ""
        self.boilerplate.learn(host, text)
        text = self.boilerplate.clean(host, text)
        title = entry.title
        language = (
            detect_language(f"{title}\n{text[:2000]}", declared=feed.language) or feed.language
        )
        topic = classify(
            feed_topic=feed.topic,
            url=entry.link,
            categories=entry.categories,
            title=title,
            text=text,
            language=language,
        )
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        return Candidate(
            url=entry.link,
            canonical_url=canonical,
            title=title,
            language=language,
            topic=topic,
            text=text,
            lead=make_lead(paragraphs) if paragraphs else "",
            published_at=entry.published or (extracted.published_at if extracted else None),
            guid=entry.guid,
            feed_id=feed.id,
            # The feed's <title> while the row knows it only by URL: the first batch too.
            source=feed_title(feed) or parsed.title or host,
            author=entry.author or (extracted.author if extracted else None),
            image_url=entry.image_url or (extracted.image_url if extracted else None),
            fetched_at=self.clock(),
        )


async def run_forever(pipeline: Pipeline, stop: asyncio.Event, *, tick: float = 60.0) -> None:
    """Run passes until ``stop`` is set; each pass takes the feeds that are due by then."""
    while not stop.is_set():
        try:
            await pipeline.run_pass()
        except Exception:  # a pass that crashes (the store went away…) is retried next tick
            log.exception("ingest: pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=min(tick, pipeline.interval))
