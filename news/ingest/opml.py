"""OPML import and export of the feed list (what other feed readers exchange)."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from news import errors
from news.extract.canonical import url_key
from news.ingest.sources import LANGUAGES, FeedSource, Language, Topic
from news.ingest.ssrf import check_url

__all__ = ["parse_opml", "render_opml"]

log = logging.getLogger(__name__)

# Category and folder names (English and Urdu) that mean one of our topics.
_TOPIC_NAMES: dict[str, Topic] = {
    **dict.fromkeys(("world", "international", "global", "دنیا", "عالمی", "بین الاقوامی"), "world"),
    **dict.fromkeys(("pakistan", "national", "پاکستان", "قومی"), "pakistan"),
    **dict.fromkeys(
        ("business", "economy", "finance", "markets", "money", "کاروبار", "معیشت"), "business"
    ),
    **dict.fromkeys(("sport", "sports", "cricket", "football", "کھیل", "کرکٹ"), "sports"),
    **dict.fromkeys(("technology", "tech", "ٹیکنالوجی"), "technology"),
    **dict.fromkeys(("science", "environment", "سائنس", "ماحولیات"), "science"),
    **dict.fromkeys(("health", "صحت"), "health"),
    **dict.fromkeys(
        ("entertainment", "arts", "culture", "showbiz", "تفریح", "شوبز", "فن"), "entertainment"
    ),
}
_FALSE = frozenset({"false", "0", "no", "off"})


def parse_opml(
    data: bytes, *, default_topic: Topic = "world", fetch_pages: bool = True
) -> list[FeedSource]:
    """Read the feeds of an OPML document, in document order, skipping repeats and bad URLs.

    Topic: the outline's ``category`` attribute, else the names of the folders around it, when
    they name one of our topics. Language: the ``language`` attribute when present (feeds in
    other languages are skipped), else Urdu when the title is in Arabic script.
    """
    try:
        root = DefusedET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise errors.InvalidOPML(f"opml: not a usable XML document: {exc!r}") from exc
    body = root.find("body") if root.tag == "opml" else None
    if body is None:
        raise errors.InvalidOPML(f"opml: root element is <{root.tag}>, not <opml> with a <body>")
    sources: list[FeedSource] = []
    seen: set[str] = set()
    for outline, folders in _walk(body, ()):
        source = _source(outline, folders, default_topic=default_topic, fetch_pages=fetch_pages)
        if source is not None and url_key(source.url) not in seen:
            seen.add(url_key(source.url))
            sources.append(source)
    if not sources:
        raise errors.InvalidOPML("opml: no outlines with a usable xmlUrl")
    return sources


def render_opml(sources: Iterable[FeedSource], *, title: str = "Khabar feeds") -> str:
    """Write sources as an OPML 2.0 document that parse_opml reads back unchanged."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    for source in sources:
        ET.SubElement(
            body,
            "outline",
            type="rss",
            text=source.title,
            title=source.title,
            xmlUrl=source.url,
            language=source.language,
            category=f"/{source.topic}",
            fetchPages="true" if source.fetch_pages else "false",
        )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _walk(
    parent: ET.Element, folders: tuple[str, ...]
) -> Iterator[tuple[ET.Element, tuple[str, ...]]]:
    """Yield (outline, enclosing folder names, innermost last) for every outline with a URL."""
    for outline in parent.findall("outline"):
        if _attribute(outline, "xmlUrl"):
            yield outline, folders
        name = _attribute(outline, "title") or _attribute(outline, "text")
        yield from _walk(outline, (*folders, name) if name else folders)


def _source(
    outline: ET.Element, folders: tuple[str, ...], *, default_topic: Topic, fetch_pages: bool
) -> FeedSource | None:
    """One outline as a FeedSource, or None (logged) when it cannot be used."""
    url = _attribute(outline, "xmlUrl")
    try:
        check_url(url)
    except errors.InvalidURL as exc:
        log.warning("opml: skipping %r: %s", url, exc)
        return None
    title = _attribute(outline, "title") or _attribute(outline, "text") or url
    language = _language(_attribute(outline, "language"), title)
    if language is None:
        log.warning("opml: skipping %s: language %r", url, _attribute(outline, "language"))
        return None
    pages = _attribute(outline, "fetchPages")
    return FeedSource(
        url=url,
        title=title,
        language=language,
        topic=_topic(_attribute(outline, "category"), folders) or default_topic,
        fetch_pages=pages.lower() not in _FALSE if pages else fetch_pages,
    )


def _attribute(outline: ET.Element, name: str) -> str:
    """An attribute, matched case-insensitively (xmlurl and xmlUrl both occur), stripped."""
    for key, value in outline.attrib.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def _language(value: str, title: str) -> Language | None:
    """en/ur from a language tag; from the title's script when there is no tag."""
    if value:
        primary = value.lower().replace("_", "-").split("-")[0]
        return primary if primary in LANGUAGES else None
    arabic_script = any("\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff" for c in title)
    return "ur" if arabic_script else "en"


def _topic(category: str, folders: tuple[str, ...]) -> Topic | None:
    """First category path part, or innermost folder name, that names a topic."""
    parts = [p for c in category.split(",") for p in c.strip().split("/") if p.strip()]
    for name in (*parts, *reversed(folders)):
        topic = _TOPIC_NAMES.get(name.strip().lower())
        if topic is not None:
            return topic
    return None
