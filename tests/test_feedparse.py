"""Tests for news.ingest.feedparse and news.ingest.dates on feeds written for these tests (tests/data/feeds)."""

from __future__ import annotations

import json
import logging
import os
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from news import errors
from news.ingest.dates import parse_date
from news.ingest.feedhtml import html_to_text
from news.ingest.feedparse import FeedEntry, ParsedFeed, parse_feed

FEEDS = Path(__file__).parent / "data" / "feeds"
DATA_DIR = Path(
    os.environ.get("KHABAR_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
DATE_CASES = DATA_DIR / "feeds" / "feedparser" / "date_cases.json"
BASE = "https://news.example.org/feeds/main.xml"
NOW = datetime(2026, 11, 28, tzinfo=UTC)


async def parse_file(name: str, **kwargs: Any) -> ParsedFeed:
    """Parse one of the feeds in tests/data/feeds."""
    return await parse_feed((FEEDS / name).read_bytes(), base_url=BASE, **kwargs)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


async def test_rss_news_feed() -> None:
    feed = await parse_file("rss_news.xml")

    assert (feed.title, feed.link) == ("Khabar Test News & Views", "https://news.example.org/")
    assert (feed.language, feed.ttl_minutes) == ("en-gb", 30)
    assert feed.entries[0] == FeedEntry(
        guid="floods-123",
        link="https://news.example.org/world/floods-123?at_medium=RSS&at_campaign=rss",
        title="Floods hit Sindh & Punjab",
        summary_text="Heavy rain fell overnight.\nRescue teams were sent.",
        content_html=(
            '<p>Heavy rain fell overnight across <a href="https://news.example.org/tags/sindh">'
            "Sindh</a>.</p>"
        ),
        published=utc(2024, 2, 5, 10, 30),
        author="Amina Khan",
        categories=("Pakistan", "Weather"),
        image_url="https://img.example.org/floods-1280.jpg",
    )


@pytest.mark.parametrize(
    ("index", "link", "published", "image_url"),
    [
        pytest.param(
            1,
            "https://news.example.org/business/markets-456",
            utc(2023, 12, 16, 14, 2, 33),
            "https://img.example.org/markets.jpg",
            id="relative-link-us-date-enclosure",
        ),
        pytest.param(
            2,
            "https://news.example.org/sport/cricket-789",
            utc(2024, 2, 6, 1, 30),
            "https://news.example.org/images/cricket.jpg",
            id="pkt-zone-first-img-not-pixel",
        ),
        pytest.param(3, None, None, None, id="javascript-link-dropped"),
    ],
)
async def test_rss_news_entries(
    index: int, link: str | None, published: datetime | None, image_url: str | None
) -> None:
    entry = (await parse_file("rss_news.xml")).entries[index]

    assert (entry.link, entry.published, entry.image_url) == (link, published, image_url)


async def test_double_escaped_description_is_decoded() -> None:
    entry = (await parse_file("rss_news.xml")).entries[1]

    assert entry.summary_text == "Stocks rose & bonds fell."


async def test_atom_feed_with_xml_base() -> None:
    feed = await parse_file("atom_news.xml")

    assert feed.title == "Atom <Test> Feed"
    first, second = feed.entries
    assert first.link == "https://atom.example.org/blog/posts/budget-2024"
    assert first.title == "Budget 2024 & taxes"
    assert first.summary_text == "The budget was announced."
    assert first.content_html == "<p>Full text of the budget story.</p>"
    assert first.published == utc(2024, 2, 5, 4, 15)
    assert (first.author, first.categories) == ("Bilal Ahmed", ("business",))
    assert second.title == "Why x <b> y matters"
    assert second.summary_text == "Plain text summary with 3 < 4."
    assert second.published == utc(2024, 2, 4, 8)


async def test_rdf_feed() -> None:
    [entry] = (await parse_file("rdf_news.rdf")).entries

    assert (entry.title, entry.author) == ("Comet seen over Gilgit", "Sara Ali")
    assert entry.published == utc(2024, 2, 5, 5)


async def test_urdu_feed_is_nfc_and_dates_parse() -> None:
    feed = await parse_file("rss_urdu.xml")

    first, second = feed.entries
    assert first.title == "آج کراچی میں بارش"
    assert unicodedata.is_normalized("NFC", first.title)
    assert first.published == utc(2024, 2, 5, 5, 15)
    assert second.published == utc(2024, 1, 10, 10, 30)
    assert feed.language == "ur"


async def test_utf16_feed() -> None:
    body = (FEEDS / "rss_urdu.xml").read_text(encoding="utf-8")
    body = body.replace('encoding="utf-8"', 'encoding="utf-16"')

    feed = await parse_feed(body.encode("utf-16"), base_url=BASE)

    assert feed.entries[1].title == "لاہور میں کرکٹ میچ"


async def test_empty_channel_is_a_feed_without_entries() -> None:
    feed = await parse_file("empty_channel.xml")

    assert (feed.title, feed.entries) == ("Quiet day", ())


async def test_broken_feed_with_entries_is_kept(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="news.ingest.feedparse"):
        feed = await parse_file("broken_with_entries.xml")

    assert [e.link for e in feed.entries] == [
        "https://broken.example.org/1?a=1&b=2",
        "https://broken.example.org/2",
    ]
    assert "is malformed, kept 2 entries" in caplog.text


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        pytest.param("bomb.xml", errors.XMLBomb, "declares XML entities", id="billion-laughs"),
        pytest.param("external_entity.xml", errors.XMLBomb, "declares XML entities", id="xxe"),
        pytest.param("broken_no_entries.xml", errors.MalformedFeed, "no entries", id="broken"),
        pytest.param("page.html", errors.NotAFeed, "got an HTML page", id="html"),
    ],
)
async def test_unusable_documents(name: str, error: type[errors.ParseError], message: str) -> None:
    with pytest.raises(error, match=message):
        await parse_file(name)


