"""Bad input end to end: feedparser's ill-formed and encoding suites, and hostile servers."""

from __future__ import annotations

import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from news import errors
from news.ingest.feedparse import ParsedFeed, parse_feed, parse_feed_sync
from news.ingest.fetch import Fetcher
from tests.httpserver import LocalServer
from tests.test_feedparse import big_feed

FEEDS = Path(__file__).parent / "data" / "feeds"
DATA_DIR = Path(
    os.environ.get("KHABAR_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
SUITE = DATA_DIR / "feeds" / "feedparser"
MiB = 1024 * 1024
# The suite's files carry the HTTP header they are meant to be served with in a comment.
HEADER = re.compile(rb"Header:\s*Content-type:\s*(.+)", re.IGNORECASE)


def suite_files() -> list[Any]:
    """The ill-formed and encoding suite files as pytest params, or one skip when absent."""
    files = sorted((SUITE / "illformed").rglob("*.xml")) + sorted((SUITE / "encoding").glob("*"))
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{SUITE} is absent"))]
    return [pytest.param(f, id=str(f.relative_to(SUITE))) for f in files if f.is_file()]


@pytest.mark.shared
@pytest.mark.timeout(60)  # a hang, not a slow machine: the CPU-time check is the measure
@pytest.mark.parametrize("path", suite_files())
def test_suite_file_parses_or_says_why(path: Path) -> None:
    body = path.read_bytes()
    header = HEADER.search(body)
    content_type = header.group(1).strip().decode("latin-1") if header else None
    started = time.thread_time()  # CPU time: the parse's cost, not the machine's load

    try:
        feed = parse_feed_sync(body, base_url="http://example.com/feed", content_type=content_type)
    except errors.ParseError as exc:
        assert re.match(r"feedparse: \S.{8,}", str(exc)), str(exc)
    else:
        assert isinstance(feed, ParsedFeed)
        for entry in feed.entries:
            assert entry.link is None or entry.link.startswith(("http://", "https://"))
    assert time.thread_time() - started < 5


# Timeouts far above what any answer takes on a loaded machine: a test that expects a refusal
# must never see a timeout instead, and one that finishes well inside them was not timed out.
PATIENT = 10.0
DEADLINE = 30.0


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher allowed to reach loopback, with timeouts a slow machine stays well inside."""
    async with Fetcher(
        allow_private=True, timeout=httpx.Timeout(PATIENT), total_timeout=DEADLINE
    ) as f:
        yield f


async def fetch_and_parse(fetcher: Fetcher, url: str, **kwargs: Any) -> ParsedFeed:
    """What the pipeline does with a feed URL."""
    result = await fetcher.fetch(url)
    return await parse_feed(
        result.body, base_url=result.final_url, content_type=result.content_type, **kwargs
    )


async def test_good_feed_end_to_end(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_directory("/feeds", FEEDS)

    feed = await fetch_and_parse(fetcher, server.url("/feeds/rss_news.xml"))

    # Relative links resolve against the URL the feed was fetched from.
    assert feed.entries[1].link == server.url("/business/markets-456")
    assert feed.entries[2].image_url == server.url("/images/cricket.jpg")


async def test_relative_links_resolve_against_the_final_url(
    server: LocalServer, fetcher: Fetcher
) -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>story/1</link></item></channel></rss>"
    )
    server.add_bytes("/new/feed.xml", body)
    server.add_redirect("/feed", "/new/feed.xml", status=301)

    feed = await fetch_and_parse(fetcher, server.url("/feed"))

    assert feed.entries[0].link == server.url("/new/story/1")


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        pytest.param(lambda s: s.add_stream("/feed", 50 * MiB), errors.TooLarge, "cap", id="50-mb"),
        pytest.param(
            lambda s: s.add_file("/feed", FEEDS / "page.html"),
            errors.NotAFeed,
            "HTML page",
            id="html-page",
        ),
        pytest.param(lambda s: s.add_status("/feed", 404), errors.HTTPStatusError, "404", id="404"),
        pytest.param(
            lambda s: (s.add_redirect("/feed", "/feed2"), s.add_redirect("/feed2", "/feed")),
            errors.RedirectLoop,
            "redirect loop",
            id="redirect-loop",
        ),
        pytest.param(
            lambda s: s.add_file("/feed", FEEDS / "bomb.xml"), errors.XMLBomb, "entities", id="bomb"
        ),
    ],
)
async def test_hostile_server(
    server: LocalServer,
    fetcher: Fetcher,
    setup: Any,
    error: type[errors.NewsError],
    message: str,
) -> None:
    setup(server)
    started = time.monotonic()

    with pytest.raises(error, match=message):
        await fetch_and_parse(fetcher, server.url("/feed"))

    assert time.monotonic() - started < PATIENT  # refused, not timed out
    assert server.bytes_sent.get("/feed", 0) < 20 * MiB


async def test_hanging_server(server: LocalServer) -> None:
    server.add_hang("/feed")
    started = time.monotonic()

    async with Fetcher(allow_private=True, timeout=httpx.Timeout(0.5), total_timeout=DEADLINE) as f:
        with pytest.raises(errors.Timeout, match="timed out"):
            await fetch_and_parse(f, server.url("/feed"))

    assert time.monotonic() - started < DEADLINE / 2  # the read timeout, not the deadline


async def test_ten_thousand_items_are_cut_to_max_items(
    server: LocalServer, fetcher: Fetcher
) -> None:
    server.add_bytes("/feed", big_feed(10_000))

    feed = await fetch_and_parse(fetcher, server.url("/feed"), max_items=500)

    assert len(feed.entries) == 500
    assert feed.entries[0].title == "Item 9500"
    assert feed.entries[-1].title == "Item 9999"
