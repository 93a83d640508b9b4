"""Queries on the feeds table: the list of sources and their fetch state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.models import Feed
from storage.retention import delete_feed_articles
from storage.types import utcnow

__all__ = [
    "FeedIn",
    "add_feed",
    "claim_due_feeds",
    "failing_feeds",
    "feed_title",
    "get_feed",
    "get_feed_by_url",
    "list_feeds",
    "record_fetch_error",
    "record_fetch_ok",
    "remove_feed",
]


@dataclass(frozen=True)
class FeedIn:
    """A feed to add."""

    url: str
    title: str
    language: str
    topic: str | None = None
    fetch_pages: bool = False
    shared: bool = True  # False: added by a chat with /follow, its articles reach its followers


def feed_title(feed: Feed) -> str | None:
    """The feed's own title, or None while it is known only by its URL (/addfeed and
    `khabar feeds add` store the URL as title until the first fetch reads the feed's <title>)."""
    title = feed.title.strip()
    return title if title and title != feed.url else None


async def add_feed(session: AsyncSession, feed: FeedIn) -> tuple[Feed, bool]:
    """Add ``feed`` unless its URL is known; return the row and whether it was created."""
    values = {
        "url": feed.url,
        "title": feed.title,
        "language": feed.language,
        "topic": feed.topic,
        "fetch_pages": feed.fetch_pages,
        "shared": feed.shared,
        "enabled": True,
        "error_count": 0,
        "created_at": utcnow(),
    }
    result = await session.execute(insert_ignore(session, Feed.__table__, values))  # type: ignore[arg-type]
    row = await get_feed_by_url(session, feed.url)
    assert row is not None
    return row, bool(result.rowcount)  # type: ignore[attr-defined]


async def get_feed(session: AsyncSession, feed_id: int) -> Feed | None:
    """The feed with this id."""
    return await session.get(Feed, feed_id)


async def get_feed_by_url(session: AsyncSession, url: str) -> Feed | None:
    """The feed with this URL."""
    return (await session.execute(select(Feed).where(Feed.url == url))).scalar_one_or_none()


async def list_feeds(session: AsyncSession, *, enabled_only: bool = False) -> list[Feed]:
    """Every feed, by id."""
    stmt = select(Feed).order_by(Feed.id)
    if enabled_only:
        stmt = stmt.where(Feed.enabled.is_(True))
    return list((await session.execute(stmt)).scalars())


async def remove_feed(session: AsyncSession, feed_id: int) -> bool:
    """Delete a feed; return whether it existed. An admin's feed's articles stay, unlinked; a
    feed only chats followed takes its articles with it (no chat may see them now)."""
    feed = await session.get(Feed, feed_id)
    if feed is None:
        return False
    if not feed.shared:
        await delete_feed_articles(session, [feed_id])
    await session.delete(feed)
    return True


async def claim_due_feeds(
    session: AsyncSession,
    now: datetime,
    lease: timedelta,
    limit: int = 1000,
    *,
    exclude: frozenset[int] = frozenset(),
    every: bool = False,
) -> list[Feed]:
    """Take the due feeds for this process: their next check moves ``lease`` ahead in the same
    statement, so another instance sharing the database does not fetch them in this pass
    (rows another transaction holds are skipped on PostgreSQL). Feeds in ``exclude`` (still
    being ingested here) are never taken; ``every`` takes the others whether due or not."""
    due = (
        select(Feed.id)
        .where(Feed.enabled.is_(True))
        .order_by(Feed.next_check_at.is_not(None), Feed.next_check_at, Feed.id)
        .limit(limit)
    )
    if not every:
        due = due.where(or_(Feed.next_check_at.is_(None), Feed.next_check_at <= now))
    if exclude:
        due = due.where(Feed.id.not_in(exclude))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # Chosen first, updated second: as a subquery, the locking SELECT may be re-run by
    # PostgreSQL and skip the rows the UPDATE just locked, claiming past the limit.
    ids = list((await session.execute(due)).scalars())
    if not ids:
        return []
    stmt = update(Feed).where(Feed.id.in_(ids)).values(next_check_at=now + lease).returning(Feed)
    return sorted((await session.execute(stmt)).scalars(), key=lambda f: f.id)


async def record_fetch_ok(
    session: AsyncSession,
    feed_id: int,
    *,
    next_check_at: datetime,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
    problem: str | None = None,
) -> None:
    """Store a good fetch: new validators, the next check time, the error count reset.

    ``problem`` is what went wrong after the fetch (pages too slow, extraction failing): the
    feed then counts as failing, with that error, though its fetch worked.
    """
    now = utcnow()
    values: dict[str, object] = {
        "etag": etag,
        "last_modified": last_modified,
        "next_check_at": next_check_at,
        "last_checked_at": now,
        "last_ok_at": now,
        "error_count": 0 if problem is None else Feed.error_count + 1,
        "last_error": None if problem is None else problem[:2000],
    }
    if title:
        values["title"] = title
    await session.execute(update(Feed).where(Feed.id == feed_id).values(**values))


async def record_fetch_error(
    session: AsyncSession, feed_id: int, *, error: str, next_check_at: datetime
) -> None:
    """Store a failed fetch: the reason, one more error, the backed-off next check time."""
    await session.execute(
        update(Feed)
        .where(Feed.id == feed_id)
        .values(
            error_count=Feed.error_count + 1,
            last_error=error[:2000],
            last_checked_at=utcnow(),
            next_check_at=next_check_at,
        )
    )


async def failing_feeds(session: AsyncSession) -> list[Feed]:
    """Feeds whose last fetch failed, worst first."""
    stmt = (
        select(Feed)
        .where(Feed.error_count > 0)
        .order_by(Feed.error_count.desc(), func.lower(Feed.title))
    )
    return list((await session.execute(stmt)).scalars())
