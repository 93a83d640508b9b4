"""Queries on stories: create one, attach an article to one, the recent ones to match against, the latest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, String, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Article, Story
from storage.types import utcnow

__all__ = [
    "StoryCandidate",
    "attach_to_story",
    "create_story",
    "latest_stories",
    "recent_stories",
    "sources_within",
    "stories_since_id",
    "story_articles",
    "story_source_count",
    "story_source_counts",
]


@dataclass(frozen=True)
class StoryCandidate:
    """What the pipeline compares a new article with: a recent article and its story."""

    story_id: int
    article_id: int
    title: str
    simhash: int
    published_at: datetime
    language: str


async def create_story(session: AsyncSession, article_id: int) -> int:
    """Make a new story from one stored article and link the article to it."""
    article = await session.get(Article, article_id)
    assert article is not None
    story = Story(
        title=article.title,
        topic=article.topic,
        language=article.language,
        simhash=article.simhash,
        article_count=1,
        first_published_at=article.published_at,
    )
    session.add(story)
    await session.flush()
    article.story_id = story.id
    return story.id


async def attach_to_story(session: AsyncSession, article_id: int, story_id: int) -> None:
    """Link a stored article to an existing story (linked, not merged)."""
    await session.execute(update(Article).where(Article.id == article_id).values(story_id=story_id))
    await session.execute(
        update(Story)
        .where(Story.id == story_id)
        .values(article_count=Story.article_count + 1, updated_at=utcnow())
    )


_CANDIDATE_COLUMNS = (
    Article.story_id,
    Article.id,
    Article.title,
    Article.simhash,
    Article.published_at,
    Article.language,
)


async def _candidates(
    session: AsyncSession, stmt: Select[int | None, int, str, int, datetime, str]
) -> list[StoryCandidate]:
    return [
        StoryCandidate(
            story_id=r[0] or 0,
            article_id=r[1],
            title=r[2],
            simhash=r[3],
            published_at=r[4],
            language=r[5],
        )
        for r in (await session.execute(stmt)).all()
    ]


async def recent_stories(
    session: AsyncSession, since: datetime, *, limit: int = 5000
) -> list[StoryCandidate]:
    """Articles published since ``since`` that belong to a story, newest first."""
    stmt = (
        select(*_CANDIDATE_COLUMNS)
        .where(Article.published_at >= since, Article.story_id.is_not(None))
        .order_by(Article.published_at.desc())
        .limit(limit)
    )
    return await _candidates(session, stmt)


async def stories_since_id(
    session: AsyncSession, after_id: int, since: datetime, *, limit: int = 50000
) -> list[StoryCandidate]:
    """Articles with a story stored after ``after_id`` and published since ``since``, by id."""
    stmt = (
        select(*_CANDIDATE_COLUMNS)
        .where(Article.id > after_id, Article.story_id.is_not(None), Article.published_at >= since)
        .order_by(Article.id)
        .limit(limit)
    )
    return await _candidates(session, stmt)


async def story_articles(session: AsyncSession, story_id: int) -> list[Article]:
    """Every article of a story, oldest first."""
    stmt = (
        select(Article)
        .where(Article.story_id == story_id)
        .order_by(Article.published_at, Article.id)
    )
    return list((await session.execute(stmt)).scalars())


async def latest_stories(
    session: AsyncSession,
    *,
    language: str | None = None,
    topic: str | None = None,
    limit: int = 10,
    offset: int = 0,
) -> list[Article]:
    """The newest stories, one article each: the one that started the story (and was pushed),
    optionally of one language and topic; an article outside any story stands for itself.

    Walks the latest indexes newest first and drops every article stored after another one of its
    story (through ix_articles_story), so paging by offset counts stories, not articles."""
    earlier = aliased(Article)
    conditions = [earlier.story_id == Article.story_id, earlier.id < Article.id]
    stmt = select(Article).order_by(Article.published_at.desc(), Article.id.desc())
    if language is not None:
        stmt = stmt.where(Article.language == language)
        conditions.append(earlier.language == language)
    if topic is not None:
        stmt = stmt.where(Article.topic == topic)
        conditions.append(earlier.topic == topic)
    stmt = stmt.where(~select(earlier.id).where(*conditions).exists())
    return list((await session.execute(stmt.limit(limit).offset(offset))).scalars())


async def story_source_count(session: AsyncSession, story_id: int) -> int:
    """How many distinct sources (feeds, or source names for imported files) report a story."""
    return (await story_source_counts(session, [story_id])).get(story_id, 0)


async def story_source_counts(session: AsyncSession, story_ids: Collection[int]) -> dict[int, int]:
    """For each of these stories, how many distinct sources report it (see story_source_count)."""
    if not story_ids:
        return {}
    source_key = func.coalesce(cast(Article.feed_id, String), Article.source)
    stmt = (
        select(Article.story_id, func.count(func.distinct(source_key)))
        .where(Article.story_id.in_(set(story_ids)))
        .group_by(Article.story_id)
    )
    return {story_id: count for story_id, count in (await session.execute(stmt)).all() if story_id}


async def sources_within(
    session: AsyncSession, story_ids: Collection[int], window: timedelta
) -> dict[int, int]:
    """For each story, how many distinct sources (feeds, or source names for imported files)
    published it within ``window`` of its first article: what makes a story breaking.

    Articles without a known publication date do not count: their stored time is only when we
    fetched them, and an old item must never make a story look fresh."""
    if not story_ids:
        return {}
    source = func.coalesce(cast(Article.feed_id, String), Article.source)
    stmt = (
        select(Article.story_id, source, Article.published_at, Story.first_published_at)
        .join(Story, Story.id == Article.story_id)
        .where(Article.story_id.in_(set(story_ids)), Article.date_known.is_(True))
    )
    seen: defaultdict[int, set[str]] = defaultdict(set)
    for story_id, name, published, first in (await session.execute(stmt)).all():
        if story_id is not None and published <= first + window:
            seen[story_id].add(name)
    return {story_id: len(seen.get(story_id, ())) for story_id in story_ids}
