"""Queueing new stories into the outbox: who gets them, and when (as news.delivery.policy says)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from news.delivery.matching import headline_words, matching_phrases
from news.delivery.policy import Action, ChatTimes, DeliveryPolicy
from news.stories.store import Stored
from storage import Article, Store
from storage.articles import get_article
from storage.chats import any_chat_of_one_news_language, mute_words
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
    "route_stored_many",
]

log = logging.getLogger(__name__)


@dataclass
class _Batch:
    """One transaction in which a feed's new articles are queued, in order: the keyword
    phrases, muted words and whether the feed has followers are read once for all of them."""

    session: AsyncSession
    now: datetime
    policy: DeliveryPolicy
    _keywords: list[str] | None = None
    _mutes: list[str] | None = None
    _followed: dict[int, bool] = field(default_factory=dict)
    _shared: dict[int, bool] = field(default_factory=dict)
    _one_language: bool | None = None
    _reports: dict[int, StoryReports] = field(default_factory=dict)

    async def keywords(self) -> list[str]:
        """Every stored keyword phrase (read once per batch)."""
        if self._keywords is None:
            self._keywords = await keyword_values(self.session)
        return self._keywords

    async def mutes(self) -> list[str]:
        """Every stored muted word (read once per batch)."""
        if self._mutes is None:
            self._mutes = await mute_words(self.session)
        return self._mutes

    async def shared(self, article_id: int, feed_id: int | None) -> bool:
        """Whether the article, of the feed ``feed_id`` (None: not known here), may reach every
        chat (storage.follows.article_is_shared); read once per feed of the batch."""
        if feed_id is None:
            return await article_is_shared(self.session, article_id)
        if feed_id not in self._shared:
            self._shared[feed_id] = await article_is_shared(self.session, article_id)
        return self._shared[feed_id]

    async def reports(self, story_id: int) -> StoryReports:
        """The story's reports (read once per batch: its articles were all stored before)."""
        if story_id not in self._reports:
            found = await story_reports(self.session, [story_id])
            self._reports[story_id] = found.get(story_id, StoryReports())
        return self._reports[story_id]

    async def one_language_chats(self) -> bool:
        """Whether any chat wants news in one language only (read once per batch)."""
        if self._one_language is None:
            self._one_language = await any_chat_of_one_news_language(self.session)
        return self._one_language

    async def followed(self, feed_id: int) -> bool:
        """Whether any chat follows the feed (read once per batch)."""
        if feed_id not in self._followed:
            self._followed[feed_id] = await has_followers(self.session, feed_id)
        return self._followed[feed_id]


async def _story_match(
    batch: _Batch, story_id: int, first: Article | None = None
) -> StoryMatch | None:
    """The story's first stored article (the one pushed, and the one /latest shows; read
    unless given), with the stored keyword phrases and mute words its headline contains
    (news.delivery.matching's rule)."""
    if first is None:
        first = await first_article(batch.session, story_id)
    if first is None:
        return None
    return await _match(batch, story_id, first)


async def _match(
    batch: _Batch, story_id: int, article: Article, news_languages: Sequence[str] = ()
) -> StoryMatch:
    """The StoryMatch of ``article`` standing for its story."""
    words = headline_words(article)
    return StoryMatch(
        story_id,
        article.id,
        article.topic,
        article.language,
        keywords=matching_phrases(await batch.keywords(), words),
        mutes=matching_phrases(await batch.mutes(), words),
        news_languages=news_languages,
    )


def _times(row: QueuedForChat | Follower) -> ChatTimes:
    return ChatTimes(row.timezone, row.quiet_start, row.quiet_end, row.digest_time)


async def queue_new_story(
    store: Store, stored: Stored, now: datetime, policy: DeliveryPolicy
) -> int:
    """Queue a just-created story for its subscribers; return how many deliveries were queued."""
    async with store.write() as session:
        return await _queue_new_story(_Batch(session, now, policy), stored)


async def _queue_new_story(batch: _Batch, stored: Stored, feed_id: int | None = None) -> int:
    if stored.story_id is None or not stored.new_story:
        return 0
    # The article that began the story is its first: as stored, not read back.
    match = await _story_match(batch, stored.story_id, stored.first)
    if match is None:
        return 0
    # The stored article is its new story's first, of ``feed_id``; any other, of its own feed.
    of_feed = feed_id if match.article_id == stored.article_id else None
    # A story first told by a feed of the chats that follow it reaches only them.
    if not await batch.shared(match.article_id, of_feed):
        return 0
    return await _queue(batch, match)


