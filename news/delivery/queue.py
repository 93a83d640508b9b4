"""Queueing new stories into the outbox: who gets them, and when (now, after quiet hours, at digest time)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from news.delivery.matching import headline_words, matching_phrases
from news.delivery.schedule import in_window, next_local_time
from news.stories.store import Stored
from storage import Article, Store
from storage.chats import mute_words
from storage.deliveries import StoryMatch, held_deliveries, queue_story, set_due
from storage.stories import sources_within
from storage.subscriptions import keyword_values

__all__ = [
    "BreakingRule",
    "is_breaking",
    "queue_new_story",
    "release_if_breaking",
    "route_stored",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BreakingRule:
    """A story is breaking when this many sources report it within this window of its first."""

    sources: int = 3
    window: timedelta = timedelta(minutes=60)


async def _story_match(store: Store, story_id: int) -> StoryMatch | None:
    """The story's first stored article (the one pushed, and the one /latest shows), with the
    stored keyword phrases and mute words its headline contains (news.delivery.matching's rule)."""
    async with store.read() as session:
        first = (
            await session.execute(
                select(Article).where(Article.story_id == story_id).order_by(Article.id).limit(1)
            )
        ).scalar_one_or_none()
        if first is None:
            return None
        keywords = await keyword_values(session)
        mutes = await mute_words(session)
    words = headline_words(first)
    return StoryMatch(
        story_id,
        first.id,
        first.topic,
        first.language,
        keywords=matching_phrases(keywords, words),
        mutes=matching_phrases(mutes, words),
    )


async def queue_new_story(store: Store, stored: Stored, now: datetime) -> int:
    """Queue a just-created story for its subscribers; return how many deliveries were queued."""
    if stored.story_id is None or not stored.new_story:
        return 0
    match = await _story_match(store, stored.story_id)
    if match is None:
        return 0
    async with store.write() as session:
        queued = await queue_story(session, match, now)
        held = await held_deliveries(session, match, now) if queued else []
        by_due: dict[datetime, list[int]] = {}
        for row in held:
            if row.digest_time is not None:
                due = next_local_time(now, row.digest_time, row.timezone)
            elif (
                row.quiet_start is not None
                and row.quiet_end is not None
                and in_window(now, row.quiet_start, row.quiet_end, row.timezone)
            ):
                due = next_local_time(now, row.quiet_end, row.timezone)
            else:
                continue
            by_due.setdefault(due, []).append(row.delivery_id)
        for due, ids in by_due.items():
            await set_due(session, ids, due)
    log.debug(
        "outbox: story %s queued for %d chats (%d held for quiet hours or a digest)",
        match.story_id,
        queued,
        sum(map(len, by_due.values())),
    )
    return queued


async def is_breaking(store: Store, story_id: int, rule: BreakingRule) -> bool:
    """Whether enough distinct sources reported the story within the rule's window."""
    async with store.read() as session:
        counts = await sources_within(session, [story_id], rule.window)
    return counts.get(story_id, 0) >= rule.sources


async def release_if_breaking(
    store: Store, story_id: int, now: datetime, rule: BreakingRule
) -> int:
    """When a story now counts as breaking, deliveries held only by quiet hours go out now."""
    if not await is_breaking(store, story_id, rule):
        return 0
    match = await _story_match(store, story_id)
    if match is None:
        return 0
    async with store.write() as session:
        held = await held_deliveries(session, match, now)
        quiet_held = [
            row.delivery_id
            for row in held
            if row.digest_time is None
            and row.quiet_start is not None
            and row.quiet_end is not None
            and in_window(now, row.quiet_start, row.quiet_end, row.timezone)
        ]
        await set_due(session, quiet_held, now)
    if quiet_held:
        log.debug(
            "outbox: story %s is breaking; %d held deliveries released", story_id, len(quiet_held)
        )
    return len(quiet_held)


async def route_stored(store: Store, stored: Stored, now: datetime, rule: BreakingRule) -> int:
    """After an article is stored: queue its story if new, else release it if it became breaking.

    Returns how many deliveries became due or were queued (0 when nothing changed)."""
    if stored.duplicate or stored.story_id is None:
        return 0
    if stored.new_story:
        return await queue_new_story(store, stored, now)
    return await release_if_breaking(store, stored.story_id, now, rule)
