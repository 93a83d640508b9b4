"""Feed parsing: fetched RSS/Atom/RDF bytes to clean ParsedFeed/FeedEntry records.

feedparser does the parsing (encodings, broken XML, xml:base, sanitising; research
shared/research/extraction-feeds.md §3), always on bytes we fetched, never on a URL. Entity
declarations are refused before any XML parser sees the document (ptb-testing.md §4.6).
"""

from __future__ import annotations

import asyncio
import codecs
import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from news import errors
from news.extract.textdoc import title_from_text
from news.ingest.dates import parse_date
from news.ingest.feedhtml import clean_line, first_image, html_to_text
from news.ingest.feedscan import cap_items

__all__ = [
    "FeedEntry",
    "ParsedFeed",
    "parse_feed",
    "parse_feed_sync",
]

log = logging.getLogger(__name__)

# feedparser flags these as bozo although the document parsed fine.
_SOFT_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}
)
_MARKUP = re.compile(r"<(!--|!|\?|[A-Za-z_:])")
_MIN_DATE = datetime.min.replace(tzinfo=UTC)
_CAP_FACTOR = 4  # items handed to feedparser per item kept: room for feeds not newest first


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, cleaned: absolute http(s) links, plain-text title and summary."""

    guid: str | None
    link: str | None
    title: str
    summary_text: str
    content_html: str | None
    published: datetime | None
    author: str | None
    categories: tuple[str, ...]
    image_url: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: channel metadata and at most max_items entries, in document order."""

    title: str
    link: str | None
    language: str | None
    ttl_minutes: int | None
    entries: tuple[FeedEntry, ...]


async def parse_feed(
    body: bytes, *, base_url: str, content_type: str | None = None, max_items: int = 500
) -> ParsedFeed:
    """Parse fetched feed bytes in a worker thread; raise a ParseError subclass when unusable.

    ``base_url`` (the final URL of the fetch) resolves relative links; ``content_type`` (the
    response header) lets an HTTP charset override the XML declaration, as RFC 3023 says.
    """
    return await asyncio.to_thread(
        parse_feed_sync, body, base_url=base_url, content_type=content_type, max_items=max_items
    )


def parse_feed_sync(
    body: bytes, *, base_url: str, content_type: str | None = None, max_items: int = 500
) -> ParsedFeed:
    """Blocking version of parse_feed, for worker threads and benchmarks."""
    text = _sniff_text(body)
    _refuse_entity_declarations(text)
    # The newest max_items are kept below; a document of many more (a 95,000-item dump) is cut
    # first, so feedparser never builds them (document order: feeds list the newest first).
    body = cap_items(body, _CAP_FACTOR * max_items)
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    try:
        # BytesIO, not bytes: feedparser.parse(bytes) first tries open(bytes) as a file name.
        result = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except Exception as exc:  # feedparser promises not to raise; this is the one boundary
        raise errors.ParseError(f"feedparse: feedparser failed: {exc!r}") from exc
    raw_entries: list[Any] = list(result.entries)
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    if not result.get("version") and not raw_entries:
        raise _not_a_feed(text, base_url, bozo)
    if bozo is not None and not isinstance(bozo, _SOFT_BOZO):
        if not raw_entries:
            raise errors.MalformedFeed(f"feedparse: malformed XML and no entries: {bozo}")
        log.info(
            "feedparse: %s is malformed, kept %d entries: %s", base_url, len(raw_entries), bozo
        )
    dates = [_entry_date(raw) for raw in raw_entries]
    keep = list(range(len(raw_entries)))
    if len(raw_entries) > max_items:
        newest = sorted(keep, key=lambda i: (dates[i] or _MIN_DATE, -i), reverse=True)
        keep = sorted(newest[:max_items])
        log.info(
            "feedparse: %s has %d entries, kept the newest %d",
            base_url,
            len(raw_entries),
            max_items,
        )
    entries = [_entry(raw_entries[i], dates[i], base_url) for i in keep]
    feed = result.feed
    return ParsedFeed(
        title=clean_line(_as_html(feed, "title")),
        link=_absolute_url(feed.get("link"), base_url),
        language=(feed.get("language") or "").strip().lower() or None,
        ttl_minutes=_positive_int(feed.get("ttl")),
        entries=tuple(e for e in entries if e.link or e.title or e.summary_text),
    )


