"""Queries on stories: create one, attach an article to one, the recent ones to match against, the
latest, and the reports that make one breaking."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    Select,
    String,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.interfaces import LoaderOption
from sqlalchemy.sql.dml import Insert, Update

from storage.articles import ArticleIn
from storage.models import Article, Story
from storage.types import utcnow
from storage.visibility import Viewer, viewer_params, visible_to, visible_to_param

__all__ = [
    "Report",
    "StoryCandidate",
    "StoryReports",
    "attach_to_story",
    "count_report",
    "create_story",
    "drop_story",
    "first_article",
    "first_ids_in_language",
    "has_earlier_report_in",
    "latest_stories",
    "recent_stories",
    "start_story",
    "stories_since_id",
    "story_articles",
    "story_reports",
    "story_source_count",
    "story_source_counts",
]


# Who reported an article: its feed, or for an imported file the source it names.
_SOURCE_KEY = func.coalesce(cast(Article.feed_id, String), Article.source)


@dataclass(frozen=True)
class StoryCandidate:
    """What the pipeline compares a new article with: a recent article and its story."""

    story_id: int
    article_id: int
    title: str
    simhash: int
    published_at: datetime
    language: str


async def create_story(
    session: AsyncSession, article_id: int, article: ArticleIn | None = None
) -> int:
    """Make a new story from one stored article and link the article to it; ``article`` is
    what was stored (then nothing is read back)."""
    if article is None:
        row = await session.get(Article, article_id)
        assert row is not None
        article = ArticleIn(
            canonical_url=row.canonical_url,
            url=row.url,
            title=row.title,
            language=row.language,
            topic=row.topic,
            published_at=row.published_at,
            content_hash=row.content_hash,
            simhash=row.simhash,
        )
    story_id = await start_story(session, article)
    await session.execute(update(Article).where(Article.id == article_id).values(story_id=story_id))
    return story_id


async def start_story(session: AsyncSession, article: ArticleIn) -> int:
    """Insert the story that ``article`` begins, before the article (which then carries its id:
    one statement fewer than linking it after); its id."""
    values = {
        "title": article.title,
        "topic": article.topic,
        "language": article.language,
        "languages": article.language,
        "simhash": article.simhash,
        "article_count": 1,
        "first_published_at": article.published_at,
    }
    # Core, through the session's connection: the ORM's execute path is not needed here;
    # one statement, its values as parameters (a statement built per row cost half again).
    conn = await session.connection()
    story_id: int = (await conn.execute(_start_story_statement(), values)).scalar_one()
    return story_id


@functools.cache
def _start_story_statement() -> Insert:
    """start_story's statement, built once."""
    return insert(Story).returning(Story.id)


async def drop_story(session: AsyncSession, story_id: int) -> None:
    """Delete a story started for an article that turned out to be stored already."""
    await (await session.connection()).execute(delete(Story).where(Story.id == story_id))


async def count_report(session: AsyncSession, story_id: int) -> None:
    """Count one more article (stored with the story's id) in the story."""
    params = {"counted_story": story_id, "now": utcnow()}
    await (await session.connection()).execute(_count_report_statement(), params)


@functools.cache
def _count_report_statement() -> Update:
    """count_report's statement, built once (its values go as parameters)."""
    return (
        update(Story)
        .where(Story.id == bindparam("counted_story"))
        .values(article_count=Story.article_count + 1, updated_at=bindparam("now"))
    )


async def attach_to_story(session: AsyncSession, article_id: int, story_id: int) -> None:
    """Link a stored article to an existing story (linked, not merged)."""
    await session.execute(update(Article).where(Article.id == article_id).values(story_id=story_id))
    await count_report(session, story_id)


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


@functools.cache
def _story_articles_statement(anyone: bool) -> Select[Article]:
    return (
        select(Article)
        .where(
            Article.story_id == bindparam("story_id"),
            visible_to_param(anyone, Article.feed_id),
        )
        .order_by(Article.published_at, Article.id)
    )


async def story_articles(
    session: AsyncSession, story_id: int, *, viewer: int | None = None
) -> list[Article]:
    """Every article of a story ``viewer`` may see (storage.visibility), oldest first."""
    stmt = _story_articles_statement(viewer is None)
    params = {"story_id": story_id, **viewer_params(viewer)}
    return list((await session.execute(stmt, params)).scalars())


@functools.lru_cache(maxsize=64)
def _latest_statement(
    by_language: bool, by_topic: bool, anyone: bool, options: tuple[LoaderOption, ...]
) -> Select[Article]:
    """latest_stories' statement of one shape, its values bound parameters (built once)."""
    earlier = aliased(Article)
    conditions = [
        earlier.story_id == Article.story_id,
        earlier.id < Article.id,
        visible_to_param(anyone, earlier.feed_id),
    ]
    stmt = (
        select(Article)
        .options(*options)
        .where(visible_to_param(anyone, Article.feed_id))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )
    if by_language:
        stmt = stmt.where(Article.language == bindparam("language"))
        conditions.append(earlier.language == bindparam("language"))
    if by_topic:
        stmt = stmt.where(Article.topic == bindparam("topic"))
        conditions.append(earlier.topic == bindparam("topic"))
    stmt = stmt.where(~select(earlier.id).where(*conditions).exists())
    return stmt.limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))


