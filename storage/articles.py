"""Queries on articles: store one (once), which are stored, read by id, latest, search, images."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, load_only
from sqlalchemy.orm.interfaces import LoaderOption
from sqlalchemy.sql.dml import Insert

from storage.dialect import insert_ignore_rows, search_ids
from storage.models import Article
from storage.textnorm import clean_text, normalize_for_search
from storage.types import utcnow
from storage.visibility import viewer_params, visible_to_param

__all__ = [
    "ArticleIn",
    "add_article",
    "count_articles",
    "get_article",
    "get_article_for",
    "get_articles",
    "headline_columns",
    "known_entries",
    "latest_articles",
    "max_article_id",
    "refuse_image",
    "search_articles",
    "stored_article",
]

# What a list of headlines shows of an article (/latest, /search): never its text, which is
# most of the row (loaded only where mute words may need it: ``headline_columns``); its
# picture, so /latest knows whether its top story becomes a card before reading the whole row.
_HEADLINE = (
    Article.id,
    Article.title,
    Article.lead,
    Article.source,
    Article.language,
    Article.topic,
    Article.published_at,
    Article.date_known,
    Article.story_id,
    Article.feed_id,
    Article.image_url,
    Article.image_refused,
)


@functools.cache
def headline_columns(*, text: bool = False) -> LoaderOption:
    """Load only a headline's columns (and the text when asked); reading another raises. The
    same object each time, so statements built with it are kept (storage.stories)."""
    return load_only(*_HEADLINE, *((Article.text,) if text else ()), raiseload=True)


# The id is a SQL INTEGER: anything larger is not an article (and must not reach the driver).
_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ArticleIn:
    """An article to store; ``content_hash`` must already be computed by the pipeline."""

    canonical_url: str
    url: str
    title: str
    language: str
    topic: str
    published_at: datetime
    content_hash: str
    date_known: bool = True
    text: str = ""
    lead: str = ""
    guid: str | None = None
    feed_id: int | None = None
    source: str = ""
    author: str | None = None
    image_url: str | None = None
    simhash: int = 0
    story_id: int | None = None
    fetched_at: datetime = field(default_factory=utcnow)
    # The folded title and text (storage.textnorm), when the pipeline worked them out already.
    search_title: str | None = None
    search_text: str | None = None


async def known_entries(
    session: AsyncSession, feed_id: int, urls: Collection[str], guids: Collection[str]
) -> tuple[set[str], set[str]]:
    """Of these canonical URLs and this feed's GUIDs, those stored articles already have."""
    known_urls: set[str] = set()
    known_guids: set[str] = set()
    if urls:
        stmt = select(Article.canonical_url).where(Article.canonical_url.in_(urls))
        known_urls.update((await session.execute(stmt)).scalars())
    if guids:
        by_guid = select(Article.guid).where(Article.feed_id == feed_id, Article.guid.in_(guids))
        known_guids.update(g for g in (await session.execute(by_guid)).scalars() if g is not None)
    return known_urls, known_guids


def _row_values(article: ArticleIn) -> dict[str, object]:
    """The column values of ``article``'s row, its search keys worked out when not given."""
    return {
        **article.__dict__,
        "search_title": article.search_title
        if article.search_title is not None
        else normalize_for_search(article.title),
        "search_text": article.search_text
        if article.search_text is not None
        else normalize_for_search(article.text or article.lead),
    }


def stored_article(article: ArticleIn, article_id: int) -> Article:
    """The row ``add_article`` stored as ``article_id``, built instead of read back (in no
    session): its strings cleaned as its columns clean them (storage.types.CleanString)."""
    values = _row_values(article)
    cleaned = {k: clean_text(v) if isinstance(v, str) else v for k, v in values.items()}
    return Article(id=article_id, **cleaned)


async def add_article(session: AsyncSession, article: ArticleIn) -> int | None:
    """Insert ``article`` and return its id, or None when it is already stored.

    The insert is the duplicate check: canonical_url, content_hash and (feed_id, guid) are
    unique, and a clashing row is skipped (ON CONFLICT DO NOTHING)."""
    stmt = _insert_article(session.get_bind().dialect.name)
    # Core, through the session's connection: the ORM's execute path is not needed here.
    conn = await session.connection()
    return (await conn.execute(stmt, _row_values(article))).scalar_one_or_none()