def _sniff_text(body: bytes) -> str:
    """Decode enough to scan markup: UTF-32/16 by BOM or by the shape of '<?', else Latin-1."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, codec in boms:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    shapes = {
        b"\0\0\0<": "utf-32-be",
        b"<\0\0\0": "utf-32-le",
        b"\0<\0?": "utf-16-be",
        b"<\0?\0": "utf-16-le",
    }
    codec = shapes.get(body[:4], "latin-1")
    return body.decode(codec, errors="replace")


def _refuse_entity_declarations(text: str) -> None:
    """Raise XMLBomb if the prolog (everything before the root element) declares entities.

    A cheap linear scan rather than defusedxml: feedparser must still get the bytes, and
    feedparser with defusedxml's expat reader lets EntitiesForbidden escape (reader#212).
    """
    pos = 0
    while match := _MARKUP.search(text, pos):
        kind = match.group(1)
        if kind == "!--":
            end = text.find("-->", match.end())
            if end < 0:
                return
            pos = end + 3
        elif kind in ("!", "?"):
            if text[match.end() : match.end() + 6].upper() == "ENTITY":
                raise errors.XMLBomb(
                    "feedparse: the document declares XML entities (entity expansion); refused"
                )
            pos = match.end()
        else:
            return  # the root element: entity declarations cannot come after it


def _not_a_feed(text: str, base_url: str, bozo: object) -> errors.NotAFeed:
    """Explain why a body without any feed structure was refused."""
    head = text[:4096].lstrip().lower()
    if not head:
        return errors.NotAFeed("feedparse: not a feed: empty document")
    if head.startswith(("<!doctype html", "<html")) or "<html" in head[:1024]:
        finder = _FeedLinkFinder(base_url)
        finder.feed(text[: 256 * 1024])
        found = f"; it links to {', '.join(finder.links)}" if finder.links else ""
        return errors.NotAFeed(
            f"feedparse: not a feed: got an HTML page{found}", feed_links=tuple(finder.links)
        )
    reason = f" ({bozo})" if bozo is not None else ""
    return errors.NotAFeed(f"feedparse: not a feed: no RSS, Atom or RDF root element{reason}")


def _entry_date(raw: Any) -> datetime | None:
    """Publication date from the raw string (see news.ingest.dates for why not *_parsed)."""
    for key in ("published", "updated", "created"):
        value = raw.get(key)
        if value:
            return parse_date(value)
    return None


def _entry(raw: Any, published: datetime | None, base_url: str) -> FeedEntry:
    """Clean one feedparser entry."""
    summary_html = _as_html(raw, "summary")
    content_html = _content_html(raw)
    author = raw.get("author_detail", {}).get("name") or raw.get("author")
    terms = (clean_line(t.get("term") or t.get("label") or "") for t in raw.get("tags", []))
    categories = tuple(dict.fromkeys(t for t in terms if t))
    image = _image_url(raw, base_url) or _absolute_url(
        first_image(summary_html) or first_image(content_html or ""), base_url
    )
    summary_text = html_to_text(summary_html)
    # Micro-blog items have no <title>: their first sentence stands in for one.
    title = clean_line(_as_html(raw, "title")) or title_from_text(
        summary_text or html_to_text(content_html)
    )
    return FeedEntry(
        guid=(raw.get("id") or "").strip() or None,
        link=_absolute_url(raw.get("link"), base_url),
        title=title,
        summary_text=summary_text,
        content_html=content_html,
        published=published,
        author=clean_line(author or "") or None,
        categories=categories,
        image_url=image,
    )


def _as_html(raw: Any, key: str) -> str:
    """A text construct as HTML: text/plain values (Atom type="text") are escaped first."""
    value = str(raw.get(key) or "")
    plain = raw.get(f"{key}_detail", {}).get("type") == "text/plain"
    return html.escape(value, quote=False) if plain else value


def _content_html(raw: Any) -> str | None:
    """The full content (content:encoded, Atom content), as HTML."""
    contents = raw.get("content") or []
    if not contents:
        return None
    chosen = next((c for c in contents if "html" in c.get("type", "")), contents[0])
    value = str(chosen.get("value", "")).strip()
    if not value:
        return None
    return value if "html" in chosen.get("type", "text/html") else html.escape(value)


def _image_url(raw: Any, base_url: str) -> str | None:
    """media:content, then media:thumbnail, then an image enclosure; the widest of each kind."""
    media = [
        m
        for m in raw.get("media_content", [])
        if m.get("medium", "image") == "image" and m.get("type", "image/").startswith("image/")
    ]
    enclosures = [
        {"url": link.get("href")}
        for link in raw.get("links", [])
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/")
    ]
    for group in (media, raw.get("media_thumbnail", []), enclosures):
        ranked = sorted(group, key=lambda m: _positive_int(m.get("width")) or 0, reverse=True)
        for candidate in ranked:
            url = _absolute_url(candidate.get("url"), base_url)
            if url:
                return url
    return None


def _absolute_url(value: object, base_url: str) -> str | None:
    """Resolve value against base_url; only http(s) URLs survive (no javascript:, data:)."""
    if not isinstance(value, str):
        return None
    value = "".join(value.split())  # pretty-printed <link> elements carry newlines
    if not value:
        return None
    try:
        url = urljoin(base_url, value)
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _positive_int(value: object) -> int | None:
    """int(value) when it is a positive whole number, else None."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and int(text) > 0 else None


class _FeedLinkFinder(HTMLParser):
    """Finds <link rel="alternate" type="application/rss+xml" href="..."> in an HTML page."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        found = {k: (v or "") for k, v in attrs}
        rel = found.get("rel", "").lower().split()
        kind = found.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in _FEED_TYPES:
            url = _absolute_url(found.get("href"), self.base_url)
            if url and url not in self.links:
                self.links.append(url)