async def latest_stories(
    session: AsyncSession,
    *,
    language: str | None = None,
    topic: str | None = None,
    limit: int = 10,
    offset: int = 0,
    options: Sequence[LoaderOption] = (),
    viewer: int | None = None,
) -> list[Article]:
    """The newest stories ``viewer`` may see (storage.visibility), one article each: the first
    of the story it may see (the one that started the story and was pushed, unless a feed of
    other chats' own did), optionally of one language and topic; an article outside any story
    stands for itself (``options``: e.g. storage.articles.headline_columns() for a list; the
    statement is kept per shape, so pass the same option objects each time).

    Walks the latest indexes newest first and drops every article stored after another one of its
    story (through ix_articles_story), so paging by offset counts stories, not articles."""
    stmt = _latest_statement(
        language is not None, topic is not None, viewer is None, tuple(options)
    )
    params: dict[str, object] = {"limit": limit, "offset": offset, **viewer_params(viewer)}
    if language is not None:
        params["language"] = language
    if topic is not None:
        params["topic"] = topic
    return list((await session.execute(stmt, params)).scalars())


async def story_source_count(session: AsyncSession, story_id: int) -> int:
    """How many distinct sources (feeds, or source names for imported files) report a story."""
    return (await story_source_counts(session, [story_id])).get(story_id, 0)


@functools.cache
def _source_counts_statement(anyone: bool) -> Select[int | None, int]:
    return (
        select(Article.story_id, func.count(func.distinct(_SOURCE_KEY)))
        .where(
            Article.story_id.in_(bindparam("ids", expanding=True)),
            visible_to_param(anyone, Article.feed_id),
        )
        .group_by(Article.story_id)
    )


async def story_source_counts(
    session: AsyncSession, story_ids: Collection[int], *, viewer: int | None = None
) -> dict[int, int]:
    """For each of these stories, how many distinct sources whose reports ``viewer`` may see
    (storage.visibility) report it (see story_source_count)."""
    if not story_ids:
        return {}
    stmt = _source_counts_statement(viewer is None)
    params = {"ids": sorted(set(story_ids)), **viewer_params(viewer)}
    rows = await session.execute(stmt, params)
    return {story_id: count for story_id, count in rows.all() if story_id}


async def first_article(session: AsyncSession, story_id: int) -> Article | None:
    """The story's first stored article: the one pushed, and the one /latest shows."""
    stmt = select(Article).where(Article.story_id == story_id).order_by(Article.id).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


class Report(NamedTuple):
    """One article of a story as the breaking rule sees it: who published it, and when."""

    source: str  # the feed id, or the source name of an imported file
    published_at: datetime  # when it was fetched, if the date is not known
    date_known: bool


@dataclass(frozen=True)
class StoryReports:
    """When a story was first published, and every article that reports it (the facts
    news.delivery.policy judges a breaking story by)."""

    first_published_at: datetime | None = None
    reports: tuple[Report, ...] = ()


async def story_reports(
    session: AsyncSession, story_ids: Collection[int]
) -> dict[int, StoryReports]:
    """Each of these stories' first publication time and reports (none for a story not found)."""
    if not story_ids:
        return {}
    stmt = (
        select(
            Story.id,
            Story.first_published_at,
            _SOURCE_KEY,
            Article.published_at,
            Article.date_known,
        )
        .join(Article, Article.story_id == Story.id)
        .where(Story.id.in_(set(story_ids)))
    )
    first: dict[int, datetime] = {}
    reports: defaultdict[int, list[Report]] = defaultdict(list)
    for story_id, first_at, source, published, known in (await session.execute(stmt)).all():
        first[story_id] = first_at
        reports[story_id].append(Report(source, published, known))
    return {i: StoryReports(first.get(i), tuple(reports.get(i, ()))) for i in story_ids}


async def has_earlier_report_in(
    session: AsyncSession, story_id: int, language: str, article_id: int
) -> bool:
    """Whether the story had an article in ``language`` that every chat may see before
    ``article_id`` joined it."""
    stmt = select(Article.id).where(
        Article.story_id == story_id,
        Article.language == language,
        Article.id != article_id,
        visible_to(None, Article.feed_id),
    )
    return (await session.execute(stmt.limit(1))).first() is not None


async def first_ids_in_language(
    session: AsyncSession, story_ids: Collection[int], language: str, viewer: Viewer
) -> dict[int, int]:
    """For each of these stories, the id of its first article in ``language`` that ``viewer``
    may see (storage.visibility); stories without one are left out."""
    if not story_ids:
        return {}
    stmt = (
        select(Article.story_id, func.min(Article.id))
        .where(
            Article.story_id.in_(set(story_ids)),
            Article.language == language,
            visible_to(viewer, Article.feed_id),
        )
        .group_by(Article.story_id)
    )
    return {story: first for story, first in (await session.execute(stmt)).all() if story}
