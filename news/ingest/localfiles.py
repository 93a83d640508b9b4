"""Reading local files into articles: HTML pages, plain-text documents and RSS/Atom feeds (no network)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from news import errors
from news.extract.canonical import canonicalize_url
from news.extract.language import language_label
from news.extract.pages import ExtractedArticle, Extractor, extract_text
from news.extract.textdoc import make_lead
from news.extract.titles import strip_site_name
from news.extract.topics import classify
from news.ingest.entrytext import entry_text
from news.ingest.feedparse import parse_feed
from news.stories.store import Candidate

__all__ = ["SNIFF_BYTES", "ImportedItem", "article_candidate", "detect_kind", "read_path"]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 4096  # enough for an XML declaration, a comment header and an XHTML doctype
_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_FEED_SUFFIXES = frozenset({".rss", ".atom", ".rdf", ".xml"})


@dataclass(frozen=True)
class ImportedItem:
    """One article read from a file, or the reason it could not be."""

    source: str
    candidate: Candidate | None = None
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


def article_candidate(article: ExtractedArticle, *, url: str, source: str) -> Candidate:
    """A storable candidate from an extracted article (topic classified here).

    A saved page (a ``file:`` URL) is stored under the address it declares (rel=canonical,
    og:url), so it is the same article as the one a feed brings.
    """
    if not url.startswith(("http://", "https://")) and article.canonical_url:
        url = article.canonical_url
    language = article.language or language_label(f"{article.title}\n{article.text[:2000]}") or "en"
    topic = classify(url=url, title=article.title, text=article.text, language=language)
    return Candidate(
        url=url,
        canonical_url=canonicalize_url(url, rel_canonical=article.canonical_url),
        title=article.title,
        language=language,
        topic=topic,
        text=article.text,
        lead=article.lead,
        published_at=article.published_at,
        source=article.site_name or source,
        author=article.author,
        image_url=article.image_url,
        fetched_at=datetime.now(UTC),
    )


async def _feed_items(path: Path, body: bytes) -> AsyncIterator[ImportedItem]:
    try:
        parsed = await parse_feed(body, base_url=_file_url(path))
    except errors.ParseError as exc:
        yield ImportedItem(str(path), error=str(exc))
        return
    for entry in parsed.entries:
        if not entry.title or not entry.link:
            continue
        title = strip_site_name(entry.title, names=(parsed.title,), url=entry.link)
        text = entry_text(entry)
        # In a thread: naming a language other than English or Urdu loads a model (~1 s).
        sample = f"{title}\n{text[:2000]}"
        language = await asyncio.to_thread(language_label, sample, declared=parsed.language) or "en"
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        yield ImportedItem(
            str(path),
            Candidate(
                url=entry.link,
                canonical_url=canonicalize_url(entry.link),
                title=title,
                language=language,
                topic=classify(
                    url=entry.link,
                    categories=entry.categories,
                    title=title,
                    text=text,
                    language=language,
                ),
                text=text,
                lead=make_lead(paragraphs) if paragraphs else "",
                published_at=entry.published,
                guid=entry.guid,
                source=parsed.title or path.name,
                author=entry.author,
                image_url=entry.image_url,
            ),
        )


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
    yield ImportedItem(str(path), article_candidate(extracted, url=url, source=path.stem))
