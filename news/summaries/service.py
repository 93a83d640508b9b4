"""Summaries of stored articles: cached per (article, language, backend), LLM-first within a wait.

``/read`` asks for an article's summary in the chat's language. The order:
1. a cached summary from the configured backend, then the cached extractive one;
2. with an LLM backend, its answer if it comes within ``wait`` seconds; otherwise the extractive
   summary now and the LLM's answer later (the caller may edit its message when it lands);
3. without a backend that can write the language asked for, an article of the same story in that
   language, else the extractive summary in the article's own
   language (the caller adds a note).

Across languages the model writes a headline with the summary (one prompt), cached with it;
``headline`` serves it, or the story's title in the reader's language, without calling a model
(for picture cards and pushes).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from news.summaries.budget import Language, SummaryBudget
from news.summaries.grounding import GroundingStats, Source
from news.summaries.llm import LLMBackend
from news.summaries.writer import Summary, summarize
from storage import Article, Store
from storage.stories import story_articles
from storage.summaries import get_summary, put_summary

__all__ = [
    "Headline",
    "SummaryResult",
    "SummaryService",
    "SummarySource",
    "Unread",
    "summary_for",
]

log = logging.getLogger(__name__)

EXTRACTIVE = "extractive"


class SummarySource(Protocol):
    """What summarizing an article reads of it: a stored row, or the pipeline's new article."""

    @property
    def id(self) -> int:
        """The article's id (summaries are cached under it)."""

    @property
    def language(self) -> str:
        """The article's language."""

    @property
    def title(self) -> str:
        """The article's title."""

    @property
    def text(self) -> str:
        """The article's text."""

    @property
    def lead(self) -> str:
        """The article's lead."""


@dataclass(frozen=True)
class Headline:
    """A headline and the language it is written in."""

    text: str
    language: str


@dataclass(frozen=True)
class SummaryResult:
    """A summary to show now, the article it summarizes, and a better one still on its way."""

    summary: Summary
    article_id: int
    pending: asyncio.Task[Summary] | None = None

    @property
    def text(self) -> str:
        """The summary text."""
        return self.summary.text

    @property
    def language(self) -> str:
        """The language the summary is written in."""
        return self.summary.language

    @property
    def headline(self) -> str | None:
        """A headline in the summary's language when the article's title is in another."""
        return self.summary.headline


class Unread(Enum):
    """The cached summary not read yet (SummaryService.get reads it itself)."""

    UNREAD = 0


def _lang(code: str) -> Language:
    return "ur" if code == "ur" else "en"


