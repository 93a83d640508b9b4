"""The ingest pipeline, the one path of an article: feeds → fetch → parse → extract → candidate →
dedup and story → store → delivery queue → summaries. Local files (``khabar import``) and given
candidates (the demo set, tests) join it at the candidate."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from news import errors
from news.deadline import OverDeadline, Stopping, bounded
from news.delivery.policy import DeliveryPolicy
from news.delivery.queue import route_stored_many
from news.embeddings.service import Embeddings
from news.extract.boilerplate import BoilerplateFilter
from news.extract.pages import Extractor
from news.feedhealth import FeedHealth
from news.ingest.feedparse import FeedEntry, ParsedFeed, parse_feed
from news.ingest.fetch import PAGE_ACCEPT, Fetcher, FetchResult
from news.ingest.known import KnownEntries
from news.ingest.localfiles import read_path
from news.passstats import FeedOutcome, PageProblems, PassStats
from news.stages import NewArticle, SummaryPrecompute
from news.stories.candidate import (
    Candidate,
    entry_candidate,
    entry_facts_or_none,
    file_candidate,
)
from news.stories.index import StoryIndex
from news.stories.linking import StoryLinker
from news.stories.pagejob import EntryFacts, ExtractedPage, extract_entry_page
from news.stories.store import Stored, store_candidate, store_each
from storage import Feed, Store
from storage.feeds import claim_due_feeds

__all__ = ["FEED_LEASE", "FeedOutcome", "Imported", "PassStats", "Pipeline"]

log = logging.getLogger(__name__)

FEED_LEASE = timedelta(minutes=10)  # longest a pass may hold a feed before another may take it


@dataclass(frozen=True)
class Imported:
    """What became of one article a local file held: stored or a duplicate, or unreadable."""

    source: str  # the file's path
    candidate: Candidate | None = None
    stored: Stored | None = None  # None: not read (see error)
    error: str | None = None


class Pipeline:
    """Fetches due feeds and stores their new articles; one instance per process.

    Without a fetcher it fetches nothing and stores only what it is given: local files
    (``store_file``) and candidates (``ingest_candidate``). ``summaries`` is the summary stage;
    ``on_queued`` is called when a story may have been queued for pushes (to wake a sender);
    ``embeddings`` makes each new article's vector (none: lexical story matching only).
    """

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher | None = None,
        extractor: Extractor | None = None,
        *,
        interval: float = 300.0,
        max_items: int = 200,
        feed_concurrency: int = 8,
        page_concurrency: int = 4,
        feed_deadline: float | None = None,
        summaries: SummaryPrecompute | None = None,
        on_queued: Callable[[], None] | None = None,
        policy: DeliveryPolicy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        embeddings: Embeddings | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        # Workers 0: extraction in a thread; no process pool to start or to close.
        self.extractor = extractor or Extractor(0)
        self.interval = interval
        self.max_items = max_items
        self.page_concurrency = page_concurrency
        # A feed must finish well inside its claim, or another pass could take it meanwhile.
        self.feed_deadline = feed_deadline or min(interval, FEED_LEASE.total_seconds() / 2)
        self.summaries = summaries
        self.on_queued = on_queued
        self.policy = policy or DeliveryPolicy()
        self.clock = clock
        self.boilerplate = BoilerplateFilter()
        self.stories = StoryIndex(store)
        self.links = StoryLinker(store, embeddings)
        self._feeds = asyncio.Semaphore(feed_concurrency)
        self._running: set[int] = set()  # feeds this process is ingesting now, in any pass
        self.stopping = asyncio.Event()  # set: feeds stop at the next safe point (no write cut)
        self.last_pass_at: datetime | None = None
        self.stored_total = 0  # articles this process stored, for metrics
        self.known = KnownEntries(store)
        self.health = FeedHealth(store, interval, lambda: self.clock())

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
        except OverDeadline:
            # Validators are not saved, so the next fetch sees whatever was not finished now.
            return await self.health.failed(
                feed, f"ingest: the feed did not load within the {self.feed_deadline:g} s deadline"
            )
        except Stopping:
            # Nothing recorded: the claim runs out and the next start takes the feed again.
            outcome.error = "ingest: stopped while this feed was read"
            return outcome

    async def ingest_feed(self, feed: Feed) -> FeedOutcome:
        """Fetch, parse and store one feed, recording its health on its row."""
        return await self._ingest_within_deadline(feed)

    def _fetcher(self) -> Fetcher:
        if self.fetcher is None:
            raise RuntimeError("ingest: this pipeline has no fetcher; it stores given articles")
        return self.fetcher

    async def _ingest(self, feed: Feed, outcome: FeedOutcome, deadline: float) -> FeedOutcome:
        fetched = await self._fetch_and_parse(feed, outcome, deadline)
        if isinstance(fetched, FeedOutcome):
            return fetched
        result, parsed = fetched
        # A feed's first good fetch is its backlog (a new feed, from /addfeed, `khabar feeds
        # add`, OPML or a fresh install): stored for /latest and /search, never pushed, or a
        # subscriber would get dozens of old stories at once. Pushes start with the next item.
        backlog = feed.last_ok_at is None
        entries = await self.known.new_entries(feed, parsed.entries)
        outcome.duplicates += len(parsed.entries) - len(entries)
        problems = await self._store_entries(feed, parsed, entries, deadline, outcome, backlog)
        outcome.error = problems.describe(self.feed_deadline)
        if outcome.error:
            log.warning("ingest: feed %s (%s): %s", feed.id, feed.url, outcome.error)
        await self.health.fetched(feed, result, parsed, problem=outcome.error)
        if outcome.error is None:
            self.known.remember(feed.id, result.body, len(parsed.entries))
        outcome.backlog = backlog  # counted in the pass's summary line
        if backlog and outcome.new_articles:
            log.debug(
                "ingest: feed %s first fetch: %d articles stored as its backlog, not pushed",
                feed.id,
                outcome.new_articles,
            )
        return outcome

    async def _fetch_and_parse(
        self, feed: Feed, outcome: FeedOutcome, deadline: float
    ) -> tuple[FetchResult, ParsedFeed] | FeedOutcome:
        """The feed fetched and parsed, or the outcome when it failed or has not changed."""
        try:
            result = await bounded(
                self._fetcher().fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified),
                deadline,
                self.stopping,
            )
        except errors.HTTPStatusError as exc:
            return await self.health.failed(feed, str(exc), exc.retry_after)
        except errors.FetchError as exc:
            return await self.health.failed(feed, str(exc))
        if result.not_modified:
            await self.health.fetched(feed, result, None)
            outcome.unchanged = True
            return outcome
        known = await self.known.document(feed, result.body)
        if known is not None:
            await self.health.fetched(feed, result, None, known=True)
            outcome.duplicates += known
            return outcome
        try:
            parsed = await bounded(
                parse_feed(
                    result.body,
                    base_url=result.final_url,
                    content_type=result.content_type,
                    max_items=self.max_items,
                ),
                deadline,
                self.stopping,
            )
        except errors.ParseError as exc:
            return await self.health.failed(feed, str(exc))
        return result, parsed

    async def _store_entries(
        self,
        feed: Feed,
        parsed: ParsedFeed,
        entries: Sequence[FeedEntry],
        deadline: float,
        outcome: FeedOutcome,
        backlog: bool,
    ) -> PageProblems:
        """Store ``entries`` in feed order, their pages fetched a few at a time meanwhile.

        The deadline or a stop ends the waiting for pages, never a write."""
        slots = asyncio.Semaphore(self.page_concurrency)

        facts = [entry_facts_or_none(entry, parsed, feed) for entry in entries]

        async def page(entry: FeedEntry, facts: EntryFacts | None) -> ExtractedPage | None:
            if not feed.fetch_pages or facts is None:
                return None
            async with slots:
                return await self._page(entry, facts)

        loop = asyncio.get_running_loop()
        pages = [asyncio.create_task(page(*both)) for both in zip(entries, facts, strict=True)]
        problems = PageProblems()
        stop = asyncio.ensure_future(self.stopping.wait())
        candidates: list[Candidate] = []
        try:
            for entry, entry_facts_, fetching in zip(entries, facts, pages, strict=True):
                if not fetching.done():
                    timeout = max(0.0, deadline - loop.time())
                    await asyncio.wait(
                        {fetching, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                    )
                if self.stopping.is_set():
                    raise Stopping
                extracted = problems.article(fetching)  # past the deadline: the feed's text
                candidate = await self._candidate(feed, parsed, entry, entry_facts_, extracted)
                if candidate is not None:
                    candidates.append(candidate)
        finally:
            stop.cancel()
            for fetching in pages:
                fetching.cancel()
            await asyncio.gather(*pages, return_exceptions=True)
            # Stopped or not, what was built is stored: a stop never cuts a write.
            await self._store_batch(candidates, outcome, push=not backlog)
        return problems

    async def _candidate(
        self,
        feed: Feed,
        parsed: ParsedFeed,
        entry: FeedEntry,
        facts: EntryFacts | None,
        page: ExtractedPage | None,
    ) -> Candidate | None:
        """The candidate of one entry; None (logged) when it cannot be built."""
        try:
            return await entry_candidate(
                entry,
                parsed,
                feed=feed,
                extracted=page.article if page else None,
                boilerplate=self.boilerplate,
                fetched_at=self.clock(),
                extractor=self.extractor,
                facts=facts,
                described=page.described if page else None,
            )
        except Exception:
            # One bad entry is logged and skipped; the rest of the feed still counts.
            log.exception("ingest: feed %s entry %r failed", feed.id, entry.link)
            return None

    async def _store_batch(
        self, candidates: list[Candidate], outcome: FeedOutcome, *, push: bool
    ) -> None:
        """Store a feed's candidates in one transaction (one by one when that fails, so a
        bad entry skips only itself), then queue and summarize the new ones."""
        results = await self._store_linked(candidates, each=True)
        for _candidate, stored in results:
            outcome.count(stored)
        await self._after_store(results, push=push)

    async def ingest_candidate(self, candidate: Candidate, *, push: bool = True) -> Stored:
        """Store ``candidate`` once, in its story; queue the story for pushes (unless ``push``
        is off) and hand the new article to the summary stage."""
        candidate, stored = await self._store(candidate)
        await self._after_store([(candidate, stored)], push=push)
        return stored

    async def store_file(self, path: Path) -> AsyncIterator[Imported]:
        """Store the articles one local file holds, each as it is read, with what became of it.

        Never pushed, like a new feed's backlog: an archive is old news, and subscribers would
        get all of it at once. Stored, it is in /latest and /search."""
        async for item in read_path(path, self.extractor):
            if item.error is not None:
                yield Imported(item.source, error=item.error)
                continue
            candidate = await file_candidate(item, self.boilerplate, self.clock())
            yield Imported(
                item.source, candidate, await self.ingest_candidate(candidate, push=False)
            )

    async def _store(self, candidate: Candidate) -> tuple[Candidate, Stored]:
        """The candidate as stored (its topic may be the embedding classifier's) and how."""
        return (await self._store_linked([candidate], each=False))[0]

    async def _store_linked(
        self, candidates: list[Candidate], *, each: bool
    ) -> list[tuple[Candidate, Stored]]:
        """Store candidates, linked across languages; ``each``: a bad one is skipped, not raised."""
        candidates, vectors = await self.links.prepare(candidates)
        link = self.links.finder(vectors)
        if each:
            results = await store_each(self.store, candidates, self.stories, link)
        else:
            results = [
                (c, await store_candidate(self.store, c, self.stories, link)) for c in candidates
            ]
        await self.links.record(results, vectors)
        self.stored_total += sum(not stored.duplicate for _, stored in results)
        return results

    async def _after_store(
        self, results: Sequence[tuple[Candidate, Stored]], *, push: bool
    ) -> None:
        """The stages after new articles are stored: their stories' deliveries (queued in one
        transaction, in order), their summaries."""
        new = [(c, stored) for c, stored in results if stored.article_id is not None]
        if not new:
            return
        if push:
            # The outbox lives in the store, so a bot in another process pushes these too.
            routed = [(stored, c.feed_id) for c, stored in new]
            await route_stored_many(self.store, routed, self.clock(), self.policy)
            if self.on_queued is not None:
                self.on_queued()
        if self.summaries is not None:
            for c, stored in new:
                assert stored.article_id is not None
                article = NewArticle.of(c, stored.article_id, stored.story_id)
                self.summaries.precompute_soon(article)

    async def _page(self, entry: FeedEntry, facts: EntryFacts) -> ExtractedPage | None:
        """The entry's page fetched, extracted and its text described in the extraction worker
        (news.stories.pagejob); None when it could not be fetched."""
        url = entry.link
        assert url is not None
        try:
            page = await self._fetcher().fetch(url, accept=PAGE_ACCEPT)
        except errors.FetchError as exc:
            log.debug("ingest: page %s not fetched (%s); using the feed's text", url, exc)
            return None
        # The feed already gives title and date: then only the body is extracted (half the cost).
        needs_metadata = not (entry.title and entry.published)
        job = partial(extract_entry_page, page.body, page.final_url, facts, metadata=needs_metadata)
        return await self.extractor.run(job, what=page.final_url, extraction=True)
