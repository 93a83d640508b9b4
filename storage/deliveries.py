"""The outbox: queue a story for every chat that wants it, once (once per forum topic that
subscribed to it), in one statement; claim due rows atomically; record each outcome."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.models import Delivery, DeliveryState
from storage.subscriptions import FEED
from storage.types import UTCDateTime, utcnow

__all__ = [
    "Outcome",
    "QueuedForChat",
    "StoryMatch",
    "Target",
    "claim_chats",
    "count_by_state",
    "held_deliveries",
    "queue_deliveries",
    "queue_delivery",
    "queue_story",
    "record_outcomes",
    "requeue_stale",
    "set_due",
    "skip_chat_deliveries",
    "skip_thread_deliveries",
    "touch_sending",
]

_TABLE: Table = Delivery.__table__  # type: ignore[assignment]

Target = tuple[int, int | None]  # (chat id, forum topic or None): where a delivery goes
# A subscription's or delivery's thread as the unique keys read it (storage/models.py).
_THREAD = "coalesce({}.thread_id, 0)"


@dataclass(frozen=True)
class StoryMatch:
    """What subscriptions are matched against: the story's topic and language, and which stored
    keyword phrases and mute words occur in it (the caller matches words; SQL only compares)."""

    story_id: int
    article_id: int
    topic: str
    language: str
    keywords: Sequence[str] = field(default=())  # subscriptions.value rows that occur in the story
    mutes: Sequence[str] = field(default=())  # chat_mutes.word rows that occur in the story
    # The chats' /news settings it is queued for; by default its language's and "both".
    news_languages: Sequence[str] = field(default=())


@dataclass(frozen=True)
class QueuedForChat:
    """A just-queued delivery whose due time depends on the chat (quiet hours, digest)."""

    delivery_id: int
    chat_id: int
    timezone: str
    quiet_start: int | None
    quiet_end: int | None
    digest_time: int | None  # set when only digest subscriptions matched


def _matching_subscriptions(
    story: StoryMatch,
    mode: str | None,
    *,
    columns: str,
    also: str = "",
    join: str = "",
    follows: bool = False,
) -> str:
    """SQL selecting ``columns`` of the subscriptions (of ``mode``, or any) that match the story;
    with ``follows``, also the follows of a feed with an article in story ``:story_id``.

    Driven by ix_subscriptions_match (kind, value, mode), so its cost follows the matches, not
    the number of chats (follows through ix_subscriptions_feed_id)."""
    keyword = "OR (s.kind = 'keyword' AND s.value IN :keywords)" if story.keywords else ""
    if follows:
        keyword += f""" OR (s.kind = '{FEED}' AND s.feed_id IN
            (SELECT a.feed_id FROM articles a WHERE a.story_id = :story_id))"""
    mode_sql = f"AND s.mode = '{mode}'" if mode else ""
    return f"""SELECT {columns} FROM subscriptions s {join}
        WHERE s.created_at <= :now {mode_sql} {also}
          AND ((s.kind = 'topic' AND s.value = :topic) {keyword})"""


def _params(story: StoryMatch, now: datetime, sql: str) -> Any:
    """text(sql) with typed timestamps and expanding lists (empty lists are left out of the SQL)."""
    params = [bindparam("now", now, type_=UTCDateTime())]
    if story.keywords:
        params.append(bindparam("keywords", list(story.keywords), expanding=True))
    if story.mutes and ":mutes" in sql:
        params.append(bindparam("mutes", list(story.mutes), expanding=True))
    if ":wanted" in sql:
        # "both" is English and Urdu: news in another language reaches chats that chose it.
        wanted = list(story.news_languages)
        if not wanted:
            wanted = (
                [story.language, "both"] if story.language in ("en", "ur") else [story.language]
            )
        params.append(bindparam("wanted", wanted, expanding=True))
    return text(sql).bindparams(*params)


async def queue_story(session: AsyncSession, story: StoryMatch, now: datetime) -> int:
    """Queue ``story`` once for each thread of an active chat that wants news in its language
    (/news) whose subscriptions match it and whose mute words do not; chats that subscribed later
    than ``now`` are left out. Returns how many deliveries were queued (a chat and thread queued
    before are never queued again; one matched by a topic and a keyword gets one row, the
    second skipped by ON CONFLICT)."""
    muted = (
        "AND NOT EXISTS (SELECT 1 FROM chat_mutes m WHERE m.chat_id = c.id AND m.word IN :mutes)"
        if story.mutes
        else ""
    )
    # SQLite needs the WHERE before ON CONFLICT to parse an INSERT ... SELECT upsert
    # (sqlite.org/lang_upsert.html, "Parsing Ambiguity").
    columns = (
        f"s.chat_id, s.thread_id, :story_id, :article_id, '{DeliveryState.QUEUED}', 0,"
        " :now, :now, :now"
    )
    matching = _matching_subscriptions(
        story, None, columns=columns, join="JOIN chats c ON c.id = s.chat_id"
    )
    insert = f"""INSERT INTO deliveries (chat_id, thread_id, story_id, article_id, state, attempts,
            created_at, due_at, updated_at)
        {matching} AND c.active AND c.news_languages IN :wanted {muted}"""
    values = {"story_id": story.story_id, "article_id": story.article_id, "topic": story.topic}
    upsert = _params(story, now, insert + " ON CONFLICT DO NOTHING")
    if session.get_bind().dialect.name != "postgresql":
        result = await session.execute(upsert, values)
        return int(result.rowcount)  # type: ignore[attr-defined]
    # PostgreSQL's ON CONFLICT makes each row a speculative insertion: 0.69-0.81 s for 100,000
    # rows on the 1M-article store, 0.50-0.58 s with the rows queued before left out by NOT
    # EXISTS instead. A row another transaction queues meanwhile (a follower's copy, another
    # instance) still breaks the unique index: then the upsert runs after all.
    fresh = f"""{insert} AND NOT EXISTS (SELECT 1 FROM deliveries d
            WHERE d.story_id = :story_id AND d.chat_id = s.chat_id
              AND {_THREAD.format("d")} = {_THREAD.format("s")})"""
    try:
        async with session.begin_nested():
            result = await session.execute(_params(story, now, fresh), values)
    except IntegrityError:
        result = await session.execute(upsert, values)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def held_deliveries(
    session: AsyncSession, story: StoryMatch, now: datetime
) -> list[QueuedForChat]:
    """Queued deliveries of ``story`` that may not go out now: the chat has quiet hours, or only
    its digest subscriptions matched (then ``digest_time`` is the earliest matching one); each
    forum topic by its own subscriptions. A chat's follow of a feed that reported the story
    counts as one of its subscriptions: a followed feed's delivery waits for the follow's
    digest as a topic's does."""
    thread_s, thread_d = _THREAD.format("s"), _THREAD.format("d")
    instant = _matching_subscriptions(
        story, "instant", columns=f"s.chat_id, {thread_s}", follows=True
    )
    digest = _matching_subscriptions(
        story,
        "digest",
        columns="min(s.digest_time)",
        also=f"AND s.chat_id = c.id AND {thread_s} = {thread_d}",
        follows=True,
    )
    # A story queued again for the chats of one news language: only theirs are decided again.
    only = "AND c.news_languages IN :wanted" if story.news_languages else ""
    sql = f"""SELECT d.id, c.id, c.timezone, c.quiet_start, c.quiet_end,
               CASE WHEN (d.chat_id, {thread_d}) IN ({instant}) THEN NULL
                    ELSE ({digest}) END AS digest_time
        FROM deliveries d JOIN chats c ON c.id = d.chat_id
        WHERE d.story_id = :story_id AND d.state = '{DeliveryState.QUEUED}'
          AND (c.quiet_start IS NOT NULL OR (d.chat_id, {thread_d}) NOT IN ({instant})) {only}"""
    rows = await session.execute(
        _params(story, now, sql), {"story_id": story.story_id, "topic": story.topic}
    )
    return [QueuedForChat(*row) for row in rows.all()]