async def _queue(batch: _Batch, match: StoryMatch) -> int:
    """Queue ``match`` for the chats whose subscriptions it matches, each due when its quiet
    hours and digest allow; return how many deliveries were queued."""
    session, now = batch.session, batch.now
    queued = await queue_story(session, match, now)
    held = await held_deliveries(session, match, now) if queued else []
    story = StoryReports()
    if held:
        story = await batch.reports(match.story_id)
    by_due: dict[datetime, list[int]] = {}
    for row in held:
        decision = batch.policy.decide(now, _times(row), story)
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
    async with store.write() as session:
        return await _queue_new_language(_Batch(session, now, policy), stored)


async def _queue_new_language(batch: _Batch, stored: Stored, feed_id: int | None = None) -> int:
    if stored.article_id is None or stored.story_id is None or stored.new_story:
        return 0
    # Most chats read both languages: then no joined article needs its language read back.
    if not await batch.one_language_chats():
        return 0
    session = batch.session
    article = await get_article(session, stored.article_id)
    if (
        article is None
        or article.language not in ("en", "ur")
        or not await batch.shared(article.id, feed_id)
        or await has_earlier_report_in(session, stored.story_id, article.language, article.id)
    ):
        return 0
    match = await _match(batch, stored.story_id, article, (article.language,))
    return await _queue(batch, match)


async def release_if_breaking(
    store: Store, story_id: int, now: datetime, policy: DeliveryPolicy
) -> int:
    """When a story now counts as breaking, deliveries held only by quiet hours go out now."""
    async with store.write() as session:
        return await _release_if_breaking(_Batch(session, now, policy), story_id)


async def _release_if_breaking(batch: _Batch, story_id: int) -> int:
    session, now = batch.session, batch.now
    story = await batch.reports(story_id)
    if not batch.policy.is_breaking(story):
        return 0
    match = await _story_match(batch, story_id)
    if match is None:
        return 0
    held = await held_deliveries(session, match, now)
    released = []
    for row in held:
        decision = batch.policy.decide(now, _times(row), story)
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
    async with store.write() as session:
        return await _queue_followers(_Batch(session, now, policy), stored, feed_id)


async def _queue_followers(batch: _Batch, stored: Stored, feed_id: int) -> int:
    if stored.article_id is None or stored.story_id is None:
        return 0
    session, now = batch.session, batch.now
    if not await batch.followed(feed_id):
        return 0
    article = await get_article(session, stored.article_id)
    if article is None:
        return 0
    mutes = matching_phrases(await batch.mutes(), headline_words(article))
    followers = await feed_followers(session, feed_id, now, mutes)
    story = await batch.reports(stored.story_id)
    # The policy's time: now to send, the end of quiet hours, or the chat's digest time.
    due = {
        (chat.chat_id, chat.thread_id): batch.policy.decide(now, _times(chat), story).at
        for chat in followers
    }
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
    return await route_stored_many(store, [(stored, feed_id)], now, policy)


async def route_stored_many(
    store: Store,
    items: Sequence[tuple[Stored, int | None]],
    now: datetime,
    policy: DeliveryPolicy,
) -> int:
    """route_stored for each (stored article, its feed) in order, in one transaction: a
    feed's new articles are queued with one session instead of four per article.

    Returns how many deliveries became due or were queued in all."""
    items = [(s, f) for s, f in items if not s.duplicate and s.story_id is not None]
    if not items:
        return 0
    async with store.write() as session:
        batch = _Batch(session, now, policy)
        return sum([await _route(batch, stored, feed_id) for stored, feed_id in items])


async def _route(batch: _Batch, stored: Stored, feed_id: int | None) -> int:
    assert stored.story_id is not None
    followers = 0 if feed_id is None else await _queue_followers(batch, stored, feed_id)
    if stored.new_story:
        return followers + await _queue_new_story(batch, stored, feed_id)
    released = await _release_if_breaking(batch, stored.story_id)
    return followers + released + await _queue_new_language(batch, stored, feed_id)
