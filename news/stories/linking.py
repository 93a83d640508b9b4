"""Cross-lingual story linking: an article joins a story in the other language that reports the
same event, by embedding similarity with margin scoring and model-free clues.

Cosine alone does not separate the same event from another event about the same people or
place: English/Urdu pairs of one event score 0.84–0.90 with multilingual-e5-small, and a
report of another event naming the same place up to 0.82. So a pair is judged by its margin
(Artetxe & Schwenk 2019, "Margin-based parallel corpus mining"): its similarity less the mean
similarity of each side's nearest competitors, where a sparse window is padded with the
similarity typical of unrelated news. Shared numbers, dates and names (news.stories.clues) add
to the margin, numbers that conflict take from it. Precision first: a wrong merge hides news.

Here too each new article's vector is stored (once, after the article), its story's languages
recorded, and a topic that only keywords guessed replaced by the embedding classifier's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from news.embeddings.service import LANGUAGES, Embeddings
from news.embeddings.vectors import pack_vector, unpack_vectors
from news.ingest.dates import settle_published
from news.stories.candidate import Candidate
from news.stories.clues import Clues, read_clues, shared_clues
from news.stories.store import LinkFinder, Stored
from storage import Store
from storage.embeddings import (
    EmbeddedArticle,
    add_story_language,
    recent_embeddings,
    save_embedding,
)

__all__ = ["LINK_WINDOW", "Link", "StoryLinker"]

log = logging.getLogger(__name__)

Vector = npt.NDArray[np.float32]
Vectors = dict[int, Vector]  # by id() of the candidate, for one batch

LINK_WINDOW = timedelta(hours=36)  # reports of one event in two languages: within a day or so
_FLOOR = 0.83  # below this cosine nothing links, whatever the margin (wrong pairs: <= 0.82)
_TYPICAL = 0.78  # cosine of unrelated English/Urdu news: the padding of a sparse neighbourhood
_NEIGHBOURS = 3
_MARGIN = (
    0.082  # a link needs this margin, clues included (eval set: right >= 0.088, wrong <= 0.077)
)
_CLUE = 0.012  # per shared number, date or name, up to three
_CONFLICT = 0.01  # numbers on both sides, none shared


@dataclass(frozen=True)
class Link:
    """The story a new article joins in the other language, and how sure the linker is."""

    story_id: int
    article_id: int
    cosine: float
    score: float


@dataclass(frozen=True)
class _Stack:
    """The recent articles as arrays, row for row: vectors, languages, times, stories."""

    matrix: Vector
    languages: npt.NDArray[np.str_]
    published: npt.NDArray[np.float64]  # POSIX seconds
    story_ids: npt.NDArray[np.int64]


def _when_and_text(c: Candidate) -> tuple[datetime, str]:
    """When a candidate was published (its fetch time when unknown) and its clue text."""
    return settle_published(c.published_at, c.fetched_at) or c.fetched_at, f"{c.title}\n{c.lead}"


@dataclass(frozen=True)
class _Recent:
    article_id: int
    story_id: int
    language: str
    published_at: datetime
    clues: Clues


def _neighbourhood(sims: Vector) -> float:
    """The mean of the top similarities, padded with the typical one when there are few."""
    top = np.sort(sims)[::-1][:_NEIGHBOURS]
    padded = np.concatenate([top, np.full(_NEIGHBOURS - len(top), _TYPICAL, dtype=np.float32)])
    return float(padded.mean())


class StoryLinker:
    """Embeds new articles, stores their vectors and links them across languages; keeps the
    vectors of the last LINK_WINDOW in memory (about 400 bytes each)."""

    def __init__(self, store: Store, embeddings: Embeddings | None = None) -> None:
        self.store = store
        self.embeddings = embeddings or Embeddings()
        self._entries: list[_Recent] = []
        self._rows: list[Vector] = []
        self._stack: _Stack | None = None  # derived from _entries and _rows, rebuilt on change
        self._known: set[int] = set()
        self._last_id = 0

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, article_id: int, story_id: int, language: str, published_at: datetime,
            text: str, vector: Vector) -> None:  # fmt: skip
        """Remember one article with its vector (once)."""
        self._add(_Recent(article_id, story_id, language, published_at, read_clues(text)), vector)

    def _add(self, entry: _Recent, vector: Vector) -> None:
        if entry.article_id in self._known:
            return
        self._known.add(entry.article_id)
        self._entries.append(entry)
        self._rows.append(vector)
        self._stack = None

    async def refresh(self, now: datetime) -> None:
        """Read vectors other processes stored since the last refresh; forget old ones."""
        since = now - 2 * LINK_WINDOW
        async with self.store.read() as session:
            rows = await recent_embeddings(
                session, model=self.embeddings.model, since=since, after_id=self._last_id
            )
        if rows:
            # Decoding and reading clues take ~50 µs a row: the first refresh after a start
            # reads up to a window's worth, seconds of CPU, so it runs off the event loop.
            for entry, vector in await asyncio.to_thread(_decoded, rows):
                self._add(entry, vector)
            self._last_id = max(self._last_id, max(r.article_id for r in rows))
        if self._entries and self._entries[0].published_at < since and len(self._entries) > 256:
            keep = [i for i, e in enumerate(self._entries) if e.published_at >= since]
            self._entries = [self._entries[i] for i in keep]
            self._rows = [self._rows[i] for i in keep]
            self._known = {e.article_id for e in self._entries}
            self._stack = None

    def _stacked(self) -> _Stack:
        if self._stack is None:
            self._stack = _Stack(
                np.vstack(self._rows).astype(np.float32),
                np.array([e.language for e in self._entries]),
                np.array([e.published_at.timestamp() for e in self._entries]),
                np.array([e.story_id for e in self._entries], dtype=np.int64),
            )
        return self._stack

    def find(self, vector: Vector, language: str, published_at: datetime, text: str) -> Link | None:
        """The other-language story this article reports, when one stands out; else None."""
        if not self._entries or language not in LANGUAGES:
            return None
        stack = self._stacked()
        matrix, languages = stack.matrix, stack.languages
        sims = matrix @ vector
        near = np.abs(stack.published - published_at.timestamp()) <= LINK_WINDOW.total_seconds()
        other = np.flatnonzero((languages != language) & np.isin(languages, list(LANGUAGES)) & near)
        if other.size == 0:
            return None
        own = np.flatnonzero(languages == language)
        clues = read_clues(text)
        best: Link | None = None
        for j in other[np.argsort(sims[other])[::-1][:_NEIGHBOURS]]:
            cosine = float(sims[j])
            if cosine < _FLOOR:
                break
            entry = self._entries[j]
            # Competitors: what else each side is as close to, outside the candidate's story.
            x_side = _neighbourhood(np.delete(sims[other], np.flatnonzero(other == j)))
            rivals = own[stack.story_ids[own] != entry.story_id]
            y_side = _neighbourhood(matrix[rivals] @ matrix[j]) if rivals.size else _TYPICAL
            shared, conflict = shared_clues(clues, entry.clues)
            score = cosine - (x_side + y_side) / 2
            score += _CLUE * min(shared, 3) - (_CONFLICT if conflict else 0.0)
            if score >= _MARGIN and (best is None or score > best.score):
                best = Link(entry.story_id, entry.article_id, cosine, score)
        return best

    async def prepare(self, candidates: Sequence[Candidate]) -> tuple[list[Candidate], Vectors]:
        """The candidates and their vectors (made in the worker thread; none when embeddings
        are off), and what other processes stored read, before the write transaction.

        A candidate whose feed, URL and categories named no topic comes back with the topic
        the embedding classifier reads in its vector, in place of the keywords' guess."""
        vectors: Vectors = {}
        if not self.embeddings.enabled:
            return list(candidates), vectors
        prepared = []
        for c in candidates:
            vector, topic = await self.embeddings.article_and_topic(
                c.title, c.lead, c.language, topic=c.topic_guessed
            )
            if topic is not None and topic != c.topic:
                log.debug("topics: %r is %s, not %s by keywords", c.title[:80], topic, c.topic)
                c = replace(c, topic=topic)
            prepared.append(c)
            if vector is not None:
                vectors[id(c)] = vector
        if vectors:
            await self.refresh(max(c.fetched_at for c in candidates))
        return prepared, vectors

    def finder(self, vectors: Vectors) -> LinkFinder | None:
        """What store_candidates asks when no story of a candidate's language matches: the
        story in the other language it reports (None without vectors)."""
        if not vectors:
            return None

        def link(c: Candidate) -> int | None:
            vector = vectors.get(id(c))
            return None if vector is None else self._linked_story(c, vector)

        return link

    def _linked_story(self, c: Candidate, vector: Vector) -> int | None:
        link = self.find(vector, c.language, *_when_and_text(c))
        if link is None:
            return None
        log.debug("stories: %r joins story %s across languages (cosine %.3f, margin %.3f)",
                  c.title[:80], link.story_id, link.cosine, link.score)  # fmt: skip
        return link.story_id

    async def record(self, results: Sequence[tuple[Candidate, Stored]], vectors: Vectors) -> None:
        """Store the new articles' vectors and record their languages on their stories."""
        # Without vectors nothing links across languages: no write at all (ingest's speed).
        done = [
            (c, stored, vectors[id(c)])
            for c, stored in results
            if stored.article_id is not None and stored.story_id is not None and id(c) in vectors
        ]
        if not done:
            return
        async with self.store.write() as session:
            for c, stored, vector in done:
                assert stored.article_id is not None and stored.story_id is not None
                if not stored.new_story:
                    await add_story_language(session, stored.story_id, c.language)
                await save_embedding(
                    session, stored.article_id, self.embeddings.model, pack_vector(vector)
                )
        for c, stored, vector in done:
            assert stored.article_id is not None and stored.story_id is not None
            self.add(stored.article_id, stored.story_id, c.language, *_when_and_text(c), vector)


def _decoded(rows: Sequence[EmbeddedArticle]) -> list[tuple[_Recent, Vector]]:
    """The recent articles of ``rows`` that belong to a story, with their vectors and clues."""
    vectors = unpack_vectors([r.vector for r in rows])
    decoded = []
    for n, r in enumerate(rows):
        if r.story_id is not None:
            clues = read_clues(f"{r.title}\n{r.lead}")
            decoded.append(
                (_Recent(r.article_id, r.story_id, r.language, r.published_at, clues), vectors[n])
            )
    return decoded
