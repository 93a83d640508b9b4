"""Queries on subscriptions: a chat's topics and keyword phrases, instant or digest, and the
digest time. In a forum supergroup each topic (thread) has subscriptions of its own; a
``thread_id`` of None is the chat itself (and a forum's General topic)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.models import Feed, Subscription
from storage.retention import delete_feed_articles
from storage.types import utcnow

__all__ = [
    "FEED",
    "chat_digest_time",
    "count_subscriptions",
    "in_thread",
    "keyword_values",
    "list_subscriptions",
    "remove_unfollowed_feeds",
    "set_digest_time",
    "subscribe",
    "unsubscribe",
    "unsubscribe_all",
]

FEED = "feed"  # subscriptions.kind of a follow; its value is the feed's id as text


def in_thread(thread_id: int | None) -> ColumnElement[bool]:
    """The subscriptions of one thread of a chat (None: of the chat itself)."""
    column = Subscription.thread_id
    return column.is_(None) if thread_id is None else column == thread_id


async def subscribe(
    session: AsyncSession,
    chat_id: int,
    *,
    kind: str,
    value: str,
    display: str,
    mode: str = "instant",
    digest_time: int | None = None,
    thread_id: int | None = None,
) -> bool:
    """Subscribe a chat (in its forum topic ``thread_id``); return False when it already was
    (its mode is then updated)."""
    values = {
        "chat_id": chat_id,
        "thread_id": thread_id,
        "kind": kind,
        "value": value,
        "display": display,
        "mode": mode,
        "digest_time": digest_time,
        "created_at": utcnow(),
    }
    result = await session.execute(insert_ignore(session, Subscription.__table__, values))  # type: ignore[arg-type]
    created = bool(result.rowcount)  # type: ignore[attr-defined]
    if not created:
        await session.execute(
            update(Subscription)
            .where(
                Subscription.chat_id == chat_id,
                in_thread(thread_id),
                Subscription.kind == kind,
                Subscription.value == value,
            )
            .values(mode=mode, digest_time=digest_time)
        )
    return created


async def unsubscribe(
    session: AsyncSession, chat_id: int, *, kind: str, value: str, thread_id: int | None = None
) -> bool:
    """Remove one subscription of the chat's thread; return whether it existed. A chat's own
    feed that no chat follows any more goes with its last follow (nothing fetches it)."""
    result = await session.execute(
        delete(Subscription).where(
            Subscription.chat_id == chat_id,
            in_thread(thread_id),
            Subscription.kind == kind,
            Subscription.value == value,
        )
    )
    removed = bool(result.rowcount)  # type: ignore[attr-defined]
    if removed and kind == FEED:
        await remove_unfollowed_feeds(session)
    return removed


async def unsubscribe_all(session: AsyncSession, chat_id: int, thread_id: int | None = None) -> int:
    """Remove every subscription of a chat's thread (and the chat's own feeds it alone
    followed); return how many there were."""
    result = await session.execute(
        delete(Subscription).where(Subscription.chat_id == chat_id, in_thread(thread_id))
    )
    removed = int(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        await remove_unfollowed_feeds(session)
    return removed


async def remove_unfollowed_feeds(session: AsyncSession) -> int:
    """Delete the feeds only chats added that no chat follows any more, and their articles
    (no chat may see them now); how many feeds."""
    followed = exists().where(Subscription.feed_id == Feed.id)
    unfollowed = select(Feed.id).where(Feed.shared.is_(False), ~followed)
    ids = list((await session.execute(unfollowed)).scalars())
    if not ids:
        return 0
    await delete_feed_articles(session, ids)
    result = await session.execute(delete(Feed).where(Feed.id.in_(ids)))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def list_subscriptions(
    session: AsyncSession, chat_id: int, thread_id: int | None = None, *, every_thread: bool = False
) -> list[Subscription]:
    """The subscriptions of a chat's thread (or, ``every_thread``, of all its threads): topics
    first, then keywords, each alphabetically."""
    stmt = select(Subscription).where(Subscription.chat_id == chat_id)
    if not every_thread:
        stmt = stmt.where(in_thread(thread_id))
    stmt = stmt.order_by(Subscription.kind.desc(), Subscription.value, Subscription.id)
    return list((await session.execute(stmt)).scalars())


async def count_subscriptions(session: AsyncSession, chat_id: int | None = None) -> int:
    """How many subscriptions exist (of one chat, all its threads, when ``chat_id`` is given)."""
    stmt = select(func.count(Subscription.id))
    if chat_id is not None:
        stmt = stmt.where(Subscription.chat_id == chat_id)
    return (await session.execute(stmt)).scalar_one()


async def set_digest_time(session: AsyncSession, chat_id: int, minutes: int | None) -> int:
    """Deliver every subscription of a chat (in every thread) as a digest at ``minutes`` after local midnight
    (None: back to instant); return how many subscriptions changed."""
    mode = "instant" if minutes is None else "digest"
    result = await session.execute(
        update(Subscription)
        .where(Subscription.chat_id == chat_id)
        .values(mode=mode, digest_time=minutes)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def chat_digest_time(session: AsyncSession, chat_id: int) -> int | None:
    """The chat's digest: the one time every subscription of the chat is delivered at in a
    digest (as /digest sets it); None when one is instant, times differ, or there are none."""
    stmt = (
        select(Subscription.mode, Subscription.digest_time)
        .where(Subscription.chat_id == chat_id)
        .distinct()
        .limit(2)
    )
    rows = (await session.execute(stmt)).all()
    if len(rows) != 1 or rows[0][0] != "digest":
        return None
    minutes: int | None = rows[0][1]
    return minutes


async def keyword_values(session: AsyncSession) -> list[str]:
    """Every distinct keyword phrase some chat subscribed to, as stored."""
    stmt = select(Subscription.value).where(Subscription.kind == "keyword").distinct()
    return list((await session.execute(stmt)).scalars())
