"""A page's publication time: its structured data (meta tags, JSON-LD), checked against the day
htmldate (inside trafilatura) finds."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["choose_date", "structured_date"]

# Structured publication times, most specific first; htmldate (inside trafilatura) only gives
# a day, these give the time of day too.
_DATE_XPATHS = (
    '//meta[@property="article:published_time" or @name="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    '//meta[@name="pubdate" or @name="publishdate" or @name="publish-date"]/@content',
    '//meta[@name="parsely-pub-date" or @name="sailthru.date" or @name="dc.date.issued"]/@content',
)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def _parse_timestamp(value: str) -> datetime | None:
    """Parse an ISO 8601 or RFC 2822 timestamp into an aware UTC datetime."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def structured_date(tree: Any) -> datetime | None:
    """Return the publication time from meta tags or JSON-LD, if the page states one."""
    for xpath in _DATE_XPATHS:
        for value in tree.xpath(xpath):
            parsed = _parse_timestamp(str(value))
            if parsed:
                return parsed
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        match = _JSONLD_DATE.search(str(script))
        if match:
            parsed = _parse_timestamp(match.group(1))
            if parsed:
                return parsed
    return None


def choose_date(structured: datetime | None, day: str | None) -> datetime | None:
    """Combine the structured timestamp with htmldate's day (its original-date heuristics).

    The timestamp is used when it agrees with htmldate's day in the page's own or UTC time;
    otherwise htmldate's day, at midnight UTC, is the better-tested answer.
    """
    if day is None:
        return structured
    try:
        date_only = datetime.strptime(day[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return structured
    if structured is not None and abs(structured - date_only).total_seconds() < 36 * 3600:
        return structured
    return date_only
