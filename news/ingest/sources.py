"""The feed list: load and validate feeds.toml into FeedSource records."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast, get_args

from news import errors
from news.extract.canonical import url_key
from news.ingest.ssrf import check_url

__all__ = [
    "LANGUAGES",
    "TOPICS",
    "FeedSource",
    "Language",
    "Topic",
    "default_sources_path",
    "load_sources",
    "parse_sources",
]

Language = Literal["en", "ur"]
Topic = Literal[
    "world", "pakistan", "business", "sports", "technology", "science", "health", "entertainment"
]
LANGUAGES: tuple[Language, ...] = get_args(Language)
TOPICS: tuple[Topic, ...] = get_args(Topic)
_KEYS = frozenset({"url", "title", "language", "topic", "fetch_pages"})


@dataclass(frozen=True, slots=True)
class FeedSource:
    """One feed the bot reads."""

    url: str
    title: str
    language: Language
    topic: Topic
    fetch_pages: bool = True


def default_sources_path() -> Path:
    """The feeds.toml shipped inside the news package."""
    return Path(str(resources.files("news.ingest").joinpath("feeds.toml")))


def load_sources(path: Path | str) -> list[FeedSource]:
    """Read and validate a feeds.toml file; raise SourcesError naming the bad entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.SourcesError(f"{path}: cannot read the feed list: {exc}") from exc
    return parse_sources(text, origin=str(path))


def parse_sources(text: str, *, origin: str = "feeds.toml") -> list[FeedSource]:
    """Validate the text of a feeds.toml (empty is valid); ``origin`` names it in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise errors.SourcesError(f"{origin}: invalid TOML: {exc}") from exc
    unknown = sorted(set(document) - {"feed"})
    if unknown:
        raise errors.SourcesError(f"{origin}: unknown top-level keys {unknown}; expected [[feed]]")
    # No [[feed]] at all is a valid, empty list: admins add feeds later (/addfeed).
    entries = document.get("feed", [])
    if not isinstance(entries, list):
        raise errors.SourcesError(f"{origin}: feed must be a list of [[feed]] tables")
    sources: list[FeedSource] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        source = _validate(entry, f"{origin}: feed #{number}")
        key = url_key(source.url)
        if key in seen:
            raise errors.SourcesError(
                f"{origin}: feed #{number} ({source.url}) repeats feed #{seen[key]}"
            )
        seen[key] = number
        sources.append(source)
    return sources


def _validate(entry: Any, where: str) -> FeedSource:
    """Check one [[feed]] table; every message starts with where."""
    if not isinstance(entry, dict):
        raise errors.SourcesError(f"{where}: must be a table")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise errors.SourcesError(f"{where}: missing url")
    where = f"{where} ({url})"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise errors.SourcesError(f"{where}: unknown keys {unknown}")
    try:
        check_url(url.strip())
    except errors.InvalidURL as exc:
        raise errors.SourcesError(f"{where}: {str(exc).removeprefix('fetch: ')}") from exc
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        raise errors.SourcesError(f"{where}: missing title")
    language = entry.get("language")
    if language not in LANGUAGES:
        raise errors.SourcesError(
            f"{where}: language {language!r} is not one of {', '.join(LANGUAGES)}"
        )
    topic = entry.get("topic")
    if topic not in TOPICS:
        raise errors.SourcesError(f"{where}: topic {topic!r} is not one of {', '.join(TOPICS)}")
    fetch_pages = entry.get("fetch_pages", True)
    if not isinstance(fetch_pages, bool):
        raise errors.SourcesError(f"{where}: fetch_pages must be true or false")
    return FeedSource(
        url=url.strip(),
        title=title.strip(),
        language=cast(Language, language),
        topic=cast(Topic, topic),
        fetch_pages=fetch_pages,
    )
