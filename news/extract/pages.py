"""Article extraction: main text and metadata of HTML pages (trafilatura) and plain-text documents.

trafilatura is best or tied-best on every benchmark in research extraction-feeds.md §1; this
module adds what a news bot needs on top: an aware UTC timestamp from the page's structured
data, the canonical URL, language, a lead, the repeated-title/byline clean-up of textdoc, an
input cap and a process pool so parsing never runs on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from multiprocessing import forkserver
from types import TracebackType
from typing import Any, TypeVar

from news import errors
from news.extract.boilerplate import strip_edge_boilerplate
from news.extract.cascade import extract_document
from news.extract.language import language_label
from news.extract.pagedates import choose_date, structured_date
from news.extract.pagemeta import absolute_url, clean_inline, page_metadata
from news.extract.paragraphs import join_split_paragraphs
from news.extract.textdoc import is_prose, make_lead, split_text_document, strip_leading_metadata
from news.extract.titles import strip_site_name

__all__ = [
    "MAX_INPUT_BYTES",
    "ExtractedArticle",
    "Extractor",
    "extract_html",
    "extract_text",
]

log = logging.getLogger(__name__)

# A news page is 50 kB–3 MB; past 5 MiB it is a feed dump or an attack. The article sits near
# the top, so the head of an oversized page is kept rather than the page dropped.
MAX_INPUT_BYTES = 5 * 1024 * 1024
_LANGUAGE_SAMPLE = 3000
# Without one sentence-like paragraph, less text than this (~25 English words; characters, as
# Chinese and Japanese have no spaces) is a menu or a caption, not an article.
_MIN_CHARS = 150
_T = TypeVar("_T")


@dataclass(frozen=True)
class ExtractedArticle:
    """The main text and metadata of one article page or text document."""

    title: str
    text: str
    lead: str
    published_at: datetime | None  # aware, UTC
    author: str | None
    image_url: str | None
    language: str | None  # "en", "ur", another ISO 639-1 code ("fr"), or None (unknown)
    canonical_url: str | None  # from rel=canonical / og:url, absolute
    site_name: str | None


def _cap(document: str | bytes) -> str | bytes:
    """Cut a document to MAX_INPUT_BYTES (characters for str: near enough, and cheap)."""
    return document[:MAX_INPUT_BYTES] if len(document) > MAX_INPUT_BYTES else document


def _cap_text(document: str) -> str:
    """Cut a text document to MAX_INPUT_BYTES characters."""
    return document[:MAX_INPUT_BYTES]


def _body_paragraphs(document: Any, title: str) -> tuple[list[str], datetime | None, str | None]:
    """The body's paragraphs without the date, byline and edge boilerplate lines, and the date
    and author those lines gave."""
    text = document.text
    if document.body is not None and join_split_paragraphs(document.body):
        from trafilatura.xml import xmltotxt

        text = xmltotxt(document.body, include_formatting=False)
    # One paragraph per line of trafilatura's text, now that no inline element splits one.
    paragraphs = [p for p in (" ".join(line.split()) for line in text.splitlines()) if p]
    paragraphs, text_date, text_author = strip_leading_metadata(
        [unicodedata.normalize("NFC", p) for p in paragraphs], title
    )
    return strip_edge_boilerplate(paragraphs, title), text_date, text_author


def extract_html(
    html: str | bytes,
    *,
    url: str | None,
    declared_language: str | None = None,
    metadata: bool = True,
    describe: bool = True,
) -> ExtractedArticle | None:
    """Extract an article's text and metadata from an HTML page; None if it has no main text.

    ``declared_language`` is the feed's language, used when the page declares none. With
    ``metadata=False`` only the body is extracted (title, date, author and image stay empty):
    the ingest pipeline asks for that when the feed entry already carries them, which halves
    the cost per page (trafilatura's metadata pass costs as much as its text extraction).
    With ``describe=False`` the language and lead are left unset (None, ""): the pipeline
    works them out once, on the text it keeps (news.stories.candidate).
    """
    # Imported here, not at the top: a bot whose extraction runs in a process pool never loads
    # trafilatura (~60 MB) in its main process; the pool's fork server preloads it.
    from trafilatura.utils import load_html

    try:
        tree = load_html(_cap(html))
        if tree is None:
            return None
        page_language, canonical = page_metadata(tree, url)
        structured = structured_date(tree) if metadata else None
        document = extract_document(tree, url=url, metadata=metadata)
    except (ValueError, TypeError, LookupError) as exc:  # lxml and decoding failures
        log.warning("extract: unable to parse %s: %s", url, exc)
        return None
    if document is None or isinstance(document, dict) or not document.text:
        return None
    site_name = clean_inline(document.sitename)
    title = strip_site_name(
        clean_inline(document.title) or "", names=(site_name,), url=canonical or url
    )
    paragraphs, text_date, text_author = _body_paragraphs(document, title)
    if not any(is_prose(p) for p in paragraphs) and sum(map(len, paragraphs)) < _MIN_CHARS:
        return None
    text = "\n\n".join(paragraphs)
    sample = f"{title}\n{text[:_LANGUAGE_SAMPLE]}"
    declared = page_language or declared_language
    return ExtractedArticle(
        title=title,
        text=text,
        lead=make_lead(paragraphs) if describe else "",
        published_at=choose_date(structured, document.date) or text_date,
        author=clean_inline(document.author) or text_author,
        image_url=absolute_url(clean_inline(document.image), url),
        language=language_label(sample, declared=declared) if describe else None,
        canonical_url=canonical,
        site_name=site_name,
    )


def extract_text(
    text: str, *, url: str | None = None, declared_language: str | None = None
) -> ExtractedArticle:
    """Extract title, date, byline and body from a plain-text article document.

    ``url`` is accepted for symmetry with extract_html; a text has no canonical link.
    """
    parts = split_text_document(_cap_text(text))
    body = "\n\n".join(parts.paragraphs)
    return ExtractedArticle(
        title=parts.title,
        text=body,
        lead=make_lead(parts.paragraphs),
        published_at=parts.published_at,
        author=parts.author,
        image_url=None,
        language=language_label(
            f"{parts.title}\n{body[:_LANGUAGE_SAMPLE]}", declared=declared_language
        ),
        canonical_url=None,
        site_name=None,
    )


def _extract_job(
    html: str | bytes,
    url: str | None,
    declared_language: str | None,
    metadata: bool = True,
    describe: bool = True,
) -> ExtractedArticle | None:
    """Run extract_html in a worker, logging instead of raising (a bad page is skipped)."""
    try:
        return extract_html(
            html,
            url=url,
            declared_language=declared_language,
            metadata=metadata,
            describe=describe,
        )
    except Exception:  # any bug in a third-party parser must not kill the batch
        log.exception("extract: failed on %s", url)
        return None


class Extractor:
    """Runs extract_html off the event loop: in a process pool, or one thread when workers is 0.

    The pool outlives its workers: when one dies (the OOM killer, SIGKILL) the pool breaks,
    so it is replaced and the lost job run again up to ``retries`` times; a job that still
    fails raises ExtractError. ``failing`` is true from such a failure until a job succeeds.
    With ``idle_close``, the pool and its fork server stop after that many seconds without a
    job (they start again with the next): between ingest passes the bot holds no workers.
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        max_tasks_per_child: int = 500,
        retries: int = 1,
        idle_close: float | None = None,
    ) -> None:
        """Create an extractor with ``workers`` processes (0: a thread of this process)."""
        if workers < 0:
            raise ValueError("extract: workers must be >= 0")
        self.workers = workers
        self.retries = retries
        self._max_tasks_per_child = max_tasks_per_child
        self._pool: ProcessPoolExecutor | None = None
        # Workers 0: one thread, so jobs run one at a time. lxml parsers are not thread-safe and
        # trafilatura parses every page with one module-level parser: pages extracted in several
        # threads at once corrupted the heap ("double free or corruption", a MemoryError in
        # lxml's copy of a tree), 3 one-core passes of bench_ingest in 16.
        self._thread: ThreadPoolExecutor | None = None
        self._generation = 0  # bumped when the pool is replaced
        self._pool_lock = asyncio.Lock()
        self.in_flight = 0  # jobs handed to the pool and not finished
        self.restarts = 0  # pools replaced after a worker died
        self.failed = 0  # jobs lost to dead workers even after their retries
        self.last_error: str | None = None  # the last such failure, until a job succeeds
        self.idle_close = idle_close
        self._idle: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def failing(self) -> bool:
        """Whether the last job that ended ended with a dead worker."""
        return self.last_error is not None

    def worker_pids(self) -> list[int]:
        """The process ids of the pool's live workers (for operators and tests)."""
        pool = self._pool
        # ProcessPoolExecutor has no public view of its processes; _processes is the one.
        processes = getattr(pool, "_processes", None) or {}
        return sorted(pid for pid, p in processes.items() if p.is_alive())

    def _new_pool(self) -> ProcessPoolExecutor:
        """Start a process pool (blocking: run in a thread)."""
        # forkserver, not fork: the bot process runs threads (asyncio, HTTP pools), and
        # forking a threaded process can deadlock. The server preloads this module and
        # news.extract.poolwarm, so workers fork with trafilatura imported and the language
        # model loaded; recycling a worker after
        # max_tasks_per_child pages bounds lxml's memory growth.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["trafilatura", __name__, "news.extract.poolwarm"])
        pool = ProcessPoolExecutor(
            self.workers, mp_context=context, max_tasks_per_child=self._max_tasks_per_child
        )
        forkserver.ensure_running()  # the one slow step: starts the server process
        return pool

    async def _current_pool(self) -> tuple[ProcessPoolExecutor, int]:
        """The pool (started on first use) and its generation."""
        async with self._pool_lock:
            if self._pool is None:
                self._pool = await asyncio.to_thread(self._new_pool)
            return self._pool, self._generation

    async def _replace_pool(self, generation: int) -> None:
        """Drop a broken pool (once, however many jobs saw it break); the next job starts one."""
        async with self._pool_lock:
            if generation != self._generation or self._pool is None:
                return
            broken, self._pool = self._pool, None
            self._generation += 1
            self.restarts += 1
        log.warning("extract: a worker process died; starting a new pool (%d)", self.restarts)
        await asyncio.to_thread(broken.shutdown, wait=False, cancel_futures=True)

    async def extract(
        self,
        html: str | bytes,
        url: str | None,
        *,
        declared_language: str | None = None,
        metadata: bool = True,
        describe: bool = True,
    ) -> ExtractedArticle | None:
        """Extract one page without blocking the event loop (see extract_html's ``metadata``
        and ``describe``).

        Raises ExtractError when the page's worker died on every try.
        """
        job = partial(_extract_job, html, url, declared_language, metadata, describe)
        return await self.run(job, what=url, extraction=True)

    async def run(
        self, job: Callable[[], _T], *, what: str | None = None, extraction: bool = False
    ) -> _T:
        """Run ``job`` (picklable: a module-level function, or a partial of one) in the pool,
        or in a thread when workers is 0; ``what`` names it in errors. Only an ``extraction``
        that succeeds ends ``failing`` (a cheaper job says nothing of the pages).

        Raises ExtractError when the job's worker died on every try.
        """
        loop = asyncio.get_running_loop()
        if self.workers == 0:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="khabar-extract")
            return await loop.run_in_executor(self._thread, job)
        if self._idle is not None:
            self._idle.cancel()
        tries = 0
        while True:
            pool, generation = await self._current_pool()
            self.in_flight += 1
            try:
                result = await loop.run_in_executor(pool, job)
            except BrokenProcessPool as exc:
                await self._replace_pool(generation)
                tries += 1
                if tries <= self.retries:
                    continue
                self.failed += 1
                self.last_error = (
                    f"extract: the worker process died while extracting {what} ({exc}); "
                    f"pool restarted {self.restarts} times"
                )
                raise errors.ExtractError(self.last_error) from exc
            finally:
                self.in_flight -= 1
                if self.in_flight == 0 and self.idle_close is not None:
                    self._idle = loop.call_later(self.idle_close, self._close_when_idle)
            if extraction:
                self.last_error = None
            return result

    def _close_when_idle(self) -> None:
        task = asyncio.get_running_loop().create_task(self.stop_idle())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def stop_idle(self) -> None:
        """Stop the pool and the fork server (which holds trafilatura and the language model:
        ~100 MB) unless a job is running; the next job starts them again."""
        async with self._pool_lock:
            if self.in_flight or self._pool is None:
                return
            pool, self._pool = self._pool, None
            self._generation += 1
        await asyncio.to_thread(pool.shutdown, wait=True)
        log.debug("extract: the pool was idle for %g s; stopped", self.idle_close)
        async with self._pool_lock:
            if self._pool is None:
                # multiprocessing has no public way to stop its fork server; this private one
                # has been there since 3.8 (CPython's own tests use it).
                stop = getattr(forkserver._forkserver, "_stop", None)
                if stop is not None:
                    await asyncio.to_thread(stop)

    async def extract_many(
        self, pages: Iterable[tuple[str | bytes, str | None]]
    ) -> list[ExtractedArticle | None]:
        """Extract (html, url) pages concurrently; results in input order, None for failures."""
        return list(await asyncio.gather(*(self.extract(html, url) for html, url in pages)))

    def close(self) -> None:
        """Stop the worker processes or thread (waiting for running jobs)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.shutdown(wait=True, cancel_futures=True)

    async def __aenter__(self) -> Extractor:
        """Return the extractor; the pool starts on first use."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Shut the pool down in a thread, so the loop is not blocked while workers exit."""
        await asyncio.to_thread(self.close)