async def test_html_page_names_the_feeds_it_links_to() -> None:
    with pytest.raises(errors.NotAFeed) as caught:
        await parse_file("page.html")

    assert caught.value.feed_links == (
        "https://news.example.org/feeds/home.xml",
        "https://news.example.org/feeds/atom",
    )


async def test_bomb_in_utf16_is_refused() -> None:
    body = (
        (FEEDS / "bomb.xml").read_text(encoding="utf-8").replace("<?xml version", "<?xml  version")
    )

    with pytest.raises(errors.XMLBomb):
        await parse_feed(body.encode("utf-16-le"), base_url=BASE)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"", "empty document", id="empty"),
        pytest.param(b"  \n ", "empty document", id="whitespace"),
        pytest.param(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "no RSS, Atom or RDF", id="binary"),
        pytest.param(b'{"items": []}', "no RSS, Atom or RDF", id="json"),
        # feedparser.parse(bytes) would open this as a file name; we pass a stream.
        pytest.param(os.fsencode(__file__), "no RSS, Atom or RDF", id="local-path"),
    ],
)
async def test_not_a_feed(body: bytes, message: str) -> None:
    with pytest.raises(errors.NotAFeed, match=message):
        await parse_feed(body, base_url=BASE)


def big_feed(count: int, *, dated: bool = True) -> bytes:
    """An RSS feed of count items, oldest first, item i published i minutes after noon."""
    start = datetime(2024, 2, 5, 12, tzinfo=UTC)
    items = "".join(
        f"<item><title>Item {i}</title><link>https://big.example.org/{i}</link>"
        + (
            f"<pubDate>{(start + timedelta(minutes=i)).strftime('%a, %d %b %Y %H:%M:%S')} GMT"
            "</pubDate>"
            if dated
            else ""
        )
        + "</item>"
        for i in range(count)
    )
    return f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()


async def test_max_items_keeps_the_newest(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="news.ingest.feedparse"):
        feed = await parse_feed(big_feed(30), base_url=BASE, max_items=10)

    assert [e.title for e in feed.entries] == [f"Item {i}" for i in range(20, 30)]
    assert "has 30 entries, kept the newest 10" in caplog.text


