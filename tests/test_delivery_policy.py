"""The one delivery rule, from a table: digests, quiet hours (across DST changes) and breaking
stories, each decision from the time, the chat's clock and the facts of the story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from news.delivery.policy import Action, ChatTimes, Decision, DeliveryPolicy
from storage.stories import Report, StoryReports

POLICY = DeliveryPolicy(breaking_sources=3, breaking_window=timedelta(minutes=30))
FIRST = datetime(2026, 11, 2, 23, 0, tzinfo=UTC)
NIGHT = 23 * 60, 7 * 60  # quiet hours 23:00-07:00


def reported(*reports: tuple[str, float] | tuple[str, float, bool]) -> StoryReports:
    """A story first published at FIRST, reported by (source, minutes after FIRST[, dated])."""
    return StoryReports(
        FIRST,
        tuple(
            Report(r[0], FIRST + timedelta(minutes=r[1]), r[2] if len(r) > 2 else True)
            for r in reports
        ),
    )


ONE_SOURCE = reported(("dawn", 0))
BREAKING = reported(("dawn", 0), ("geo", 5), ("bbc", 29))


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def quiet(tz: str, hours: tuple[int, int] = NIGHT, digest: int | None = None) -> ChatTimes:
    """A chat in ``tz`` with quiet hours (and a digest the delivery waits for)."""
    return ChatTimes(tz, hours[0], hours[1], digest)


@pytest.mark.parametrize(
    ("now", "chat"),
    [
        pytest.param(utc(2026, 11, 2, 9, 0), ChatTimes("UTC"), id="no-quiet-hours-no-digest"),
        pytest.param(
            utc(2026, 11, 2, 23, 30),
            quiet("America/New_York"),
            id="quiet-hours-elsewhere-are-not-on-yet",
        ),
        pytest.param(
            utc(2026, 11, 2, 22, 59), quiet("UTC"), id="quiet-hours-start-at-their-minute"
        ),
        pytest.param(utc(2026, 11, 3, 7, 0), quiet("UTC"), id="quiet-hours-end-is-exclusive"),
    ],
)
def test_outside_quiet_hours_a_story_is_sent_now(now: datetime, chat: ChatTimes) -> None:
    assert POLICY.decide(now, chat, ONE_SOURCE) == Decision(Action.SEND, now)


@pytest.mark.parametrize(
    ("now", "chat", "story", "expected"),
    [
        pytest.param(
            utc(2026, 11, 2, 23, 30),
            quiet("Europe/London"),
            ONE_SOURCE,
            Decision(Action.HOLD, utc(2026, 11, 3, 7, 0), quiet=True),
            id="quiet-hours-hold-until-they-end",
        ),
        pytest.param(
            utc(2026, 11, 2, 14, 0),
            quiet("UTC", (13 * 60, 15 * 60)),
            ONE_SOURCE,
            Decision(Action.HOLD, utc(2026, 11, 2, 15, 0), quiet=True),
            id="quiet-hours-within-one-day",
        ),
        pytest.param(
            utc(2026, 11, 2, 23, 30),
            quiet("Europe/London"),
            BREAKING,
            Decision(Action.SEND, utc(2026, 11, 2, 23, 30), breaking=True, quiet=True),
            id="breaking-goes-through-quiet-hours",
        ),
        pytest.param(
            utc(2026, 11, 2, 9, 0),
            ChatTimes("Asia/Karachi", digest_time=8 * 60),
            ONE_SOURCE,
            Decision(Action.DIGEST, utc(2026, 11, 3, 3, 0)),
            id="digest-waits-for-tomorrows-local-time",
        ),
        pytest.param(
            utc(2026, 11, 2, 23, 30),
            ChatTimes("Europe/London", digest_time=8 * 60),
            BREAKING,
            Decision(Action.DIGEST, utc(2026, 11, 3, 8, 0), breaking=True),
            id="breaking-digest-stays-a-digest",
        ),
        pytest.param(
            utc(2026, 11, 2, 23, 30),
            quiet("UTC", (23 * 60, 9 * 60), digest=8 * 60),
            ONE_SOURCE,
            Decision(Action.DIGEST, utc(2026, 11, 3, 8, 0), quiet=True),
            id="digest-in-quiet-hours-is-queued-for-its-time",
        ),
        pytest.param(
            utc(2026, 10, 24, 23, 30),  # 00:30 BST; clocks go back at 02:00 BST
            quiet("Europe/London"),
            ONE_SOURCE,
            Decision(Action.HOLD, utc(2026, 10, 25, 7, 0), quiet=True),
            id="dst-quiet-hours-end-after-fall-back",
        ),
        pytest.param(
            utc(2026, 3, 28, 23, 30),  # 23:30 GMT; clocks go forward at 01:00 GMT
            quiet("Europe/London"),
            ONE_SOURCE,
            Decision(Action.HOLD, utc(2026, 3, 29, 6, 0), quiet=True),
            id="dst-quiet-hours-end-after-spring-forward",
        ),
        pytest.param(
            utc(2026, 3, 29, 1, 30),  # 02:30 BST: 01:00-02:00 never showed on the clock
            quiet("Europe/London", (60, 7 * 60)),
            ONE_SOURCE,
            Decision(Action.HOLD, utc(2026, 3, 29, 6, 0), quiet=True),
            id="dst-quiet-hours-that-began-in-the-skipped-hour",
        ),
        pytest.param(
            utc(2026, 11, 1, 4, 30),  # 00:30 EDT; 01:00-02:00 comes twice that night
            quiet("America/New_York", (0, 90)),
            ONE_SOURCE,
            Decision(Action.HOLD, utc(2026, 11, 1, 5, 30), quiet=True),
            id="dst-quiet-hours-end-in-the-repeated-hour-the-first-time",
        ),
        pytest.param(
            utc(2026, 3, 8, 5, 0),  # midnight EST; 02:30 does not exist that night
            ChatTimes("America/New_York", digest_time=2 * 60 + 30),
            ONE_SOURCE,
            Decision(Action.DIGEST, utc(2026, 3, 8, 7, 30)),
            id="dst-digest-at-a-skipped-time-moves-past-the-gap",
        ),
        pytest.param(
            utc(2026, 11, 2, 23, 30),
            quiet("Not/AZone"),
            ONE_SOURCE,
            Decision(Action.HOLD, utc(2026, 11, 3, 7, 0), quiet=True),
            id="unknown-zone-is-utc",
        ),
    ],
)
def test_decide(now: datetime, chat: ChatTimes, story: StoryReports, expected: Decision) -> None:
    assert POLICY.decide(now, chat, story) == expected


@pytest.mark.parametrize(
    ("story", "expected"),
    [
        pytest.param(BREAKING, 3, id="three-sources-in-the-window"),
        pytest.param(reported(("dawn", 0), ("dawn", 1), ("geo", 2)), 2, id="a-source-counts-once"),
        pytest.param(reported(("dawn", 0), ("geo", 30), ("bbc", 31)), 2, id="window-end-counts"),
        pytest.param(
            reported(("dawn", 0), ("geo", 1, False), ("bbc", 2, False)), 1, id="undated-never-count"
        ),
        pytest.param(StoryReports(), 0, id="story-not-found"),
    ],
)
def test_sources(story: StoryReports, expected: int) -> None:
    assert POLICY.sources(story) == expected
    assert POLICY.is_breaking(story) is (expected >= 3)


@pytest.mark.parametrize(
    ("stories", "expected"),
    [
        pytest.param(
            [ONE_SOURCE, ONE_SOURCE],
            Decision(Action.HOLD, utc(2026, 11, 3, 7, 0), quiet=True),
            id="all-held-until-quiet-hours-end",
        ),
        pytest.param(
            [ONE_SOURCE, BREAKING],
            Decision(Action.SEND, utc(2026, 11, 2, 23, 30), breaking=True, quiet=True),
            id="one-breaking-story-takes-the-backlog-through",
        ),
    ],
)
def test_decide_backlog(stories: list[StoryReports], expected: Decision) -> None:
    now = utc(2026, 11, 2, 23, 30)
    assert POLICY.decide_backlog(now, quiet("UTC"), stories) == expected
