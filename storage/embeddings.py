"""Queries on article embeddings: store one, read the recent ones, and a story's languages."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from storage.models import Article, ArticleEmbedding, Story
from storage.visibility import viewer_params, visible_to_param

__all__ = [
    "EmbeddedArticle",
    "add_story_language",
    "recent_embeddings",
    "recent_vectors",
    "save_embedding",
    "story_languages",
    "vectors_of",
]


@dataclass(frozen=True)
class EmbeddedArticle:
    """A recent article with its stored vector, as the story linker compares it."""

    article_id: int
    story_id: int | None
    language: str
    published_at: datetime
    title: str
    lead: str
    vector: bytes


async def save_embedding(session: AsyncSession, article_id: int, model: str, vector: bytes) -> None:
    """Store an article's vector (once: the article is new). Written when the session
    flushes: a feed's vectors go in one executemany, not one round trip each."""
    session.add(ArticleEmbedding(article_id=article_id, model=model, vector=vector))


async def add_story_language(session: AsyncSession, story_id: int, language: str) -> None:
    """Record that ``story_id`` now has an article in ``language`` (no change if it had one)."""
    padded = literal(" ").concat(Story.languages).concat(" ")
    await session.execute(
        update(Story)
        .where(Story.id == story_id, ~padded.contains(f" {language} ", autoescape=True))
        .values(languages=func.trim(Story.languages.concat(f" {language}")))
    )


async def story_languages(session: AsyncSession, story_id: int) -> list[str]:
    """The languages a story has an article in, as recorded."""
    value = await session.scalar(select(Story.languages).where(Story.id == story_id))
    return (value or "").split()


def _recent(
    *columns: QueryableAttribute[Any], model: str, since: datetime, after_id: int, limit: int
) -> Select[Any]:
    """``columns`` of the articles published since ``since`` and stored after ``after_id`` with a
    ``model`` vector, by id: the one statement both recent reads run."""
    return (
        select(*columns)
        .select_from(ArticleEmbedding)
        .join(Article, ArticleEmbedding.article_id == Article.id)
        .where(
            ArticleEmbedding.model == model,
            ArticleEmbedding.article_id > after_id,
            Article.published_at >= since,
        )
        .order_by(ArticleEmbedding.article_id)
        .limit(limit)
    )


async def recent_embeddings(
    session: AsyncSession, *, model: str, since: datetime, after_id: int = 0, limit: int = 50000
) -> list[EmbeddedArticle]:
    """Articles published since ``since`` and stored after ``after_id`` with a ``model``
    vector, by id."""
    stmt = _recent(
        ArticleEmbedding.article_id,
        Article.story_id,
        Article.language,
        Article.published_at,
        Article.title,
        Article.lead,
        ArticleEmbedding.vector,
        model=model,
        since=since,
        after_id=after_id,
        limit=limit,
    )
    return [EmbeddedArticle(*row) for row in (await session.execute(stmt)).all()]


async def recent_vectors(
    session: AsyncSession, *, model: str, since: datetime, after_id: int = 0, limit: int = 20000
) -> list[tuple[int, datetime, str, bytes]]:
    """(article id, published, language, vector) of articles published since ``since`` and stored after
    ``after_id`` with a ``model`` vector, by id (the search index's incremental read)."""
    stmt = _recent(
        ArticleEmbedding.article_id,
        Article.published_at,
        Article.language,
        ArticleEmbedding.vector,
        model=model,
        since=since,
        after_id=after_id,
        limit=limit,
    )
    return [(row[0], row[1], row[2], row[3]) for row in (await session.execute(stmt)).all()]


@functools.cache
def _vectors_of_statement(anyone: bool) -> Select[int, bytes]:
    return (
        select(ArticleEmbedding.article_id, ArticleEmbedding.vector)
        .join(Article, Article.id == ArticleEmbedding.article_id)
        .where(
            ArticleEmbedding.article_id.in_(bindparam("ids", expanding=True)),
            visible_to_param(anyone, Article.feed_id),
        )
    )


async def vectors_of(
    session: AsyncSession, article_ids: Sequence[int], *, viewer: int | None = None
) -> dict[int, bytes]:
    """The stored vectors of those of these articles ``viewer`` may see (storage.visibility);
    the others, and those without one, are left out."""
    if not article_ids:
        return {}
    stmt = _vectors_of_statement(viewer is None)
    rows = await session.execute(stmt, {"ids": list(article_ids), **viewer_params(viewer)})
    return {row[0]: row[1] for row in rows.all()}
