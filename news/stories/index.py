"""An in-memory index of recent stories, so a new article finds its story without a table scan.

Matching a new article against every article of the last 48 hours, read from the store each
time, costs tens of milliseconds per article once the store is large. This index keeps the
recent story keys in memory, reads only rows newer than the last one it saw (so articles that
another process stored are seen too), and narrows candidates with two inverted indexes before
``dedup.same_story`` decides:
- SimHash bands: four 16-bit blocks; hashes within 3 bits share at least one block exactly
  (pigeonhole, Manku et al. 2007);
- title words: titles similar enough to match share at least one content word.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from news.extract.language import read_lexicon_words
from news.stories.dedup import STORY_WINDOW, TITLE_SIMILARITY, StoryKey, same_story
from storage import Store
from storage.articles import max_article_id
from storage.stories import StoryCandidate, recent_stories, stories_since_id
from storage.textnorm import normalize_for_search

__all__ = ["StoryIndex"]

_SIMHASH_MIN_WORDS = 50
_WORD = re.compile(r"[^\W_]+")
_BANDS = 4


@dataclass(frozen=True)
class _Entry:
    candidate: StoryCandidate
    key: StoryKey
    words: frozenset[str]


def _bands(simhash: int) -> list[tuple[int, int]]:
    unsigned = simhash & ((1 << 64) - 1)
    return [(band, (unsigned >> (16 * band)) & 0xFFFF) for band in range(_BANDS)]


def _title_words(title: str) -> set[str]:
    stop = read_lexicon_words("stop-en") | read_lexicon_words("stop-ur")
    return {w for w in _WORD.findall(normalize_for_search(title)) if w not in stop}


class StoryIndex:
    """Recent stories by SimHash band and title word; refreshed from the store incrementally."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._last_id = 0
        self._entries: list[_Entry] = []
        self._by_band: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
        self._by_word: defaultdict[str, list[int]] = defaultdict(list)
        self._newest: datetime | None = None
        self._loaded = False
        self._lock = asyncio.Lock()
        # Held by store_candidates from matching articles to writing them (see there).
        self.writing = asyncio.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, candidate: StoryCandidate) -> None:
        """Index one article of a story."""
        self._last_id = max(self._last_id, candidate.article_id)
        words = _SIMHASH_MIN_WORDS if candidate.simhash else 0
        key = StoryKey(
            candidate.title, candidate.simhash, candidate.published_at, candidate.language, words
        )
        position = len(self._entries)
        words_in_title = frozenset(_title_words(candidate.title))
        self._entries.append(_Entry(candidate, key, words_in_title))
        if candidate.simhash:
            for band in _bands(candidate.simhash):
                self._by_band[band].append(position)
        for word in words_in_title:
            self._by_word[word].append(position)
        if self._newest is None or candidate.published_at > self._newest:
            self._newest = candidate.published_at

    def reset(self) -> None:
        """Forget everything: the next refresh reads the recent stories from the store again
        (after a write that was rolled back, whose articles were added here)."""
        self._entries.clear()
        self._by_band.clear()
        self._by_word.clear()
        self._last_id = 0
        self._newest = None
        self._loaded = False

    def _rebuild(self, oldest: datetime) -> None:
        kept = [e.candidate for e in self._entries if e.candidate.published_at >= oldest]
        last_id = self._last_id
        self._entries.clear()
        self._by_band.clear()
        self._by_word.clear()
        for candidate in kept:
            self.add(candidate)
        self._last_id = last_id

    async def refresh(self, now: datetime) -> None:
        """Read articles stored since the last refresh (by any process); forget old ones."""
        async with self._lock:
            await self._refresh(now)

    async def _refresh(self, now: datetime) -> None:
        async with self.store.read() as session:
            if self._loaded:
                fresh = await stories_since_id(session, self._last_id, now - STORY_WINDOW)
            else:
                # First load: by publication time (indexed), then by id from the newest row on.
                fresh = list(
                    reversed(await recent_stories(session, now - STORY_WINDOW, limit=50000))
                )
                self._last_id = await max_article_id(session)
                self._loaded = True
        for candidate in fresh:
            self.add(candidate)
        # Forget expired entries once they are a good share of the index.
        expired = sum(
            1 for e in self._entries[:256] if e.candidate.published_at < now - STORY_WINDOW
        )
        if expired > 128:
            self._rebuild(now - STORY_WINDOW)

    def find(self, key: StoryKey) -> int | None:
        """The story of the newest indexed article that reports the same event, if any."""
        near: set[int] = set()
        if key.simhash and key.words >= _SIMHASH_MIN_WORDS:
            for band in _bands(key.simhash):
                near.update(self._by_band.get(band, ()))
        title = _title_words(key.title)
        shared: dict[int, int] = {}
        for word in title:
            for position in self._by_word.get(word, ()):
                shared[position] = shared.get(position, 0) + 1
        # Only titles that could reach the similarity threshold go to the full check.
        similar = {
            position
            for position, count in shared.items()
            if count / len(title | self._entries[position].words) >= TITLE_SIMILARITY
        }
        for position in sorted(near | similar, reverse=True):
            entry = self._entries[position]
            if same_story(key, entry.key):
                return entry.candidate.story_id
        return None
