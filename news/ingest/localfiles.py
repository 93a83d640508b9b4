"""Reading local files into articles: HTML pages, plain-text documents and RSS/Atom feeds (no network)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from news import errors
from news.extract.pages import ExtractedArticle, Extractor, extract_text
from news.ingest.feedparse import FeedEntry, ParsedFeed, parse_feed

__all__ = ["SNIFF_BYTES", "ImportedItem", "detect_kind", "read_path"]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 4096  # enough for an XML declaration, a comment header and an XHTML doctype
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_FEED_SUFFIXES = frozenset({".rss", ".atom", ".rdf", ".xml"})


@dataclass(frozen=True)
class ImportedItem:
    """One article read from a file (a feed's entry, or the article of a page or a text), or
    the reason it could not be; news.pipeline makes it a candidate."""

    source: str  # the file's path
    entry: FeedEntry | None = None
    feed: ParsedFeed | None = None  # the feed document ``entry`` is from
    page: ExtractedArticle | None = None
    url: str = ""  # the file's own (file:) URL, for ``page``
    error: str | None = None


def _root_element(head: bytes) -> tuple[str | None, bool]:
    """The local name of the first element in ``head`` (None if none starts it) and whether an
    HTML doctype came before it; the XML declaration, comments and doctypes are skipped."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    text = head.lstrip(b"\xef\xbb\xbf")
    html_doctype = False
    while True:
        text = text.lstrip()
        if text.startswith(b"<?"):
            closer = b"?>"
        elif text.startswith(b"<!--"):
            closer = b"-->"
        elif text[:9].lower() == b"<!doctype":
            html_doctype = html_doctype or text[9:].lstrip()[:4].lower() == b"html"
            closer = b"]>" if b"[" in text[: text.find(b">") + 1] else b">"
        else:
            match = _ELEMENT.match(text)
            name = match.group(1).decode("ascii").rpartition(":")[2].lower() if match else None
            return name, html_doctype
        end = text.find(closer)
        if end < 0:
            return None, html_doctype
        text = text[end + len(closer) :]


def detect_kind(path: Path, head: bytes) -> str:
    """ "feed", "html" or "text", from what the file starts with; its name only breaks a tie.

    An RSS 1.0 file saved as .rdf is a feed and an XHTML page saved as .xml a page: the root
    element tells (rss, feed, RDF; html), whatever the extension says.
    """
    root, html_doctype = _root_element(head)
    if root in _FEED_ROOTS:
        return "feed"
    if root == "html" or html_doctype:
        return "html"
    if root is not None:  # markup of some other kind: a page fragment, or a feed we'd misread
        return "feed" if path.suffix.lower() in _FEED_SUFFIXES else "html"
    return "text"


def _file_url(path: Path) -> str:
    return path.resolve().as_uri()


async def _feed_items(path: Path, body: bytes) -> AsyncIterator[ImportedItem]:
    try:
        parsed = await parse_feed(body, base_url=_file_url(path))
    except errors.ParseError as exc:
        yield ImportedItem(str(path), error=str(exc))
        return
    for entry in parsed.entries:
        if entry.title and entry.link:
            yield ImportedItem(str(path), entry=entry, feed=parsed)


async def read_path(path: Path, extractor: Extractor) -> AsyncIterator[ImportedItem]:
    """The articles one file holds: each feed item, or the one article of a page or text."""
    try:
        size = (await asyncio.to_thread(path.stat)).st_size
        if size > MAX_FILE_BYTES:
            yield ImportedItem(str(path), error=f"import: file over {MAX_FILE_BYTES} bytes")
            return
        body = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        yield ImportedItem(str(path), error=f"import: cannot read: {exc.strerror or exc}")
        return
    kind = detect_kind(path, body[:SNIFF_BYTES])
    if kind == "feed":
        async for item in _feed_items(path, body):
            yield item
        return
    url = _file_url(path)
    if kind == "html":
        extracted = await extractor.extract(body, url)
    else:
        text = body.decode("utf-8", errors="replace")
        extracted = await asyncio.to_thread(extract_text, text, url=url)
    if extracted is None or not extracted.title or not (extracted.text or extracted.lead):
        yield ImportedItem(str(path), error="import: no article text found")
        return
    yield ImportedItem(str(path), page=extracted, url=url)
