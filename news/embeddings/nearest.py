"""Nearest neighbours of a query among recent articles, for cross-lingual /search.

Every article of the last 30 days is held in memory as its 48-byte sign code (one bit per
dimension of its int8 vector): the Hamming distance to the query's code ranks them all in a
few milliseconds, and the best few hundred are re-ranked by exact cosine with their stored
vectors. About 64 bytes per article in memory (300,000 articles: ~19 MB), where the int8
matrix itself would take 115 MB and an int8 matrix product 0.8 s.

An e5 query scores passages in its own language higher than relevant ones in the other
(an Urdu query: an Urdu report of another event 0.84, the English report of the event
0.79–0.84), so each language is judged on its own: a hit must stand out of its language's
articles (Hamming distance ``_MIN_Z`` deviations nearer than their mean) and pass a cosine
floor.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy.ext.asyncio import AsyncSession

from news.embeddings.service import Embeddings
from news.embeddings.vectors import unpack_vectors
from storage import Store
from storage.embeddings import recent_vectors, vectors_of

__all__ = ["SEARCH_WINDOW", "RecentVectors", "sign_codes"]

log = logging.getLogger(__name__)

SEARCH_WINDOW = timedelta(days=30)
_SHORTLIST = 200  # candidates per language by Hamming distance, re-ranked by cosine
_MIN_COSINE = 0.775  # query/passage cosine below this is unrelated news
_SMALL_POOL = 40  # fewer articles of a language than this: too few to tell what stands out
_SMALL_POOL_COSINE = 0.82
_MIN_Z = 2.5
_BATCH = 20000
_WORDS = 6  # uint64 words in a 384-bit code
_NO_DATE = np.datetime64("NaT", "s")
_SPARE = 4096  # articles of room a pool grows by at least
_BLOCK = 65536  # articles ranked at a time: a block's XOR (512 KB) stays in the core's cache

Codes = npt.NDArray[np.uint64]


def sign_codes(vectors: npt.NDArray[np.float32]) -> Codes:
    """One row of 6 uint64 (384 sign bits) per vector."""
    packed = np.packbits(vectors > 0, axis=-1)
    return np.ascontiguousarray(packed).view(np.uint64)


Buffers = tuple[npt.NDArray[np.int64], npt.NDArray[np.datetime64], Codes]


@dataclass(frozen=True, eq=False)
class _Pool:
    """The sign codes of one language's recent articles, with their ids and dates, in the order
    they were stored. Articles that left the window stay until they are an eighth of the pool
    (``live`` lists the others' positions; None: all): one leaves every few seconds at a
    million articles, and copying the pool without it took 9 ms."""

    ids: npt.NDArray[np.int64]
    published: npt.NDArray[np.datetime64]
    # Word-major: row k holds word k of every article's code. XOR and popcount then run over
    # long contiguous rows: 4.6 ms for 518,000 articles, against 21 ms article-major, where
    # numpy's sum over each article's 6 words dominated.
    codes: Codes
    live: npt.NDArray[np.intp] | None
    oldest: np.datetime64  # the earliest date of the live articles (NaT when none)
    # The arrays above are the start of these, whose rest is free: new articles are written
    # there instead of copying the pool (3 ms at 518,000 for each refresh that finds some).
    # Older snapshots read only their own start, so only the newest may be appended to
    # (RecentVectors appends under its lock, to the index it holds).
    buffers: Buffers | None = None

    @classmethod
    def empty(cls) -> _Pool:
        return cls(
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype="datetime64[s]"),
            np.zeros((_WORDS, 0), dtype=np.uint64),
            None,
            _NO_DATE,
        )

    def __len__(self) -> int:
        return len(self.ids) if self.live is None else len(self.live)

    def appended(
        self, ids: npt.NDArray[np.int64], published: npt.NDArray[np.datetime64], codes: Codes
    ) -> _Pool:
        """This pool with these articles (``codes`` word-major) added after its own (``self``
        must be the newest snapshot: see ``buffers``)."""
        if not len(ids):
            return self
        stored, size = len(self.ids), len(self.ids) + len(ids)
        buffers = self.buffers
        if buffers is None or len(buffers[0]) < size:
            buffers = self._grown(size + max(size // 4, _SPARE))  # a copy per quarter grown
        buffers[0][stored:size] = ids
        buffers[1][stored:size] = published
        buffers[2][:, stored:size] = codes
        live = self.live
        if live is not None:
            live = np.concatenate([live, np.arange(stored, size)])
        newest = published.min()
        oldest = min(self.oldest, newest) if len(self) else newest
        return _Pool(
            buffers[0][:size], buffers[1][:size], buffers[2][:, :size], live, oldest, buffers
        )

    def _grown(self, capacity: int) -> Buffers:
        """New buffers of ``capacity`` articles holding this pool's."""
        stored = len(self.ids)
        ids = np.empty(capacity, dtype=np.int64)
        published = np.empty(capacity, dtype="datetime64[s]")
        codes = np.empty((_WORDS, capacity), dtype=np.uint64)
        ids[:stored], published[:stored], codes[:, :stored] = self.ids, self.published, self.codes
        return ids, published, codes

    def since(self, cutoff: np.datetime64) -> _Pool:
        """This pool without the articles published before ``cutoff``."""
        if not self.holds_older(cutoff):  # nothing to drop: no pass over the dates
            return self
        dates = self.published if self.live is None else self.published[self.live]
        kept = dates >= cutoff
        # Those that left stay out, also when the clock goes back (as in tests).
        live = np.flatnonzero(kept) if self.live is None else self.live[kept]
        if not len(live):
            return _Pool.empty()
        if (len(self.ids) - len(live)) * 8 > len(self.ids):
            del dates, kept  # their 9 MB freed for the copies: 1-2 ms less at a million
            published = self.published[live]
            return _Pool(self.ids[live], published, self.codes[:, live], None, published.min())
        # The oldest of those kept, from the dates gathered already (a second gather of a
        # million live rows' dates took as long again). NaT is never kept.
        seconds = dates.view(np.int64).min(where=kept, initial=np.iinfo(np.int64).max)
        oldest = np.datetime64(int(seconds), "s")
        return _Pool(self.ids, self.published, self.codes, live, oldest, self.buffers)

    def holds_older(self, cutoff: np.datetime64) -> bool:
        """Whether some live article was published before ``cutoff``."""
        return bool(len(self)) and bool(self.oldest < cutoff)

    def distances(self, words: Codes) -> npt.NDArray[np.uint16]:
        """The Hamming distance of every article's code to the query's ``words``."""
        total = np.zeros(len(self.ids), dtype=np.uint16)
        xor = np.empty(min(len(self.ids), _BLOCK), dtype=np.uint64)
        bits = np.empty(len(xor), dtype=np.uint8)
        # By blocks of articles: the block's XOR and counts stay in the CPU's cache across the
        # six words (1.4 ms for 345,000 articles, against 2.1 ms a word over all at once).
        for start in range(0, len(self.ids), _BLOCK):
            out = total[start : start + _BLOCK]
            x, b = xor[: len(out)], bits[: len(out)]
            for k in range(_WORDS):
                np.bitwise_xor(self.codes[k, start : start + _BLOCK], words[k], out=x)
                np.bitwise_count(x, out=b)
                np.add(out, b, out=out)
        return total

    def shortlist(self, words: Codes, chosen: dict[int, float]) -> None:
        """Add to ``chosen`` the articles whose codes are nearest the query's and stand out of
        this pool: id → the cosine it needs (higher when there are too few to tell what
        stands out)."""
        if not len(self):
            return
        distance = self.distances(words)
        live = self.live
        pool = (distance if live is None else distance[live]).astype(np.float32)
        size = min(_SHORTLIST, pool.size)
        best = np.argpartition(pool, size - 1)[:size]
        mean, spread = float(pool.mean()), float(pool.std()) or 1.0
        for i in best:
            article_id = int(self.ids[i if live is None else live[i]])
            if pool.size < _SMALL_POOL:
                chosen[article_id] = _SMALL_POOL_COSINE
            elif (mean - float(pool[i])) / spread >= _MIN_Z:
                chosen[article_id] = _MIN_COSINE


@dataclass(frozen=True, eq=False)
class _Index:
    """The recent articles' sign codes in a pool per language (English, Urdu), each ranked on
    its own: replaced whole, never changed in place, so a search in a worker thread reads one
    consistent snapshot."""

    pools: tuple[_Pool, _Pool]

    @classmethod
    def empty(cls) -> _Index:
        return cls((_Pool.empty(), _Pool.empty()))

    def __len__(self) -> int:
        return sum(len(pool) for pool in self.pools)

    def updated(
        self, rows: list[tuple[int, datetime, str, bytes]], cutoff: np.datetime64
    ) -> _Index:
        """This index with ``rows`` added and without the articles published before
        ``cutoff``: the numpy work of a refresh, in one call for its worker thread."""
        return (self.appended(rows) if rows else self).since(cutoff)

    def appended(self, rows: list[tuple[int, datetime, str, bytes]]) -> _Index:
        """This index with ``rows`` (id, published, language, vector blob) added."""
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        published = np.array([r[1].replace(tzinfo=None) for r in rows], dtype="datetime64[s]")
        urdu = np.array([r[2] == "ur" for r in rows])
        codes = sign_codes(unpack_vectors([r[3] for r in rows])).T
        english, urdu_pool = self.pools
        return _Index(
            (
                english.appended(ids[~urdu], published[~urdu], codes[:, ~urdu]),
                urdu_pool.appended(ids[urdu], published[urdu], codes[:, urdu]),
            )
        )

    def since(self, cutoff: np.datetime64) -> _Index:
        """This index without the articles published before ``cutoff``."""
        pools = (self.pools[0].since(cutoff), self.pools[1].since(cutoff))
        unchanged = all(new is old for new, old in zip(pools, self.pools, strict=True))
        return self if unchanged else _Index(pools)

    def shortlist(self, query: npt.NDArray[np.float32]) -> dict[int, float]:
        """For each language, the articles whose codes are nearest the query's and stand out
        of that language's articles: id → the cosine it needs (higher when there are too few
        articles to tell what stands out)."""
        words = sign_codes(query).reshape(-1)
        chosen: dict[int, float] = {}
        for pool in self.pools:
            pool.shortlist(words, chosen)
        return chosen


class RecentVectors:
    """The sign codes of recent articles by language, read from the store incrementally; the
    numpy work (decoding, ranking) runs in a worker thread, off the event loop."""

    def __init__(self, store: Store, embeddings: Embeddings) -> None:
        self.store = store
        self.embeddings = embeddings
        self._index = _Index.empty()
        self._last_id = 0
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self._index)

    async def refresh(self, now: datetime, session: AsyncSession | None = None) -> None:
        """Read vectors stored since the last refresh (through ``session`` when given);
        forget those older than the window."""
        since = now - SEARCH_WINDOW
        cutoff = np.datetime64(since.replace(tzinfo=None), "s")
        async with self._lock:
            while True:
                async with self._session(session) as reading:
                    rows = await recent_vectors(
                        reading,
                        model=self.embeddings.model,
                        since=since,
                        after_id=self._last_id,
                        limit=_BATCH,
                    )
                # The window's oldest leave in the same worker thread call: at a million
                # articles their dates' pass took 11 ms, a compaction 60, on the event loop.
                if rows or any(pool.holds_older(cutoff) for pool in self._index.pools):
                    await self._update(rows, cutoff)
                if len(rows) < _BATCH:
                    break

    async def _update(
        self, rows: list[tuple[int, datetime, str, bytes]], cutoff: np.datetime64
    ) -> None:
        """Add ``rows`` to the index and drop those published before ``cutoff`` in a worker
        thread, which writes into the pools' spare room: a cancellation waits for it and keeps
        what it made, then ends the refresh. Given up at once, it would release the lock while
        the thread still writes, and the next refresh would write rows read from the same
        ``_last_id`` into the same room meanwhile."""
        work = asyncio.ensure_future(asyncio.to_thread(self._index.updated, rows, cutoff))
        cancelled = False
        while not work.done():
            try:
                await asyncio.shield(work)
            except asyncio.CancelledError:
                cancelled = True
        self._index = work.result()
        if rows:
            self._last_id = rows[-1][0]
        if cancelled:
            raise asyncio.CancelledError

    async def preload(self, now: datetime) -> None:
        """Read the window's vectors now (at start-up), so that the first /search does not wait
        for them (5 s at 518,000). Best effort: any error is logged, and the first search
        reads them (a task that died of it would only re-raise it at shutdown)."""
        started = time.perf_counter()
        try:
            await self.refresh(now)
        except Exception as exc:  # a store error, an unknown driver error, a bad stored vector
            log.warning(
                "search: index not loaded at start, the first /search reads it: %s: %s",
                type(exc).__name__,
                exc,
            )
            return
        log.info(
            "search: %d recent vectors loaded in %.1f s", len(self), time.perf_counter() - started
        )

    async def embed_query(self, text: str) -> npt.NDArray[np.float32] | None:
        """The query's vector (None when embeddings are off or the query is empty)."""
        return await self.embeddings.query(text)

    async def nearest(
        self, text: str, now: datetime, limit: int, *, viewer: int | None = None
    ) -> list[tuple[int, float]]:
        """Up to ``limit`` (article id, cosine) of recent articles ``viewer`` may see
        (storage.visibility) in either language about ``text``, best first (none when
        embeddings are off)."""
        query = await self.embed_query(text)
        if query is None:
            return []
        return await self.nearest_to(query, now, limit, viewer=viewer)

    async def nearest_to(
        self,
        query: npt.NDArray[np.float32],
        now: datetime,
        limit: int,
        *,
        viewer: int | None = None,
        session: AsyncSession | None = None,
    ) -> list[tuple[int, float]]:
        """nearest for a query embedded already, reading through ``session`` when given (one
        session for a command's reads)."""
        await self.refresh(now, session)
        return await self.ranked(query, limit, viewer=viewer, session=session)

    async def ranked(
        self,
        query: npt.NDArray[np.float32],
        limit: int,
        *,
        viewer: int | None = None,
        session: AsyncSession | None = None,
    ) -> list[tuple[int, float]]:
        """nearest_to on the index as the last ``refresh`` left it (a caller refreshes while
        the query is being embedded). The index holds every article; the vectors read back are
        only the viewer's."""
        candidates = (
            await asyncio.to_thread(self._index.shortlist, query) if len(self._index) else {}
        )
        if not candidates:
            return []
        async with self._session(session) as reading:
            stored = await vectors_of(reading, list(candidates), viewer=viewer)
        found = [i for i in candidates if i in stored]
        if not found:
            return []
        cosines = (unpack_vectors([stored[i] for i in found]) @ query).tolist()
        hits = [(i, c) for i, c in zip(found, cosines, strict=True) if c >= candidates[i]]
        return sorted(hits, key=lambda hit: -hit[1])[:limit]

    @asynccontextmanager
    async def _session(self, given: AsyncSession | None) -> AsyncIterator[AsyncSession]:
        """The caller's session, or a read session of our own."""
        if given is not None:
            yield given
            return
        async with self.store.read() as session:
            yield session