@functools.cache
def _insert_article(dialect: str) -> Insert:
    """add_article's statement, built once (its values go as parameters)."""
    return insert_ignore_rows(dialect, Article.__table__).returning(Article.id)


async def get_article(session: AsyncSession, article_id: int) -> Article | None:
    """The article with this id, with its story loaded; None for ids out of range."""
    return await _article(session, article_id, _article_statement(checked=False, anyone=True), {})


async def get_article_for(
    session: AsyncSession, article_id: int, viewer: int | None
) -> Article | None:
    """The article with this id if ``viewer`` may see it (storage.visibility), else None."""
    stmt = _article_statement(checked=True, anyone=viewer is None)
    return await _article(session, article_id, stmt, viewer_params(viewer))


@functools.cache
def _article_statement(*, checked: bool, anyone: bool) -> Select[Article]:
    # Joined, not a second SELECT: a command's reads cost a round trip each to the driver.
    where = [visible_to_param(anyone, Article.feed_id)] if checked else []
    return (
        select(Article)
        .where(Article.id == bindparam("article_id"), *where)
        .options(joinedload(Article.story))
    )


async def _article(
    session: AsyncSession, article_id: int, stmt: Select[Article], params: dict[str, int]
) -> Article | None:
    if not 0 < article_id <= _MAX_ID:
        return None
    result = await session.execute(stmt, {"article_id": article_id, **params})
    return result.scalar_one_or_none()


@functools.lru_cache(maxsize=16)
def _by_ids_statement(options: tuple[LoaderOption, ...]) -> Select[Article]:
    return select(Article).options(*options).where(Article.id.in_(bindparam("ids", expanding=True)))


async def get_articles(
    session: AsyncSession, ids: Sequence[int], *, options: Sequence[LoaderOption] = ()
) -> list[Article]:
    """The articles with these ids, in the order given (unknown ids left out); ``options``
    e.g. headline_columns() (the same objects each time: the statement is kept per options)."""
    if not ids:
        return []
    rows = (await session.execute(_by_ids_statement(tuple(options)), {"ids": list(ids)})).scalars()
    by_id = {a.id: a for a in rows}
    return [by_id[i] for i in ids if i in by_id]


async def latest_articles(
    session: AsyncSession,
    *,
    language: str | None = None,
    topic: str | None = None,
    limit: int = 10,
    offset: int = 0,
) -> list[Article]:
    """The newest articles, optionally of one language and topic (served by the latest indexes)."""
    stmt = select(Article).order_by(Article.published_at.desc(), Article.id.desc())
    if language is not None:
        stmt = stmt.where(Article.language == language)
    if topic is not None:
        stmt = stmt.where(Article.topic == topic)
    return list((await session.execute(stmt.limit(limit).offset(offset))).scalars())


async def search_articles(
    session: AsyncSession,
    query: str,
    *,
    limit: int = 10,
    offset: int = 0,
    viewer: int | None = None,
    language: str | None = None,
    options: Sequence[LoaderOption] = (),
) -> list[Article]:
    """Articles ``viewer`` may see (storage.visibility) whose folded title or text contains
    every word of ``query``, newest first; only those in ``language`` when one is given
    (``options`` as for get_articles)."""
    folded = normalize_for_search(query)
    if not folded:
        return []
    params: dict[str, object] = {**viewer_params(viewer)}
    if language is not None:
        params["language"] = language
    where = _search_condition(anyone=viewer is None, by_language=language is not None)
    ids = await search_ids(session, folded, limit, offset, where=where, params=params)
    return await get_articles(session, ids, options=options)


@functools.cache
def _search_condition(*, anyone: bool, by_language: bool) -> ColumnElement[bool]:
    """What a search hit's row must satisfy, per shape (its values bound: see search_articles)."""
    where = visible_to_param(anyone, Article.feed_id)
    return and_(where, Article.language == bindparam("language")) if by_language else where


async def max_article_id(session: AsyncSession) -> int:
    """The newest article id (0 for an empty store)."""
    return (await session.execute(select(func.max(Article.id)))).scalar_one() or 0


async def count_articles(session: AsyncSession) -> int:
    """How many articles are stored."""
    return (await session.execute(select(func.count(Article.id)))).scalar_one()


async def refuse_image(session: AsyncSession, article_id: int) -> None:
    """Remember that Telegram refused the article's picture: its cards go as text from now on."""
    await session.execute(
        update(Article).where(Article.id == article_id).values(image_refused=True)
    )
