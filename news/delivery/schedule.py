"""Local wall-clock arithmetic for digests and quiet hours, DST-correct through zoneinfo."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["in_window", "next_local_time", "zone"]


def zone(name: str) -> ZoneInfo:
    """The named zone, or UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _minutes(local: datetime) -> int:
    return local.hour * 60 + local.minute


def in_window(now: datetime, start: int, end: int, tz: str) -> bool:
    """Whether local time at ``now`` is within [start, end) minutes, windows may wrap midnight."""
    minute = _minutes(now.astimezone(zone(tz)))
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end


def next_local_time(now: datetime, minutes: int, tz: str) -> datetime:
    """The first instant after ``now`` when the local clock in ``tz`` shows ``minutes``, in UTC.

    A wall time that a DST change skips is moved forward by the gap (02:30 becomes 03:30); one
    that occurs twice is taken the first time."""
    tzinfo = zone(tz)
    local_now = now.astimezone(tzinfo)
    wanted = time(minutes // 60, minutes % 60)
    for days in range(0, 3):
        day = local_now.date() + timedelta(days=days)
        # fold=0 picks the first of a repeated wall time and, for a skipped one, the offset
        # from before the gap (PEP 495).
        candidate = datetime.combine(day, wanted, tzinfo=tzinfo).astimezone(UTC)
        # Compared in UTC: aware datetimes sharing a tzinfo compare by wall time, ignoring
        # fold, which gets the repeated hour wrong.
        if candidate > now:
            return candidate
    raise AssertionError("unreachable: a wall time recurs within two days")
