"""Dates in the chat's timezone (DST included), ages, numbers and clock times in English and Urdu."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.render.timefmt import (
    format_age,
    format_clock,
    format_datetime_local,
    format_number,
    parse_clock,
    parse_clock_span,
    resolve_timezone,
)

NNBSP = "\u202f"  # CLDR English puts a narrow no-break space before AM/PM


@pytest.mark.parametrize(
    ("moment", "lang", "tz", "expected"),
    [
        pytest.param(
            datetime(2024, 7, 1, 12, 30, tzinfo=UTC),
            "en",
            "Europe/London",
            f"July 1, 2024, 1:30{NNBSP}PM",
            id="en-london-summer-bst",
        ),
        pytest.param(
            datetime(2024, 1, 15, 12, 30, tzinfo=UTC),
            "en",
            "Europe/London",
            f"January 15, 2024, 12:30{NNBSP}PM",
            id="en-london-winter-gmt",
        ),
        pytest.param(
            datetime(2024, 7, 1, 12, 30, tzinfo=UTC),
            "ur",
            "Europe/London",
            "1 جولائی، 2024 1:30 دوپہر",
            id="ur-london-summer",
        ),
        pytest.param(
            datetime(2024, 1, 15, 12, 30, tzinfo=UTC),
            "ur",
            "Asia/Karachi",
            "15 جنوری، 2024 5:30 سہ پہر",
            id="ur-karachi",
        ),
        pytest.param(
            datetime(2024, 12, 31, 22, 0, tzinfo=UTC),
            "ur",
            "Asia/Karachi",
            "1 جنوری، 2025 3:00 رات",
            id="ur-karachi-next-day",
        ),
        pytest.param(
            datetime(2024, 1, 15, 12, 30),
            "en",
            "UTC",
            f"January 15, 2024, 12:30{NNBSP}PM",
            id="naive-is-utc",
        ),
        pytest.param(
            datetime(2024, 1, 15, 12, 30, tzinfo=UTC),
            "en",
            "Not/AZone",
            f"January 15, 2024, 12:30{NNBSP}PM",
            id="bad-zone-falls-back-to-utc",
        ),
        pytest.param(
            datetime(2024, 1, 15, 12, 30, tzinfo=UTC),
            "fr",
            "UTC",
            f"January 15, 2024, 12:30{NNBSP}PM",
            id="unknown-language-is-english",
        ),
    ],
)
def test_format_datetime_local(moment: datetime, lang: str, tz: str, expected: str) -> None:
    assert format_datetime_local(moment, lang, tz) == expected


@pytest.mark.parametrize(
    ("utc_time", "expected"),
    [
        # UK clocks go forward at 01:00 UTC on 31 March 2024 and back at 01:00 UTC on 27 October.
        pytest.param(
            datetime(2024, 3, 31, 0, 59, tzinfo=UTC), f"12:59{NNBSP}AM", id="before-spring"
        ),
        pytest.param(datetime(2024, 3, 31, 1, 0, tzinfo=UTC), f"2:00{NNBSP}AM", id="after-spring"),
        pytest.param(datetime(2024, 10, 27, 0, 30, tzinfo=UTC), f"1:30{NNBSP}AM", id="bst-autumn"),
        pytest.param(datetime(2024, 10, 27, 1, 30, tzinfo=UTC), f"1:30{NNBSP}AM", id="gmt-autumn"),
    ],
)
def test_format_datetime_local_across_dst(utc_time: datetime, expected: str) -> None:
    assert format_datetime_local(utc_time, "en", "Europe/London").endswith(", " + expected)


NOW = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "lang", "expected"),
    [
        pytest.param(timedelta(minutes=5), "en", "5 min. ago", id="en-minutes"),
        pytest.param(timedelta(minutes=5), "ur", "5 منٹ پہلے", id="ur-minutes"),
        pytest.param(timedelta(hours=3), "en", "3 hr. ago", id="en-hours"),
        pytest.param(timedelta(hours=1), "ur", "1 گھنٹہ پہلے", id="ur-one-hour"),
        pytest.param(timedelta(hours=3), "ur", "3 گھنٹے پہلے", id="ur-hours"),
        pytest.param(timedelta(days=2), "en", "2 days ago", id="en-days"),
        pytest.param(timedelta(days=2), "ur", "2 دن پہلے", id="ur-days"),
        pytest.param(timedelta(seconds=20), "en", "1 min. ago", id="seconds-round-up"),
        pytest.param(timedelta(0), "ur", "1 منٹ پہلے", id="zero-is-past"),
        pytest.param(-timedelta(minutes=3), "en", "1 min. ago", id="future-clamped"),
    ],
)
def test_format_age(ago: timedelta, lang: str, expected: str) -> None:
    assert format_age(NOW - ago, NOW, lang) == expected


def test_format_age_accepts_naive_utc() -> None:
    assert format_age(datetime(2024, 7, 1, 11, 0), NOW, "en") == "1 hr. ago"


@pytest.mark.parametrize(
    ("n", "lang", "expected"),
    [
        pytest.param(1234567, "en", "1,234,567", id="en-int"),
        pytest.param(1234567, "ur", "1,234,567", id="ur-int-ascii-digits"),
        pytest.param(0.5, "en", "0.5", id="en-float"),
        pytest.param(7, "ur", "7", id="ur-small"),
    ],
)
def test_format_number(n: float, lang: str, expected: str) -> None:
    assert format_number(n, lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("08:30", time(8, 30), id="padded"),
        pytest.param("8:30", time(8, 30), id="unpadded"),
        pytest.param(" 23.59 ", time(23, 59), id="dot-and-spaces"),
        pytest.param("۰۸:۳۰", time(8, 30), id="urdu-digits"),
        pytest.param("٢٣:٠٠", time(23, 0), id="arabic-digits"),
        pytest.param("24:00", None, id="hour-out-of-range"),
        pytest.param("12:60", None, id="minute-out-of-range"),
        pytest.param("8", None, id="no-minutes"),
        pytest.param("8:30pm", None, id="suffix"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_clock(text: str, expected: time | None) -> None:
    assert parse_clock(text) == expected


NIGHT = (time(23, 0), time(7, 0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("23:00-07:00", NIGHT, id="hyphen"),
        pytest.param("23:00 – 07:00", NIGHT, id="en-dash-spaced"),
        pytest.param("23:00 07:00", NIGHT, id="space"),
        pytest.param("23:00 to 07:00", NIGHT, id="to"),
        pytest.param("23:00 TILL 7:00", NIGHT, id="till-any-case"),
        pytest.param("۲۳:۰۰ سے ۰۷:۰۰ تک", NIGHT, id="urdu-words-and-digits"),
        pytest.param("23:00 تا 07:00", NIGHT, id="urdu-ta"),
        pytest.param("23:00سے07:00", NIGHT, id="urdu-unspaced"),
        pytest.param("23:00", None, id="one-time"),
        pytest.param("23:00-", None, id="no-end"),
        pytest.param("23:00 07:00 08:00", None, id="three-times"),
        pytest.param("23:00--07:00", None, id="two-hyphens"),
        pytest.param("late-early", None, id="words"),
    ],
)
def test_parse_clock_span(text: str, expected: tuple[time, time] | None) -> None:
    assert parse_clock_span(text) == expected


def test_format_clock_round_trips() -> None:
    assert format_clock(time(7, 5), "ur") == "07:05"
    assert parse_clock(format_clock(time(7, 5), "en")) == time(7, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Asia/Karachi", "Asia/Karachi", id="canonical"),
        pytest.param("asia/karachi", "Asia/Karachi", id="case-folded"),
        pytest.param(" America/New York ", "America/New_York", id="space-for-underscore"),
        pytest.param("utc", "UTC", id="utc"),
        pytest.param("Mars/Olympus", None, id="unknown"),
        pytest.param("../../etc/passwd", None, id="path-traversal"),
        pytest.param("", None, id="empty"),
    ],
)
def test_resolve_timezone(text: str, expected: str | None) -> None:
    assert resolve_timezone(text) == expected
