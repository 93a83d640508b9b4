"""Feed date parsing: feedparser's strict parsers first, then dateutil for what they miss.

feedparser's own chain (``feedparser.datetimes._parse_date``) is lenient in the wrong way: its
ISO 8601 parser turns ``2013-xx-27`` into 1 November 2013, and its RFC 822 parser reads
``Sat, Dec 16 2023 02:02:33 PM`` as 02:02 and an unknown zone such as ``PKT`` as UTC. So the
individual strict parsers are called in order here, without the ISO 8601 one, after rewriting
zone names feedparser does not know; dates with AM/PM, slashes or Urdu month names go to
dateutil (research: shared/research/extraction-feeds.md §3.1). Results are aware UTC datetimes.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import ClassVar, cast

# dateutil ships no type information (see the mypy overrides in pyproject.toml).
from dateutil import parser as dateutil_parser
from feedparser.datetimes.asctime import _parse_date_asctime
from feedparser.datetimes.greek import _parse_date_greek
from feedparser.datetimes.hungarian import _parse_date_hungarian
from feedparser.datetimes.korean import _parse_date_nate, _parse_date_onblog
from feedparser.datetimes.perforce import _parse_date_perforce
from feedparser.datetimes.rfc822 import _parse_date_rfc822, timezone_names
from feedparser.datetimes.w3dtf import _parse_date_w3dtf

__all__ = ["DEFAULT_MAX_FUTURE", "FUTURE_TOLERANCE", "parse_date", "settle_published"]

# How far ahead of our clock a publication date may be and still be taken as "now". Clocks
# drift by minutes, but the real cause is time zones: many sites write their local wall time
# and label it GMT or +0000 (a Karachi 17:00 read as 17:00 UTC is five hours ahead). The widest
# offset in use is UTC+14 (Kiribati), so any such mislabel stays within 14 hours. Further ahead
# the date is not a publication time (an event's date, a wrong year): the date is unknown.
FUTURE_TOLERANCE = timedelta(hours=14)
DEFAULT_MAX_FUTURE = FUTURE_TOLERANCE

_FEEDPARSER_PARSERS: tuple[Callable[[str], time.struct_time | None], ...] = (
    _parse_date_w3dtf,
    _parse_date_rfc822,
    _parse_date_asctime,
    _parse_date_perforce,
    _parse_date_hungarian,
    _parse_date_greek,
    _parse_date_nate,
    _parse_date_onblog,
)

# Zones seen on South Asian and other news sites that feedparser's RFC 822 table lacks (it would
# read them as UTC). IST is India here, not Ireland or Israel: the bot reads South Asian news.
_ZONES = {
    "PKT": "+0500",
    "IST": "+0530",
    "NPT": "+0545",
    "BST": "+0100",
    "CET": "+0100",
    "CEST": "+0200",
    "EET": "+0200",
    "EEST": "+0300",
    "MSK": "+0300",
    "GST": "+0400",
    "HKT": "+0800",
    "SGT": "+0800",
    "JST": "+0900",
    "KST": "+0900",
    "AEST": "+1000",
    "AEDT": "+1100",
    "UTC": "+0000",
}
_ZONE_NAME = re.compile(r"(?<=[\d\s])(" + "|".join(_ZONES) + r")$", re.IGNORECASE)
# "GMT+5", "UTC+05:30": dateutil reads these POSIX-style with the sign inverted, so rewrite them.
_ZONE_OFFSET = re.compile(r"\s*\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_DAY_COMMA = re.compile(r"^([A-Za-z]{3,}),(?=\S)")
_MERIDIEM = re.compile(r"\d\s*(?:[AaPp]\.?[Mm]\.?)(?:\s|$)")
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
_ISO_DATE = re.compile(r"^\d{4}-\d")
_AMBIGUOUS_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}(?!\d)")
_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)
_URDU_MONTHS = (
    "جنوری",
    "فروری",
    "مارچ",
    "اپریل",
    "مئی",
    "جون",
    "جولائی",
    "اگست",
    "ستمبر",
    "اکتوبر",
    "نومبر",
    "دسمبر",
)


class _ParserInfo(dateutil_parser.parserinfo):  # type: ignore[misc]
    """dateutil's English names plus Urdu month names."""

    MONTHS: ClassVar[list[tuple[str, ...]]] = [
        (*names, urdu)
        for names, urdu in zip(dateutil_parser.parserinfo.MONTHS, _URDU_MONTHS, strict=True)
    ]