async def test_max_items_without_dates_keeps_document_order() -> None:
    feed = await parse_feed(big_feed(30, dated=False), base_url=BASE, max_items=5)

    assert [e.title for e in feed.entries] == [f"Item {i}" for i in range(5)]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>One</p><p>Two&nbsp;&amp; three</p>", "One\nTwo & three", id="blocks"),
        pytest.param("a<br>b<br/>c", "a\nb\nc", id="br"),
        pytest.param("x<script>evil()</script><style>p{}</style>y", "xy", id="script"),
        pytest.param("  lots \t of\n\n  space ", "lots of\nspace", id="spaces"),
        pytest.param("&#x627;&#x653;", "آ", id="nfc"),
        pytest.param("bad \x00\x07 controls", "bad controls", id="controls"),
        pytest.param("<p>unclosed <b>tags", "unclosed tags", id="unclosed"),
        pytest.param(
            "<p>The army of\n  <a href='/t'>Pakistan</a>'s north\n  said</p>\n<p>Two</p>",
            "The army of Pakistan's north said\nTwo",
            id="source-newlines-inside-a-paragraph",
        ),
        pytest.param("<pre>a\n  b</pre>", "a\nb", id="pre-keeps-its-lines"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Sat, Dec 16 2023 02:02:33 PM", utc(2023, 12, 16, 14, 2, 33), id="us-pm"),
        pytest.param("Dec 16, 2023 2:02 PM EST", utc(2023, 12, 16, 19, 2), id="us-pm-est"),
        pytest.param("2020/1/10 14:33:00", utc(2020, 1, 10, 14, 33), id="slashed"),
        pytest.param("13/04/2024 10:00", utc(2024, 4, 13, 10), id="day-first"),
        pytest.param("03/04/2024", None, id="ambiguous-day-month"),
        pytest.param("Mon, 05 Feb 2024 10:15:00 PKT", utc(2024, 2, 5, 5, 15), id="pkt"),
        pytest.param("Mon, 05 Feb 2024 10:15:00 IST", utc(2024, 2, 5, 4, 45), id="ist"),
        pytest.param("Tue, 06 Feb 2024 06:30:00 GMT+5", utc(2024, 2, 6, 1, 30), id="gmt-plus"),
        pytest.param("2024-02-05 10:15:00 PKT", utc(2024, 2, 5, 5, 15), id="iso-pkt"),
        pytest.param("Fri,24 Nov 2023 18:28:36 -0000", utc(2023, 11, 24, 18, 28, 36), id="comma"),
        pytest.param("10 جنوری 2024", utc(2024, 1, 10), id="urdu-month"),
        pytest.param("۱۰ جنوری ۲۰۲۴ 10:30", utc(2024, 1, 10, 10, 30), id="urdu-digits"),
        pytest.param("Monday, 5 February 2024 - 10:15", utc(2024, 2, 5, 10, 15), id="long"),
        pytest.param("16 Dec 2099", None, id="far-future"),
        pytest.param("Sat, 28 Nov 2026 12:00:00 GMT", utc(2026, 11, 28, 12), id="later-today"),
        pytest.param("2013-xx-27", None, id="garbage-iso"),
        pytest.param("013", None, id="no-year"),
        pytest.param("yesterday", None, id="words"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_parse_date(text: str | None, expected: datetime | None) -> None:
    assert parse_date(text, now=NOW) == expected


# feedparser's ISO 8601 parser accepts two-digit years and ordinal days ("03335"); in the same
# shapes it also accepts garbage ("22013" as 13 January 2022), so these are refused on purpose.
TWO_DIGIT_YEAR_FORMS = {"-0312", "031231", "03-12-31", "-03-12", "03335"}


def date_cases() -> list[Any]:
    """feedparser's date cases as pytest params, or one skipped param when absent."""
    if not DATE_CASES.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{DATE_CASES} is absent"))]
    cases = json.loads(DATE_CASES.read_text(encoding="utf-8"))["cases"]
    return [pytest.param(c, id=f"{c['parser']}:{c['input']}") for c in cases]


@pytest.mark.shared
@pytest.mark.parametrize("case", date_cases())
def test_feedparser_date_cases(case: dict[str, Any]) -> None:
    expected_tuple = case["expected_utc_struct_time"]
    expected = utc(*expected_tuple[:6]) if expected_tuple else None  # year, month, ... second
    if case["input"] in TWO_DIGIT_YEAR_FORMS:
        expected = None

    assert parse_date(case["input"], now=NOW) == expected
