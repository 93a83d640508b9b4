"""Storing a new article once and linking it to its story (the same event from other sources)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from news.ingest.dates import settle_published
from news.stories.candidate import Candidate
from news.stories.dedup import StoryKey, content_hash, simhash64, to_signed64
from news.stories.index import StoryIndex
from storage import Store
from storage.articles import ArticleIn, add_article
from storage.stories import attach_to_story, create_story

__all__ = ["Stored", "store_candidate"]

log = logging.getLogger(__name__)

_SIMHASH_MIN_WORDS = 50
_HASH_BODY_WORDS = 40
_SIMHASH_MAX_WORDS = 800  # below this the body's SimHash is stored as 0 and never compared


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


async def store_candidate(store: Store, c: Candidate, index: StoryIndex) -> Stored:
    """Store ``c`` unless it is a duplicate, joining the story of a matching recent article.

    The insert is the one duplicate check (storage.articles.add_article): the story is looked
    up first, in the ``index`` of recent stories the pipeline keeps, and dropped with the
    article when the store already has it."""
    digest, simhash, words = await asyncio.to_thread(_fingerprints, c)
    # Unknown and far-future dates are stored as the fetch time, flagged (date_known=False).
    settled = settle_published(c.published_at, c.fetched_at)
    key = StoryKey(c.title, simhash, settled, c.language, words)
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