async def set_due(session: AsyncSession, delivery_ids: list[int], due_at: datetime) -> None:
    """Move queued deliveries to another due time."""
    if delivery_ids:
        await session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.state == DeliveryState.QUEUED)
            .values(due_at=due_at)
        )


async def queue_delivery(
    session: AsyncSession,
    *,
    chat_id: int,
    story_id: int,
    article_id: int | None,
    due_at: datetime | None = None,
    thread_id: int | None = None,
) -> bool:
    """Queue one story for one chat (its forum topic ``thread_id``); False when it was queued
    there before (once, ever)."""
    due = {(chat_id, thread_id): due_at or utcnow()}
    return bool(await queue_deliveries(session, story_id=story_id, article_id=article_id, due=due))


_ROWS_PER_INSERT = 1000  # 9 columns a row: well inside SQLite's 32,766 bound parameters


async def queue_deliveries(
    session: AsyncSession, *, story_id: int, article_id: int | None, due: Mapping[Target, datetime]
) -> int:
    """Queue one story for many chats, each due at its own time (``due``: (chat id, thread) →
    when), in a few multi-row INSERTs; return how many were new (one queued before is skipped)."""
    now = utcnow()
    rows = [
        {
            "chat_id": chat_id,
            "thread_id": thread_id,
            "story_id": story_id,
            "article_id": article_id,
            "state": DeliveryState.QUEUED,
            "attempts": 0,
            "created_at": now,
            "due_at": due_at,
            "updated_at": now,
        }
        for (chat_id, thread_id), due_at in due.items()
    ]
    queued = 0
    for i in range(0, len(rows), _ROWS_PER_INSERT):
        insert = insert_ignore(session, Delivery.__table__, rows[i : i + _ROWS_PER_INSERT])  # type: ignore[arg-type]
        queued += (await session.execute(insert)).rowcount  # type: ignore[attr-defined]
    return queued


