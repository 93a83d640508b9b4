"""Storing new articles once and linking each to its story (the same event from other sources).

A feed's new articles are stored together: the story index refreshed once, every article
matched and inserted in one write transaction (the insert is the duplicate check), nothing
read back. Their keys (fingerprints, search keys) come computed with the candidate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import AsyncSession

from news.ingest.dates import settle_published
from news.stories.candidate import Candidate
from news.stories.dedup import StoryKey
from news.stories.index import StoryIndex
from news.stories.keys import text_keys
from storage import Article, Store
from storage.articles import ArticleIn, add_article, stored_article
from storage.stories import StoryCandidate, count_report, drop_story, start_story

__all__ = ["LinkFinder", "Stored", "store_candidate", "store_candidates", "store_each"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """What happened to a candidate."""

    article_id: int | None
    story_id: int | None = None
    new_story: bool = False
    # The stored row (not read back) when it began its story: the story's first article, which
    # queueing the story matches subscriptions against (news.delivery.queue).
    first: Article | None = field(default=None, compare=False, repr=False)

    @property
    def duplicate(self) -> bool:
        """Whether the candidate was already stored (by URL, GUID or content)."""
        return self.article_id is None


# Asked when no story of the candidate's language matches: its story in the other language
# (news.stories.linking), or None.
LinkFinder = Callable[[Candidate], int | None]


async def store_candidate(
    store: Store, c: Candidate, index: StoryIndex, link: LinkFinder | None = None
) -> Stored:
    """Store ``c`` unless it is a duplicate, joining the story of a matching recent article."""
    return (await store_candidates(store, [c], index, link))[0]


async def store_candidates(
    store: Store, candidates: Sequence[Candidate], index: StoryIndex, link: LinkFinder | None = None
) -> list[Stored]:
    """Store each candidate unless it is a duplicate, in order and in one transaction, each
    joining the story of a matching recent article (an earlier one of the batch too).

    The insert is the one duplicate check (storage.articles.add_article): the story is looked
    up first, in the ``index`` of recent stories the pipeline keeps (then by ``link``, across
    languages), and dropped with the
    article when the store already has it. When the transaction fails, nothing of the batch
    is stored and the index forgets what it was told of it."""
    if not candidates:
        return []
    # Matching and writing one batch at a time: two reports of one event stored at once
    # (two feeds in one pass) would otherwise each miss the other and start two stories.
    async with index.writing:
        await index.refresh(max(c.fetched_at for c in candidates))
        try:
            async with store.write() as session:
                return [await _write(session, c, index, link) for c in candidates]
        except BaseException:
            index.reset()  # it was told of rows that were rolled back
            raise


async def store_each(
    store: Store, candidates: Sequence[Candidate], index: StoryIndex, link: LinkFinder | None = None
) -> list[tuple[Candidate, Stored]]:
    """store_candidates, and when the batch fails, each candidate on its own: a bad one is
    logged and skipped, the others stored. Returns each candidate stored with its outcome."""
    try:
        stored = await store_candidates(store, candidates, index, link)
        return list(zip(candidates, stored, strict=True))
    except Exception:
        log.warning("ingest: storing %d articles at once failed; one by one", len(candidates))
    done = []
    for candidate in candidates:
        try:
            done.append((candidate, await store_candidate(store, candidate, index, link)))
        except Exception:
            log.exception("ingest: article %r failed", candidate.url)
    return done


async def _write(
    session: AsyncSession, c: Candidate, index: StoryIndex, link: LinkFinder | None
) -> Stored:
    """Insert the article and join its story, or start a story of its own."""
    keys = c.keys or text_keys(c.title, c.text, c.lead)
    # Unknown and far-future dates are stored as the fetch time, flagged (date_known=False).
    settled = settle_published(c.published_at, c.fetched_at)
    story_id = index.find(StoryKey(c.title, keys.simhash, settled, c.language, keys.words))
    if story_id is None and link is not None:
        story_id = link(c)
    article = ArticleIn(
        canonical_url=c.canonical_url,
        url=c.url,
        title=c.title,
        language=c.language,
        topic=c.topic,
        published_at=settled or c.fetched_at,
        date_known=settled is not None,
        content_hash=keys.content_hash,
        text=c.text,
        lead=c.lead,
        guid=c.guid,
        feed_id=c.feed_id,
        source=c.source,
        author=c.author,
        image_url=c.image_url,
        simhash=keys.simhash,
        fetched_at=c.fetched_at,
        search_title=keys.search_title,
        search_text=keys.search_text,
    )
    new_story = story_id is None
    # A new story is inserted first, so the article is inserted with its id (two statements,
    # not three); when the article turns out to be a duplicate, its story is dropped.
    story_id = await start_story(session, article) if story_id is None else story_id
    article = replace(article, story_id=story_id)
    article_id = await add_article(session, article)
    if article_id is None:
        if new_story:
            await drop_story(session, story_id)
        return Stored(None)
    if not new_story:
        await count_report(session, story_id)
    index.add(
        StoryCandidate(
            story_id, article_id, c.title, keys.simhash, article.published_at, c.language
        )
    )
    first = stored_article(article, article_id) if new_story else None
    return Stored(article_id, story_id, new_story=new_story, first=first)
