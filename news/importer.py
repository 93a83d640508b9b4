"""Reading local files into articles: HTML pages, plain-text documents and RSS/Atom feeds (no network)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from news import errors
from news.canonical import canonicalize_url
from news.extract import ExtractedArticle, Extractor, extract_text
from news.feedparse import parse_feed
from news.language import detect_language
from news.pipeline import entry_text
from news.stories import Candidate
from news.textdoc import make_lead
from news.topics import classify

__all__ = ["ImportedItem", "article_candidate", "detect_kind", "read_path"]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ImportedItem:
    """One article read from a file, or the reason it could not be."""

    source: str
    candidate: Candidate | None = None
    error: str | None = None


def detect_kind(path: Path, head: bytes) -> str:
    """ "feed", "html" or "text", from the extension and the first bytes."""
    suffix = path.suffix.lower()
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if suffix in (".rss", ".atom") or (
        suffix in (".xml", "") and (b"<rss" in sniff or b"<feed" in sniff or b"<rdf" in sniff)
    ):
        return "feed"
    if suffix in (".xml",) and b"<?xml" in sniff:
        return "feed"
    if suffix in (".html", ".htm", ".xhtml") or sniff.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _file_url(path: Path) -> str:
    return path.resolve().as_uri()


def article_candidate(article: ExtractedArticle, *, url: str, source: str) -> Candidate:
    """A storable candidate from an extracted article (topic classified here)."""
    language = (
        article.language or detect_language(f"{article.title}\n{article.text[:2000]}") or "en"
    )
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
        text = entry_text(entry)
        language = (
            detect_language(f"{entry.title}\n{text[:2000]}", declared=parsed.language) or "en"
        )
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        yield ImportedItem(
            str(path),
            Candidate(
                url=entry.link,
                canonical_url=canonicalize_url(entry.link),
                title=entry.title,
                language=language,
                topic=classify(
                    url=entry.link,
                    categories=entry.categories,
                    title=entry.title,
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
    kind = detect_kind(path, body[:1024])
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
