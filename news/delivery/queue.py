"""Queueing new stories into the outbox: who gets them, and when (as news.delivery.policy says)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from news.delivery.matching import headline_words, matching_phrases
from news.delivery.policy import Action, ChatTimes, DeliveryPolicy
from news.stories.store import Stored
from storage import Article, Store
from storage.articles import get_article
from storage.chats import mute_words
from storage.deliveries import (
    QueuedForChat,
    StoryMatch,
    held_deliveries,
    queue_deliveries,
    queue_story,
    set_due,
)
from storage.follows import Follower, article_is_shared, feed_followers, has_followers
from storage.stories import StoryReports, first_article, has_earlier_report_in, story_reports
from storage.subscriptions import keyword_values

__all__ = [
    "queue_followers",
    "queue_new_language",
    "queue_new_story",
    "release_if_breaking",
    "route_stored",
]

log = logging.getLogger(__name__)


async def _story_match(store: Store, story_id: int) -> StoryMatch | None:
    """The story's first stored article (the one pushed, and the one /latest shows), with the
    stored keyword phrases and mute words its headline contains (news.delivery.matching's rule)."""
    async with store.read() as session:
        first = await first_article(session, story_id)
        if first is None:
            return None
        return await _match(session, story_id, first)


async def _match(
    session: AsyncSession, story_id: int, article: Article, news_languages: Sequence[str] = ()
) -> StoryMatch:
    """The StoryMatch of ``article`` standing for its story."""
    keywords = await keyword_values(session)
    mutes = await mute_words(session)
    words = headline_words(article)
    return StoryMatch(
        story_id,
        article.id,
        article.topic,
        article.language,
        keywords=matching_phrases(keywords, words),
        mutes=matching_phrases(mutes, words),
        news_languages=news_languages,
    )


def _times(row: QueuedForChat | Follower) -> ChatTimes:
    return ChatTimes(row.timezone, row.quiet_start, row.quiet_end, row.digest_time)


async def queue_new_story(
    store: Store, stored: Stored, now: datetime, policy: DeliveryPolicy
) -> int:
    """Queue a just-created story for its subscribers; return how many deliveries were queued."""
    if stored.story_id is None or not stored.new_story:
        return 0
    match = await _story_match(store, stored.story_id)
    if match is None:
        return 0
    async with store.read() as session:
        # A story first told by a feed of the chats that follow it reaches only them.
        if not await article_is_shared(session, match.article_id):
            return 0
    return await _queue(store, match, now, policy)


async def _queue(store: Store, match: StoryMatch, now: datetime, policy: DeliveryPolicy) -> int:
    """Queue ``match`` for the chats whose subscriptions it matches, each due when its quiet
    hours and digest allow; return how many deliveries were queued."""
    async with store.write() as session:
        queued = await queue_story(session, match, now)
        held = await held_deliveries(session, match, now) if queued else []
        story = StoryReports()
        if held:
            story = (await story_reports(session, [match.story_id]))[match.story_id]
        by_due: dict[datetime, list[int]] = {}
        for row in held:
            decision = policy.decide(now, _times(row), story)
            if decision.action is not Action.SEND:
                by_due.setdefault(decision.at, []).append(row.delivery_id)
        for due, ids in by_due.items():
            await set_due(session, ids, due)
    log.debug(
        "outbox: story %s queued for %d chats (%d held for quiet hours or a digest)",
        match.story_id,
        queued,
        sum(map(len, by_due.values())),
    )
    return queued


async def queue_new_language(
    store: Store, stored: Stored, now: datetime, policy: DeliveryPolicy
) -> int:
    """A story's first report in English or Urdu reaches the chats that want news in that
    language only (/news ur): the story was not theirs until now. Chats of "both" had it
    queued when it began; a pair queued before is never queued again."""
    if stored.article_id is None or stored.story_id is None or stored.new_story:
        return 0
    async with store.read() as session:
        article = await get_article(session, stored.article_id)
        if (
            article is None
            or article.language not in ("en", "ur")
            or not await article_is_shared(session, article.id)
            or await has_earlier_report_in(session, stored.story_id, article.language, article.id)
        ):
            return 0
        match = await _match(session, stored.story_id, article, (article.language,))
    return await _queue(store, match, now, policy)


async def release_if_breaking(
    store: Store, story_id: int, now: datetime, policy: DeliveryPolicy
) -> int:
    """When a story now counts as breaking, deliveries held only by quiet hours go out now."""
    async with store.read() as session:
        story = (await story_reports(session, [story_id]))[story_id]
    if not policy.is_breaking(story):
        return 0
    match = await _story_match(store, story_id)
    if match is None:
        return 0
    async with store.write() as session:
        held = await held_deliveries(session, match, now)
        released = []
        for row in held:
            decision = policy.decide(now, _times(row), story)
            if decision.action is Action.SEND and decision.quiet:
                released.append(row.delivery_id)
        await set_due(session, released, now)
    if released:
        log.debug(
            "outbox: story %s is breaking; %d held deliveries released", story_id, len(released)
        )
    return len(released)


async def queue_followers(
    store: Store, stored: Stored, feed_id: int, now: datetime, policy: DeliveryPolicy
) -> int:
    """Queue a feed's new article for the chats that follow the feed (its story new or not),
    each when its quiet hours and digest allow; return how many deliveries were queued."""
    if stored.article_id is None or stored.story_id is None:
        return 0
    async with store.read() as session:
        if not await has_followers(session, feed_id):
            return 0
        article = await get_article(session, stored.article_id)
        if article is None:
            return 0
        mutes = matching_phrases(await mute_words(session), headline_words(article))
        followers = await feed_followers(session, feed_id, now, mutes)
        story = (await story_reports(session, [stored.story_id]))[stored.story_id]
    # The policy's time: now to send, the end of quiet hours, or the chat's digest time.
    due = {
        (chat.chat_id, chat.thread_id): policy.decide(now, _times(chat), story).at
        for chat in followers
    }
    async with store.write() as session:
        queued = await queue_deliveries(
            session, story_id=stored.story_id, article_id=stored.article_id, due=due
        )
    log.debug("outbox: article %s queued for %d followers of feed %s", article.id, queued, feed_id)
    return queued


async def route_stored(
    store: Store,
    stored: Stored,
    now: datetime,
    policy: DeliveryPolicy,
    *,
    feed_id: int | None = None,
) -> int:
    """After an article is stored: queue it for the chats that follow its feed, then queue its
    story if new, else release it if it became breaking and queue it for the chats of its
    language only if it is the story's first report in that language.

    Returns how many deliveries became due or were queued (0 when nothing changed)."""
    if stored.duplicate or stored.story_id is None:
        return 0
    followers = 0 if feed_id is None else await queue_followers(store, stored, feed_id, now, policy)
    if stored.new_story:
        return followers + await queue_new_story(store, stored, now, policy)
    released = await release_if_breaking(store, stored.story_id, now, policy)
    return followers + released + await queue_new_language(store, stored, now, policy)