_INFO = _ParserInfo()
_OFFSETS = {
    **{name.upper(): hours * 3600 for name, hours in timezone_names.items() if len(name) > 1},
    **{
        name: int(value[:3]) * 3600 + int(value[0] + value[3:]) * 60
        for name, value in _ZONES.items()
    },
}


def _zone_offset(name: str | None, offset: int | None) -> int:
    """Offset in seconds for what dateutil found; unknown zone names are UTC, as in feedparser."""
    if offset is not None:
        return offset
    return _OFFSETS.get(name.upper(), 0) if name else 0


def parse_date(
    text: str | None,
    *,
    now: datetime | None = None,
    max_future: timedelta = DEFAULT_MAX_FUTURE,
) -> datetime | None:
    """Parse a feed date string into an aware UTC datetime; None if unparseable or too far ahead.

    Dates without a zone are taken as UTC (as feedparser does).
    """
    if not text:
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    parsed = None
    if not _MERIDIEM.search(cleaned):  # feedparser would drop the AM/PM
        parsed = _parse_with_feedparser(cleaned)
    if parsed is None:
        parsed = _parse_with_dateutil(cleaned)
    if parsed is None or parsed > (now or datetime.now(UTC)) + max_future:
        return None
    return parsed


def _clean(text: str) -> str:
    """Normalise digits, spaces and zone names so the strict parsers can read the string."""
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    text = " ".join(text.split())
    text = _DAY_COMMA.sub(r"\1, ", text)  # "Fri,24 Nov 2023" (feedparser 6.0 misses it)
    offset = _ZONE_OFFSET.search(text)
    if offset:
        sign, hours, minutes = offset.groups()
        text = f"{text[: offset.start()]} {sign}{int(hours):02d}{minutes or '00'}"
    return _ZONE_NAME.sub(lambda m: _ZONES[m.group(1).upper()], text)


def _parse_with_feedparser(text: str) -> datetime | None:
    """Try feedparser's strict parsers in turn; they return UTC struct_times."""
    for parse in _FEEDPARSER_PARSERS:
        try:
            parsed = parse(text)
        except (KeyError, OverflowError, ValueError, AttributeError, IndexError, TypeError):
            continue
        if parsed:
            try:
                return datetime(*parsed[:6], tzinfo=UTC)
            except ValueError:  # year 0 or 10000 after moving to UTC
                return None
    return None


def _parse_with_dateutil(text: str) -> datetime | None:
    """Parse US-style, slashed and Urdu-month dates; demand a four-digit year, refuse 03/04/2024."""
    if not _YEAR.search(text):
        return None  # dateutil fills a missing year from today: "013" would become this month
    if _ISO_DATE.match(text) and not _MERIDIEM.search(text):
        return None  # W3C-DTF already refused it; dateutil would read "2013-01-27-01" as 01:00
    ambiguous = _AMBIGUOUS_DMY.search(text)
    if ambiguous and len({ambiguous.group(1), ambiguous.group(2)}) == 2:
        day_or_month = (int(ambiguous.group(1)), int(ambiguous.group(2)))
        if max(day_or_month) <= 12:
            return None  # day/month order is unknowable (Pakistan writes D/M/Y, the US M/D/Y)
    try:
        parsed = cast(datetime, dateutil_parser.parse(text, parserinfo=_INFO, tzinfos=_zone_offset))
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def settle_published(published: datetime | None, fetched_at: datetime) -> datetime | None:
    """The publication date to store for an article fetched at ``fetched_at``: None ("date
    unknown") when absent or more than FUTURE_TOLERANCE ahead, ``fetched_at`` when a little ahead.

    So a wrong date never makes an item look newer than when it reached us."""
    if published is None or published > fetched_at + FUTURE_TOLERANCE:
        return None
    return min(published, fetched_at)
