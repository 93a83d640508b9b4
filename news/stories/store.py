"""Storing a new article once and linking it to its story (the same event from other sources)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from news.ingest.dates import settle_published
from news.stories.dedup import (
    STORY_WINDOW,
    StoryKey,
    content_hash,
    same_story,
    simhash64,
    to_signed64,
)
from news.stories.index import StoryIndex
from storage import Store
from storage.articles import ArticleIn, add_article, find_duplicate
from storage.stories import StoryCandidate, attach_to_story, create_story, recent_stories

__all__ = ["Candidate", "Stored", "store_candidate"]

log = logging.getLogger(__name__)

_SIMHASH_MIN_WORDS = 50
_HASH_BODY_WORDS = 40
_SIMHASH_MAX_WORDS = 800  # below this the body's SimHash is stored as 0 and never compared


@dataclass(frozen=True)
class Candidate:
    """A clean article ready to store (from a feed entry, a page, or an imported file)."""

    url: str
    canonical_url: str
    title: str
    language: str
    topic: str
    text: str = ""
    lead: str = ""
    published_at: datetime | None = None
    guid: str | None = None
    feed_id: int | None = None
    source: str = ""
    author: str | None = None
    image_url: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Stored:
    """What happened to a candidate."""

    article_id: int | None
    story_id: int | None = None
    new_story: bool = False

    @property
    def duplicate(self) -> bool:
        """Whether the candidate was already stored (by URL, GUID or content)."""
        return self.article_id is None


def _key(c: Candidate, published: datetime | None, simhash: int, words: int) -> StoryKey:
    return StoryKey(c.title, simhash, published, c.language, words)


def _match(key: StoryKey, recent: Sequence[StoryCandidate]) -> int | None:
    """The story of the first recent article that reports the same event, if any (CPU work)."""
    for other in recent:
        other_key = StoryKey(
            other.title,
            other.simhash,
            other.published_at,
            other.language,
            _SIMHASH_MIN_WORDS if other.simhash else 0,
        )
        if same_story(key, other_key):
            return other.story_id
    return None


def _fingerprints(c: Candidate) -> tuple[str, int, int]:
    body = c.text or c.lead
    tokens = body.split()
    words = len(tokens)
    # A long body identifies the article on its own (syndicated copies get new headlines);
    # a short teaser does not, so the title is part of its key.
    digest = content_hash(body if words >= _HASH_BODY_WORDS else f"{c.title}\n{body}")
    # The opening words carry a copy's identity; hashing all of a 3,000-word body cost 9 ms.
    head = " ".join(tokens[:_SIMHASH_MAX_WORDS])
    simhash = to_signed64(simhash64(head)) if words >= _SIMHASH_MIN_WORDS else 0
    return digest, simhash, words


async def store_candidate(store: Store, c: Candidate, index: StoryIndex | None = None) -> Stored:
    """Store ``c`` unless it is a duplicate, joining the story of a matching recent article.

    With an ``index`` (the pipeline keeps one) recent stories are matched in memory; without
    one they are read from the store (fine for one-off imports)."""
    digest, simhash, words = await asyncio.to_thread(_fingerprints, c)
    # Unknown and far-future dates are stored as the fetch time, flagged (date_known=False).
    settled = settle_published(c.published_at, c.fetched_at)
    published = settled or c.fetched_at
    async with store.read() as session:
        if await find_duplicate(
            session,
            canonical_url=c.canonical_url,
            content_hash=digest,
            guid=c.guid,
            feed_id=c.feed_id,
        ):
            return Stored(None)
        recent = (
            [] if index is not None else await recent_stories(session, published - STORY_WINDOW)
        )
    key = _key(c, settled, simhash, words)
    if index is None:
        story_id = await asyncio.to_thread(_match, key, recent) if recent else None
        return await _write(store, c, digest, simhash, settled, story_id)
    # Matching and writing one article at a time: two reports of one event stored at once
    # (two feeds in one pass) would otherwise each miss the other and start two stories.
    async with index.writing:
        await index.refresh(c.fetched_at)
        return await _write(store, c, digest, simhash, settled, index.find(key))


async def _write(
    store: Store,
    c: Candidate,
    digest: str,
    simhash: int,
    settled: datetime | None,
    story_id: int | None,
) -> Stored:
    """Insert the article and join ``story_id``, or start a story of its own."""
    async with store.write() as session:
        article_id = await add_article(
            session,
            ArticleIn(
                canonical_url=c.canonical_url,
                url=c.url,
                title=c.title,
                language=c.language,
                topic=c.topic,
                published_at=settled or c.fetched_at,
                date_known=settled is not None,
                content_hash=digest,
                text=c.text,
                lead=c.lead,
                guid=c.guid,
                feed_id=c.feed_id,
                source=c.source,
                author=c.author,
                image_url=c.image_url,
                simhash=simhash,
                fetched_at=c.fetched_at,
            ),
        )
        if article_id is None:
            return Stored(None)
        if story_id is not None:
            await attach_to_story(session, article_id, story_id)
            return Stored(article_id, story_id, new_story=False)
        new_id = await create_story(session, article_id)
        return Stored(article_id, new_id, new_story=True)
