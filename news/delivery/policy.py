"""The one delivery rule: whether a story goes to a chat now, after the chat's quiet hours, or
in its digest, and what makes a story breaking.

Pure: the queue (``news.delivery.queue``) and the push sender (``bot.push``) read the facts from
the store, ask ``DeliveryPolicy.decide`` and apply its answer; neither decides anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from news.delivery.schedule import in_window, next_local_time
from storage.stories import StoryReports

__all__ = ["Action", "ChatTimes", "Decision", "DeliveryPolicy"]


class Action(StrEnum):
    """What to do with a delivery."""

    SEND = "send"  # now
    HOLD = "hold"  # until the chat's quiet hours end
    DIGEST = "digest"  # at the chat's digest time


@dataclass(frozen=True)
class ChatTimes:
    """A chat's clock as deliveries see it: its zone, quiet hours and the digest waited for.

    Times are minutes after local midnight. ``digest_time`` is the digest a just-queued delivery
    waits for (only digest subscriptions matched it); it is None for an instant one, and for a
    delivery whose digest is due (what the sender claims)."""

    timezone: str = "UTC"
    quiet_start: int | None = None
    quiet_end: int | None = None
    digest_time: int | None = None


@dataclass(frozen=True)
class Decision:
    """When a delivery may go out, and what the story is."""

    action: Action
    at: datetime  # when it may go out: now for SEND
    breaking: bool = False
    quiet: bool = False  # the chat's quiet hours were on (a SEND then goes through them)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Digests, quiet hours and breaking stories; built once from the settings.

    A story is breaking when ``breaking_sources`` distinct sources published it within
    ``breaking_window`` of its first publication."""

    breaking_sources: int = 3
    breaking_window: timedelta = timedelta(minutes=60)

    def sources(self, story: StoryReports) -> int:
        """How many distinct sources published the story within the window of its first.

        Reports without a known publication date do not count: their time is only when we
        fetched them, and an old item must never make a story look fresh."""
        first = story.first_published_at
        if first is None:
            return 0
        end = first + self.breaking_window
        return len({r.source for r in story.reports if r.date_known and r.published_at <= end})

    def is_breaking(self, story: StoryReports) -> bool:
        """Whether enough distinct sources reported the story within the window."""
        return self.sources(story) >= self.breaking_sources

    def decide(self, now: datetime, chat: ChatTimes, story: StoryReports) -> Decision:
        """When a delivery of ``story`` may go to ``chat``, seen at ``now``.

        One waiting for a digest goes at the chat's next digest time, breaking or not; in the
        chat's quiet hours one goes when they end, unless the story is breaking; any other goes
        now. (So a digest whose time falls in quiet hours waits, once due, for their end.)"""
        breaking = self.is_breaking(story)
        quiet = (
            chat.quiet_start is not None
            and chat.quiet_end is not None
            and in_window(now, chat.quiet_start, chat.quiet_end, chat.timezone)
        )
        if chat.digest_time is not None:
            at = next_local_time(now, chat.digest_time, chat.timezone)
            return Decision(Action.DIGEST, at, breaking, quiet)
        if quiet and not breaking and chat.quiet_end is not None:
            at = next_local_time(now, chat.quiet_end, chat.timezone)
            return Decision(Action.HOLD, at, breaking, quiet)
        return Decision(Action.SEND, now, breaking, quiet)

    def decide_backlog(
        self, now: datetime, chat: ChatTimes, stories: Sequence[StoryReports]
    ) -> Decision:
        """When a chat's due deliveries may go out, all as one message: now when any of them
        may (a breaking story takes the rest through quiet hours), else when the first may."""
        decisions = [self.decide(now, chat, story) for story in stories]
        if not decisions or any(d.action is Action.SEND for d in decisions):
            breaking = any(d.breaking for d in decisions)
            return Decision(Action.SEND, now, breaking, any(d.quiet for d in decisions))
        return decisions[0]
