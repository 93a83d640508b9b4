"""Tests for news.ingest.sources (feeds.toml) and news.ingest.opml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from news import errors
from news.extract.canonical import url_key
from news.ingest.opml import parse_opml, render_opml
from news.ingest.sources import (
    LANGUAGES,
    TOPICS,
    FeedSource,
    default_sources_path,
    load_sources,
    parse_sources,
)

FEEDS = Path(__file__).parent / "data" / "feeds"
GOOD = """
[[feed]]
url = "https://feeds.bbci.co.uk/urdu/rss.xml"
title = "BBC Urdu"
language = "ur"
topic = "pakistan"
"""


def test_shipped_feed_list_is_valid() -> None:
    sources = load_sources(default_sources_path())

    assert {s.language for s in sources} == set(LANGUAGES)
    assert {s.topic for s in sources} <= set(TOPICS)
    assert len({url_key(s.url) for s in sources}) == len(sources)
    hosts = " ".join(s.url for s in sources)
    for outlet in ("bbci.co.uk/news/world", "aljazeera", "dawn.com", "tribune.com.pk"):
        assert outlet in hosts
    for outlet in ("bbci.co.uk/urdu", "urduvoa", "independenturdu", "express.pk"):
        assert outlet in hosts


def test_fetch_pages_defaults_to_true() -> None:
    assert parse_sources(GOOD) == [
        FeedSource(
            url="https://feeds.bbci.co.uk/urdu/rss.xml",
            title="BBC Urdu",
            language="ur",
            topic="pakistan",
            fetch_pages=True,
        )
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[[feed]\n", "invalid TOML", id="syntax"),
        pytest.param(
            "feed = 'x'\n", "feed must be a list of \\[\\[feed\\]\\] tables", id="not-list"
        ),
        pytest.param("[[feeds]]\nurl = 'x'\n", "unknown top-level keys \\['feeds'\\]", id="typo"),
        pytest.param(
            GOOD + "[[feed]]\ntitle = 'x'\n", r"feeds\.toml: feed #2: missing url", id="no-url"
        ),
        pytest.param(
            GOOD.replace('"pakistan"', '"sport"'),
            r"feed #1 \(https://feeds\.bbci\.co\.uk/urdu/rss\.xml\): topic 'sport' is not one of",
            id="topic",
        ),
        pytest.param(
            GOOD.replace('"ur"', '"urdu"'), "language 'urdu' is not one of en, ur", id="language"
        ),
        pytest.param(GOOD.replace('"BBC Urdu"', '" "'), "missing title", id="blank-title"),
        pytest.param(
            GOOD.replace("https://", "ftp://"), r"\(ftp://.*\): scheme 'ftp'", id="scheme"
        ),
        pytest.param(
            GOOD + "fetch_pages = 'yes'\n", "fetch_pages must be true or false", id="bool"
        ),
        pytest.param(GOOD + "lang = 'ur'\n", r"unknown keys \['lang'\]", id="unknown-key"),
        pytest.param(
            GOOD + GOOD.replace("https://", "http://"), "feed #2 .* repeats feed #1", id="repeat"
        ),
    ],
)
def test_bad_feed_list_names_the_entry(text: str, message: str) -> None:
    with pytest.raises(errors.SourcesError, match=message):
        parse_sources(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("# feeds are added with /addfeed\n", id="comment"),
        pytest.param("feed = []\n", id="empty-array"),
    ],
)
def test_feed_list_without_feeds_is_valid(text: str) -> None:
    assert parse_sources(text) == []


def test_load_sources_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(GOOD.replace('"ur"', '"fr"'), encoding="utf-8")

    with pytest.raises(errors.SourcesError, match="^" + re.escape(f"{path}: feed #1")):
        load_sources(path)
    with pytest.raises(errors.SourcesError, match="cannot read"):
        load_sources(tmp_path / "missing.toml")


def test_parse_opml() -> None:
    sources = parse_opml((FEEDS / "subscriptions.opml").read_bytes())

    assert sources == [
        FeedSource("https://world.example.org/rss", "World news", "en", "world", True),
        FeedSource("https://cricket.example.org/feed", "Cricket Daily", "en", "sports", True),
        FeedSource("https://markets.example.org/feed", "Markets Weekly", "en", "business", True),
        FeedSource("https://urdu.example.org/rss.xml", "اردو خبریں", "ur", "world", True),
        FeedSource("https://tech.example.org/feed", "Tech in English", "en", "technology", False),
    ]


def test_opml_round_trip() -> None:
    sources = load_sources(default_sources_path())

    assert parse_opml(render_opml(sources).encode("utf-8")) == sources


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"not xml", "not a usable XML document", id="not-xml"),
        pytest.param((FEEDS / "bomb.xml").read_bytes(), "not a usable XML", id="entities"),
        pytest.param(b"<rss/>", "root element is <rss>", id="not-opml"),
        pytest.param(b"<opml><body><outline text='x'/></body></opml>", "no outlines", id="empty"),
    ],
)
def test_invalid_opml(data: bytes, message: str) -> None:
    with pytest.raises(errors.InvalidOPML, match=message):
        parse_opml(data)