class SummaryService:
    """Computes, caches and serves summaries; never blocks the event loop."""

    def __init__(
        self,
        store: Store,
        backend: LLMBackend | None = None,
        *,
        wait: float = 3.0,
        budget: SummaryBudget | None = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.wait = wait
        self.budget = budget or SummaryBudget()
        self.grounding = GroundingStats()
        # Model calls under way, by (article, language): a fan-out of one story to many chats
        # waits on one call, not one per chat.
        self._tasks: dict[tuple[int, str], asyncio.Task[Summary]] = {}
        self._precomputing: set[asyncio.Task[None]] = set()

    async def _cached(self, article_id: int, lang: str) -> Summary | None:
        async with self.store.read() as session:
            return await self.cached(session, article_id, lang)

    async def cached(self, session: AsyncSession, article_id: int, lang: str) -> Summary | None:
        """The cached summary ``get`` looks for first, read through the caller's session (a
        command reads all it shows in one session); give it to ``get`` as ``cached``."""
        backends = ((self.backend.name,) if self.backend else ()) + (EXTRACTIVE,)
        return await _read_cached(session, article_id, lang, backends)

    async def _cached_from(
        self, article_id: int, lang: str, backends: tuple[str, ...]
    ) -> Summary | None:
        async with self.store.read() as session:
            return await _read_cached(session, article_id, lang, backends)

    async def _save(self, article_id: int, summary: Summary) -> Summary:
        async with self.store.write() as session:
            await put_summary(
                session,
                article_id,
                summary.language,
                summary.backend,
                summary.text,
                summary.headline,
            )
        return summary

    async def extractive(self, article: SummarySource) -> Summary:
        """The extractive summary in the article's own language (cached)."""
        cached = await self._cached_backend(article.id, article.language, EXTRACTIVE)
        if cached is not None:
            return cached
        text = article.text or article.lead or article.title
        language = _lang(article.language)
        summary = await summarize(
            text, source_language=language, target_language=language, budget=self.budget
        )
        return await self._save(article.id, summary)

    async def _cached_backend(self, article_id: int, lang: str, backend: str) -> Summary | None:
        return await self._cached_from(article_id, lang, (backend,))

    async def _others(self, article: SummarySource) -> list[Source]:
        """The story's other reports, which the grounding check also accepts facts from (only
        everyone's: a summary is cached for every reader)."""
        story_id = getattr(article, "story_id", None)
        if story_id is None:
            return []
        async with self.store.read() as session:
            members = await story_articles(session, story_id)
        return [
            Source(f"{a.title}\n{a.text or a.lead}", a.language)
            for a in members
            if a.id != article.id
        ]

    async def _llm(self, article: SummarySource, lang: str) -> Summary:
        text = article.text or article.lead or article.title
        summary = await summarize(
            text,
            source_language=_lang(article.language),
            target_language=_lang(lang),
            backend=self.backend,
            budget=self.budget,
            others=[Source(article.title, article.language), *await self._others(article)],
            grounding=self.grounding,
        )
        return await self._save(article.id, summary)

    async def _same_story_in(self, article: Article, lang: str) -> Article | None:
        """The story's first report in ``lang`` every chat may see (storage.visibility: what
        stands in for the article is shown to any reader of it, a feed of chats' own never)."""
        if article.story_id is None:
            return None
        async with self.store.read() as session:
            members = await story_articles(session, article.story_id)
        return next((a for a in members if a.language == lang and a.id != article.id), None)

    async def get(
        self, article: Article, lang: str, *, cached: Summary | Unread | None = Unread.UNREAD
    ) -> SummaryResult:
        """The best summary of ``article`` for a reader of ``lang`` available within the wait
        (``cached``: what ``cached`` found, when the caller read it already)."""
        if cached is Unread.UNREAD:
            cached = await self._cached(article.id, lang)
        if cached is not None and (cached.backend != EXTRACTIVE or self.backend is None):
            return SummaryResult(cached, article.id)
        if self.backend is not None:
            key = (article.id, lang)
            task = self._tasks.get(key)
            if task is None:
                task = self._tasks[key] = asyncio.create_task(self._llm(article, lang))
                task.add_done_callback(lambda done: self._forget(key, done))
            try:
                summary = await asyncio.wait_for(asyncio.shield(task), timeout=self.wait)
            except TimeoutError:
                fallback = cached or await self.extractive(article)
                return SummaryResult(fallback, article.id, pending=task)
            if summary.language == lang or lang == article.language:
                return SummaryResult(summary, article.id)
        if lang != article.language:
            other = await self._same_story_in(article, lang)
            if other is not None:
                return SummaryResult(await self.extractive(other), other.id)
        return SummaryResult(cached or await self.extractive(article), article.id)

    async def headline(self, article: Article, lang: str) -> Headline:
        """The article's headline for a reader of ``lang``, from cache and store only (no model
        call): its own title in its language; else the headline the model wrote with its
        summary in ``lang``; else the title of the story's report in ``lang``; else its own."""
        if lang == article.language:
            return Headline(article.title, article.language)
        if self.backend is not None:
            cached = await self._cached_backend(article.id, lang, self.backend.name)
            if cached is not None and cached.headline:
                return Headline(cached.headline, lang)
        other = await self._same_story_in(article, lang)
        if other is not None:
            return Headline(other.title, lang)
        return Headline(article.title, article.language)

    def precompute_soon(self, article: SummarySource) -> None:
        """Start precompute in the background (the pipeline's summary stage); close cancels it."""
        task = asyncio.create_task(self.precompute(article))
        self._precomputing.add(task)
        task.add_done_callback(self._precomputing.discard)

    async def precompute(self, article: SummarySource) -> None:
        """Compute and cache the summaries a reader will most likely ask for (background work)."""
        try:
            await self.extractive(article)
            if self.backend is not None:
                for lang in ("en", "ur"):
                    if await self._cached_backend(article.id, lang, self.backend.name) is None:
                        await self._llm(article, lang)
        except Exception as exc:  # background work must never take the caller down
            log.warning("summaries: precompute of article %s failed: %r", article.id, exc)

    def _forget(self, key: tuple[int, str], task: asyncio.Task[Summary]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]

    async def close(self) -> None:
        """Cancel summaries still being computed."""
        tasks: list[asyncio.Task[Summary] | asyncio.Task[None]] = [
            *self._tasks.values(),
            *self._precomputing,
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def summary_for(
    service: SummaryService,
    article: Article,
    lang: str,
    *,
    cached: Summary | Unread | None = Unread.UNREAD,
) -> SummaryResult:
    """The summary to show for ``article`` in ``lang`` (see SummaryService.get)."""
    return await service.get(article, lang, cached=cached)


async def _read_cached(
    session: AsyncSession, article_id: int, lang: str, backends: tuple[str, ...]
) -> Summary | None:
    row = await get_summary(session, article_id, lang, backends)
    return Summary(row.text, row.language, row.backend, row.headline) if row else None
