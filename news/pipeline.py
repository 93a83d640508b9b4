"""The ingest pipeline, the one place that runs feeds → fetch → parse → extract → dedup → topics → store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from news import errors
from news.delivery.policy import DeliveryPolicy
from news.delivery.queue import route_stored
from news.extract.boilerplate import BoilerplateFilter
from news.extract.canonical import canonicalize_url
from news.extract.language import language_label
from news.extract.pages import ExtractedArticle, Extractor
from news.extract.textdoc import make_lead
from news.extract.titles import strip_site_name
from news.extract.topics import classify
from news.ingest.entrytext import entry_text
from news.ingest.feedparse import FeedEntry, ParsedFeed, parse_feed
from news.ingest.fetch import PAGE_ACCEPT, Fetcher, FetchResult, next_check_delay
from news.passstats import FeedOutcome, PageProblems, PassStats
from news.stories.index import StoryIndex
from news.stories.store import Candidate, Stored, store_candidate
from storage import Feed, Store
from storage.articles import find_duplicate
from storage.feeds import claim_due_feeds, feed_title, record_fetch_error, record_fetch_ok

__all__ = ["FEED_LEASE", "FeedOutcome", "PassStats", "Pipeline"]

log = logging.getLogger(__name__)

FEED_LEASE = timedelta(minutes=10)  # longest a pass may hold a feed before another may take it
_NO_HASH = "-"  # matches no content hash: a URL/GUID-only duplicate check


OnStory = Callable[[Stored], Awaitable[None]]
_T = TypeVar("_T")


class _OverDeadline(Exception):
    """A feed ran past its deadline."""


class _Stopping(Exception):
    """The pipeline is stopping: the feed is left for the next start."""


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
        page_concurrency: int = 4,
        feed_deadline: float | None = None,
        on_stored: OnStory | None = None,
        policy: DeliveryPolicy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.extractor = extractor
        self.interval = interval
        self.max_items = max_items
        self.page_concurrency = page_concurrency
        # A feed must finish well inside its claim, or another pass could take it meanwhile.
        self.feed_deadline = feed_deadline or min(interval, FEED_LEASE.total_seconds() / 2)
        self.on_stored = on_stored
        self.policy = policy or DeliveryPolicy()
        self.clock = clock
        self.boilerplate = BoilerplateFilter()
        self.stories = StoryIndex(store)
        self._feeds = asyncio.Semaphore(feed_concurrency)
        self._running: set[int] = set()  # feeds this process is ingesting now, in any pass
        self.stopping = asyncio.Event()  # set: feeds stop at the next safe point (no write cut)
        self.last_pass_at: datetime | None = None
        self.stored_total = 0  # articles this process stored, for metrics

    async def run_pass(
        self, progress: Callable[[int, int], None] | None = None, *, force: bool = False
    ) -> PassStats:
        """Ingest every feed that is due (``force``: every feed, back-off or not) and not still
        running from an earlier pass.

        One failing or slow feed never stops the others: each has ``feed_deadline`` seconds,
        and a feed that an earlier pass is still ingesting is skipped, not waited for.
        """
        async with self.store.write() as session:
            # Claimed, not just read: a second instance on the same database skips these.
            feeds = await claim_due_feeds(
                session, self.clock(), FEED_LEASE, exclude=frozenset(self._running), every=force
            )
        self._running.update(feed.id for feed in feeds)
        stats = PassStats()
        done = 0

        async def one(feed: Feed) -> None:
            nonlocal done
            try:
                async with self._feeds:
                    outcome = (
                        FeedOutcome(feed.url, error="ingest: stopped before this feed")
                        if self.stopping.is_set()
                        else await self._ingest_within_deadline(feed)
                    )
            finally:
                self._running.discard(feed.id)
            stats.add(outcome)
            done += 1
            if progress is not None:
                progress(done, len(feeds))

        await asyncio.gather(*(one(feed) for feed in feeds))
        self.last_pass_at = self.clock()
        log.info("ingest: %s", stats.summary_line())
        return stats

    async def _ingest_within_deadline(self, feed: Feed) -> FeedOutcome:
        """ingest_feed, stopped at the feed's deadline; what it stored by then is kept."""
        outcome = FeedOutcome(feed.url)
        deadline = asyncio.get_running_loop().time() + self.feed_deadline
        try:
            return await self._ingest(feed, outcome, deadline)
        except _OverDeadline:
            # Validators are not saved, so the next fetch sees whatever was not finished now.
            return await self._fail(
                feed, f"ingest: the feed did not load within the {self.feed_deadline:g} s deadline"
            )
        except _Stopping:
            # Nothing recorded: the claim runs out and the next start takes the feed again.
            outcome.error = "ingest: stopped while this feed was read"
            return outcome

    async def _bounded(self, work: Awaitable[_T], deadline: float) -> _T:
        """Await network or parsing work (it holds no transaction) until the feed's deadline
        or the pipeline's stop, and cancel it then."""
        task = asyncio.ensure_future(work)
        stop = asyncio.ensure_future(self.stopping.wait())
        try:
            timeout = max(0.0, deadline - asyncio.get_running_loop().time())
            await asyncio.wait({task, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if task.cancelled():
            raise _Stopping if self.stopping.is_set() else _OverDeadline
        return task.result()

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

    async def _ok(
        self,
        feed: Feed,
        result: FetchResult,
        parsed: ParsedFeed | None,
        *,
        problem: str | None = None,
    ) -> None:
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
                problem=problem,
            )

    async def ingest_feed(self, feed: Feed) -> FeedOutcome:
        """Fetch, parse and store one feed, recording its health on its row."""
        return await self._ingest_within_deadline(feed)

    async def _ingest(self, feed: Feed, outcome: FeedOutcome, deadline: float) -> FeedOutcome:
        try:
            result = await self._bounded(
                self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified),
                deadline,
            )
        except errors.HTTPStatusError as exc:
            return await self._fail(feed, str(exc), exc.retry_after)
        except errors.FetchError as exc:
            return await self._fail(feed, str(exc))
        if result.not_modified:
            await self._ok(feed, result, None)
            outcome.unchanged = True
            return outcome
        try:
            parsed = await self._bounded(
                parse_feed(
                    result.body,
                    base_url=result.final_url,
                    content_type=result.content_type,
                    max_items=self.max_items,
                ),
                deadline,
            )
        except errors.ParseError as exc:
            return await self._fail(feed, str(exc))
        # A feed's first good fetch is its backlog (a new feed, from /addfeed, `khabar feeds
        # add`, OPML or a fresh install): stored for /latest and /search, never pushed, or a
        # subscriber would get dozens of old stories at once. Pushes start with the next item.
        backlog = feed.last_ok_at is None
        entries: list[FeedEntry] = []
        for entry in reversed(parsed.entries):  # oldest first, so stories form in time order
            if await self._is_new(feed, entry):
                entries.append(entry)
            else:
                outcome.duplicates += 1
        # Pages are fetched a few at a time and stored in feed order as each one is ready;
        # the deadline or a stop ends the waiting, never a write.
        slots = asyncio.Semaphore(self.page_concurrency)

        async def page(entry: FeedEntry) -> ExtractedArticle | None:
            if not feed.fetch_pages:
                return None
            async with slots:
                return await self._page(entry, feed.language)

        loop = asyncio.get_running_loop()
        pages = [asyncio.create_task(page(entry)) for entry in entries]
        problems = PageProblems()
        stop = asyncio.ensure_future(self.stopping.wait())
        try:
            for entry, fetching in zip(entries, pages, strict=True):
                if not fetching.done():
                    timeout = max(0.0, deadline - loop.time())
                    await asyncio.wait(
                        {fetching, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                    )
                if self.stopping.is_set():
                    raise _Stopping
                extracted = problems.article(fetching)  # past the deadline: the feed's text
                await self._store_entry(feed, parsed, entry, extracted, outcome, push=not backlog)
        finally:
            stop.cancel()
            for fetching in pages:
                fetching.cancel()
            await asyncio.gather(*pages, return_exceptions=True)
        outcome.error = problems.describe(self.feed_deadline)
        if outcome.error:
            log.warning("ingest: feed %s (%s): %s", feed.id, feed.url, outcome.error)
        await self._ok(feed, result, parsed, problem=outcome.error)
        outcome.backlog = backlog  # counted in the pass's summary line
        if backlog and outcome.new_articles:
            log.debug(
                "ingest: feed %s first fetch: %d articles stored as its backlog, not pushed",
                feed.id,
                outcome.new_articles,
            )
        return outcome

    async def _store_entry(
        self,
        feed: Feed,
        parsed: ParsedFeed,
        entry: FeedEntry,
        extracted: ExtractedArticle | None,
        outcome: FeedOutcome,
        *,
        push: bool = True,
    ) -> None:
        """Build and store one entry (queued for pushes unless ``push`` is off); a failure
        skips only this entry."""
        try:
            candidate = await self._candidate(feed, parsed, entry, extracted)
            stored = await store_candidate(self.store, candidate, self.stories)
        except Exception:
            # One bad entry is logged and skipped; the rest of the feed still counts.
            log.exception("ingest: feed %s entry %r failed", feed.id, entry.link)
            return
        outcome.count(stored)
        if stored.duplicate:
            return
        self.stored_total += 1
        # The outbox lives in the store, so a bot in another process pushes this story too.
        if push:
            await route_stored(self.store, stored, self.clock(), self.policy)
        if self.on_stored is not None:
            await self.on_stored(stored)

    async def _is_new(self, feed: Feed, entry: FeedEntry) -> bool:
        """Whether an entry is worth fetching: it has a link and a title, and is not stored."""
        if not entry.link or not entry.title:
            return False
        return not await self._known(feed, canonicalize_url(entry.link), entry.guid)

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
            log.debug("ingest: page %s not fetched (%s); using the feed's text", url, exc)
            return None
        # The feed already gives title and date: then only the body is extracted (half the cost).
        needs_metadata = not (entry.title and entry.published)
        return await self.extractor.extract(
            page.body, page.final_url, declared_language=declared, metadata=needs_metadata
        )

    async def _candidate(
        self, feed: Feed, parsed: ParsedFeed, entry: FeedEntry, extracted: ExtractedArticle | None
    ) -> Candidate:
        assert entry.link and entry.title
        canonical = canonicalize_url(entry.link)
        text = entry_text(entry)
        if extracted is not None and len(extracted.text) > len(text):
            text = extracted.text
            if extracted.canonical_url:
                canonical = canonicalize_url(entry.link, rel_canonical=extracted.canonical_url)
        host = urlsplit(entry.link).hostname or ""
        self.boilerplate.learn(host, text)
        text = self.boilerplate.clean(host, text)
        title = strip_site_name(
            entry.title,
            names=(feed.title, parsed.title, extracted.site_name if extracted else None),
            url=entry.link,
        )
        # In a thread: naming a language other than English or Urdu loads a model (~1 s).
        sample = f"{title}\n{text[:2000]}"
        language = (
            await asyncio.to_thread(language_label, sample, declared=feed.language) or feed.language
        )
        topic = classify(
            feed_topic=feed.topic,
            url=canonical,  # the page's own address when it states one on the same site
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