async def claim_chats(
    session: AsyncSession, now: datetime, limit: int, busy: Collection[int] = ()
) -> list[int]:
    """Claim every due queued row of the chats behind the ``limit`` oldest due rows (skipping
    chats in ``busy``), so a chat's backlog is claimed whole; return the claimed ids."""
    due = (
        select(Delivery.chat_id)
        .where(Delivery.state == DeliveryState.QUEUED, Delivery.due_at <= now)
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    if busy:
        due = due.where(Delivery.chat_id.not_in(list(busy)))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # Chosen first, updated second (in one transaction): as a subquery of the UPDATE, PostgreSQL
    # re-ran the locking SELECT and skipped the rows the UPDATE had just locked, so the limit
    # did not hold (every due row was claimed).
    chats = sorted(set((await session.execute(due)).scalars()))
    if not chats:
        return []
    stmt = (
        update(_TABLE)
        .where(
            _TABLE.c.state == DeliveryState.QUEUED,
            _TABLE.c.due_at <= now,
            _TABLE.c.chat_id.in_(chats),
        )
        .values(state=DeliveryState.SENDING, attempts=_TABLE.c.attempts + 1, updated_at=now)
        .returning(_TABLE.c.id)
    )
    return sorted((await session.execute(stmt)).scalars())


@dataclass(frozen=True)
class Outcome:
    """How one claimed delivery ended: sent, failed, or queued again until ``due_at``."""

    delivery_id: int
    state: str
    message_id: int | None = None
    note: str | None = None
    due_at: datetime | None = None
    count_attempt: bool = True


def _sent(o: Outcome, now: datetime) -> dict[str, object]:
    return {"b_id": o.delivery_id, "message_id": o.message_id, "last_error": o.note, "sent_at": now}


def _failed(o: Outcome, now: datetime) -> dict[str, object]:
    return {"b_id": o.delivery_id, "last_error": (o.note or "")[:2000]}


def _queued(o: Outcome, now: datetime) -> dict[str, object]:
    return {
        "b_id": o.delivery_id,
        "last_error": o.note,
        "due_at": o.due_at or now,
        "b_uncount": 0 if o.count_attempt else 1,
    }


async def record_outcomes(
    session: AsyncSession, outcomes: Sequence[Outcome], now: datetime
) -> None:
    """Record many finished sends at once: one executemany per kind of outcome."""
    kinds = {
        DeliveryState.SENT: (_sent, {}),
        DeliveryState.FAILED: (_failed, {}),
        DeliveryState.QUEUED: (_queued, {"attempts": _TABLE.c.attempts - bindparam("b_uncount")}),
    }
    for state, (row, extra) in kinds.items():
        params = [row(o, now) for o in outcomes if o.state == state]
        if not params:
            continue
        columns: dict[str, Any] = {k: bindparam(k) for k in params[0] if not k.startswith("b_")}
        stmt = (
            update(_TABLE)
            .where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.state == DeliveryState.SENDING)
            .values(state=state, updated_at=now, **columns, **extra)
        )
        await session.execute(stmt, params)


async def touch_sending(session: AsyncSession, delivery_ids: Sequence[int], now: datetime) -> None:
    """Renew the lease on rows this process is still sending, so no one requeues them."""
    for i in range(0, len(delivery_ids), 500):
        await session.execute(
            update(_TABLE)
            .where(
                _TABLE.c.id.in_(delivery_ids[i : i + 500]),
                _TABLE.c.state == DeliveryState.SENDING,
            )
            .values(updated_at=now)
        )


async def requeue_stale(
    session: AsyncSession, older_than: datetime, *, now: datetime | None = None
) -> int:
    """Return rows left in ``sending`` by a crashed process to the queue; how many."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.state == DeliveryState.SENDING, Delivery.updated_at < older_than)
        .values(state=DeliveryState.QUEUED, updated_at=now or utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def count_by_state(session: AsyncSession) -> dict[str, int]:
    """How many deliveries are in each state (every state present, zero when none)."""
    stmt = select(Delivery.state, func.count(Delivery.id)).group_by(Delivery.state)
    counts = dict.fromkeys(DeliveryState.ALL, 0)
    counts.update({state: n for state, n in (await session.execute(stmt)).all()})
    return counts


async def _skip(session: AsyncSession, reason: str, *where: ColumnElement[bool]) -> int:
    result = await session.execute(
        update(Delivery)
        .where(Delivery.state == DeliveryState.QUEUED, *where)
        .values(state=DeliveryState.SKIPPED, last_error=reason[:2000], updated_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def skip_chat_deliveries(session: AsyncSession, chat_id: int, reason: str) -> int:
    """Stop every queued delivery of a chat (it blocked us or is gone)."""
    return await _skip(session, reason, Delivery.chat_id == chat_id)


async def skip_thread_deliveries(
    session: AsyncSession, chat_id: int, thread_id: int, reason: str
) -> int:
    """Stop the queued deliveries of one forum topic of a chat (the topic is gone or closed)."""
    return await _skip(
        session, reason, Delivery.chat_id == chat_id, Delivery.thread_id == thread_id
    )
