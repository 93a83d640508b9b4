"""Dates, ages, clock times and numbers in English or Urdu, through Babel's CLDR locales."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    format_timedelta,
    get_datetime_format,
)
from babel.numbers import format_decimal

__all__ = [
    "DEFAULT_TIMEZONE",
    "format_age",
    "format_clock",
    "format_datetime_local",
    "format_number",
    "parse_clock",
    "parse_clock_span",
    "resolve_timezone",
]

DEFAULT_TIMEZONE = "UTC"

_LOCALES = {"en": "en", "ur": "ur"}
# CLDR "short" English reads "5 min. ago"; Urdu "long" says "2 دنوں پہلے" where "2 دن پہلے"
# is what people write, and Urdu "narrow" has exactly that.
_AGE_FORMATS: Mapping[str, Literal["narrow", "short"]] = {"en": "short", "ur": "narrow"}
# Urdu's "short" time ends in the Latin "AM"/"PM" (CLDR has no Urdu words for them); its
# day-period skeleton says "4:05 سہ پہر", "9:30 رات", as Urdu papers write the time (CLDR's
# periods, through Babel: its tests pin them, so a Babel upgrade that moves them shows there).
_CLOCK_SKELETONS: Mapping[str, str] = {"ur": "Bhm"}
# ASCII and both Arabic-script digit sets, so "۰۸:۳۰" typed on an Urdu keyboard parses.
_DIGITS = str.maketrans({chr(base + i): str(i) for base in (0x0660, 0x06F0) for i in range(10)})
_CLOCK_RE = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])")
# Between a span's two times: a hyphen or dash, "to"/"till"/"until", Urdu "تا" or "سے" (from
# ... to), or just a space; a trailing Urdu "تک" (until) is allowed too.
_SPAN_RE = re.compile(
    r"(?P<start>\S+?)\s*(?:[-\u2010-\u2015~]|\s*(?:تا|سے)\s*|\s(?:to|till|until)\s|\s)\s*(?P<end>[^\s-]+?)"
    r"(?:\s*تک)?",
    re.IGNORECASE,
)


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, "en")


def _aware(dt: datetime) -> datetime:
    """Treat naive datetimes as UTC, the way storage keeps them."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def resolve_timezone(name: str) -> str | None:
    """Return the canonical IANA name for user input like "asia/karachi", or None if unknown."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned or len(cleaned) > 64:
        return None
    canonical = _zones_by_folded_name().get(cleaned.casefold())
    if canonical is None and cleaned.upper() == "UTC":
        canonical = "UTC"
    return canonical


def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        # A chat row with a bad zone must not break rendering; /timezone validates new ones.
        return ZoneInfo(DEFAULT_TIMEZONE)


def format_datetime_local(dt: datetime, lang: str, tz_name: str) -> str:
    """Format a moment as a date and time in the chat's timezone ("July 1, 2024, 1:30 PM")."""
    local = _aware(dt).astimezone(_zone(tz_name))
    locale = _locale(lang)
    day = format_date(local, "long", locale=locale)
    skeleton = _CLOCK_SKELETONS.get(locale)
    if skeleton is None:
        clock = format_time(local, "short", tzinfo=local.tzinfo, locale=locale)
    else:
        clock = format_skeleton(skeleton, local, tzinfo=local.tzinfo, locale=locale)
    # The locale's own glue: English "{1}, {0}", Urdu "{1} {0}".
    glue = str(get_datetime_format("medium", locale=locale))
    return glue.replace("{1}", day).replace("{0}", clock)


def format_age(dt: datetime, now: datetime, lang: str) -> str:
    """Say how long ago something happened ("5 min. ago", "5 منٹ پہلے"); never in the future."""
    # At least one second: Babel words zero and negative spans as future ("in 0 min."), and
    # feeds whose clocks run ahead of ours would otherwise be "in 3 min.".
    delta = max(_aware(now) - _aware(dt), timedelta(seconds=1))
    return format_timedelta(
        -delta,
        granularity="minute",
        add_direction=True,
        format=_AGE_FORMATS.get(lang, "short"),
        locale=_locale(lang),
    )


def format_number(n: int | float, lang: str) -> str:
    """Format a number with the language's grouping ("1,234"; Urdu keeps ASCII digits too)."""
    return format_decimal(n, locale=_locale(lang))


def format_clock(value: time, lang: str) -> str:
    """Format a wall-clock time of day as 24-hour HH:MM, the form /digest and /quiet accept."""
    del lang  # the same in both languages, so users can copy it back into a command
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_clock(text: str) -> time | None:
    """Parse "HH:MM" (also "H:MM", "HH.MM" and Urdu digits) into a time, or None."""
    match = _CLOCK_RE.fullmatch(text.strip().translate(_DIGITS))
    if match is None:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def parse_clock_span(text: str) -> tuple[time, time] | None:
    """Parse a span of two clock times: "23:00-07:00", "23:00 – 07:00", "23:00 to 07:00",
    "23:00 07:00", "۲۳:۰۰ سے ۰۷:۰۰ تک"; None unless both parse."""
    match = _SPAN_RE.fullmatch(text.strip())
    if match is None:
        return None
    start, end = parse_clock(match["start"]), parse_clock(match["end"])
    return (start, end) if start is not None and end is not None else None
