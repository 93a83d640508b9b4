"""Claiming and leasing for the push sender: a chat's due deliveries are claimed together and
held until their outcomes are written; they go out as one message per forum topic (a chat
without topics has one, the chat itself).

A crash leaves claimed rows in ``sending``; after ``lease`` seconds any sender puts them back in
the queue (``Claims.requeue_stale``), so only the messages whose outcome was not yet written can
arrive twice. ``bot.push.record`` renews the lease of the rows still held (``Claims.leased``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.push.record import Recorder
from news.delivery.policy import ChatTimes
from storage import DeliveryState, Store
from storage.deliveries import Target, claim_chats, requeue_stale, touch_sending
from storage.deliveryviews import DeliveryView, delivery_views
from storage.stories import StoryReports, story_reports

__all__ = ["ClaimedChat", "Claims"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedChat:
    """One chat's claimed deliveries for one of its threads (its whole due backlog there, oldest
    story first), and the reports of their stories (what the delivery policy judges a breaking
    story by)."""

    views: list[DeliveryView]
    stories: dict[int, StoryReports]

    @property
    def chat_id(self) -> int:
        """The chat they go to."""
        return self.views[0].chat_id

    @property
    def thread_id(self) -> int | None:
        """The forum topic they go to (None: the chat itself)."""
        return self.views[0].thread_id

    @property
    def target(self) -> Target:
        """Where they go: the chat and its thread."""
        return self.chat_id, self.thread_id

    @property
    def ids(self) -> list[int]:
        """The claimed delivery ids."""
        return [v.delivery_id for v in self.views]

    def times(self) -> ChatTimes:
        """The chat's zone and quiet hours; claimed rows are due, so no digest is waited for."""
        v = self.views[0]
        return ChatTimes(v.chat_timezone, v.quiet_start, v.quiet_end)

    def reports(self) -> list[StoryReports]:
        """The reports of each delivery's story, in order."""
        return [self.stories.get(v.story_id, StoryReports()) for v in self.views]


class Claims:
    """The chats this process claimed and has not finished, and the claims themselves."""

    def __init__(
        self, store: Store, recorder: Recorder, clock: Callable[[], datetime], lease: float
    ) -> None:
        self.store = store
        self.recorder = recorder
        self.clock = clock
        self.lease = lease
        self.busy: dict[Target, list[int]] = {}  # (chat, thread) -> its claimed delivery ids

    async def claim(self, limit: int) -> tuple[int, list[ClaimedChat]]:
        """Claim the due rows of up to ``limit`` chats not busy here; how many rows were claimed,
        and the chats to send them to (rows whose article was pruned are failed at once)."""
        async with self.store.write() as session:
            busy = {chat_id for chat_id, _ in self.busy}
            ids = await claim_chats(session, self.clock(), limit, busy)
        if not ids:
            return 0, []
        try:
            async with self.store.read() as session:
                views = await delivery_views(session, ids)
                stories = await story_reports(session, {v.story_id for v in views})
        except BaseException:
            self.recorder.requeue(ids)  # claimed for nothing: back to the queue, untried
            raise
        gone = set(ids) - {v.delivery_id for v in views}
        if gone:  # its article was pruned: nothing left to send
            self.recorder.record(gone, DeliveryState.FAILED, note="article gone")
        groups: defaultdict[Target, list[DeliveryView]] = defaultdict(list)
        for v in views:
            groups[v.chat_id, v.thread_id].append(v)
        chats = [ClaimedChat(group, stories) for group in groups.values()]
        for chat in chats:
            self.busy[chat.target] = chat.ids
        return len(ids), chats

    def release(self, target: Target) -> None:
        """The outcomes for the chat's thread are recorded (or they were handed back): they are
        no longer held."""
        self.busy.pop(target, None)

    def leased(self) -> list[int]:
        """Every delivery id held now, whose lease must be kept alive."""
        return [i for ids in self.busy.values() for i in ids]

    async def requeue_stale(self) -> None:
        """Put rows left in ``sending`` longer than the lease (a stopped sender's) back in the
        queue. This process's own rows, held or with an outcome not yet written, are renewed in
        the same transaction first: however late the sweep or the renewal runs on a loaded
        machine, a live sender never takes back a row whose message it is sending or has sent."""
        now = self.clock()
        own = self.leased() + self.recorder.pending()
        async with self.store.write() as session:
            await touch_sending(session, own, now)
            requeued = await requeue_stale(session, now - timedelta(seconds=self.lease), now=now)
        if requeued:
            log.info(
                "push: %d deliveries left sending by a stopped sender are queued again", requeued
            )
