"""The look at feed bytes before parsing: GUIDs of known documents, and huge feeds cut short."""

from __future__ import annotations

import tracemalloc

import pytest

from news.ingest.feedparse import parse_feed_sync
from news.ingest.feedscan import cap_items, scan_guids
from tests.factories import add_feed
from tests.pipeline_helpers import Harness, rss, unique_text

BASE = "https://scan.example.org/feed"
ATOM = (
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<id>urn:feed</id><title>A</title>"
    b"<entry><title>One</title><id> urn:one </id></entry>"
    b"<entry><title>Two</title><id>urn:two&amp;more</id></entry></feed>"
)


@pytest.mark.parametrize(
    ("body", "guids"),
    [
        pytest.param(
            rss("Desk", [{"title": "A", "link": "https://x.org/a", "guid": "g-1"}]),
            ["g-1"],
            id="rss",
        ),
        pytest.param(ATOM, ["urn:one", "urn:two&more"], id="atom-feed-id-left-out"),
        pytest.param(
            b"<rss><channel><item><guid><![CDATA[ cdata-1 ]]></guid></item></channel></rss>",
            ["cdata-1"],
            id="cdata",
        ),
        pytest.param(
            b"<rss><channel><item><guid>a</guid></item><item><title>no guid</title></item>"
            b"</channel></rss>",
            None,
            id="an-item-without-guid",
        ),
        pytest.param(b'<?xml version="1.0" encoding="windows-1256"?><rss/>', None, id="encoding"),
        pytest.param(b"<rss><channel></channel></rss>", None, id="no-items"),
        pytest.param("<rss>x</rss>".encode("utf-16"), None, id="utf-16"),
    ],
)
def test_scan_guids(body: bytes, guids: list[str] | None) -> None:
    assert scan_guids(body) == guids


def test_scan_guids_reads_what_feedparser_reads() -> None:
    parsed = parse_feed_sync(ATOM, base_url=BASE)
    assert scan_guids(ATOM) == [entry.guid for entry in parsed.entries]


def huge_feed(count: int) -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>https://big.example.org/{i}</link>"
        f"<guid>big-{i}</guid><description>Story number {i} of the dump.</description></item>"
        for i in range(count)
    )
    return f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()


def test_cap_items_keeps_the_first_items_and_the_closing_tags() -> None:
    capped = cap_items(huge_feed(10), 3)
    assert scan_guids(capped) == ["big-0", "big-1", "big-2"]
    assert capped.endswith(b"</channel></rss>")
    assert cap_items(huge_feed(3), 3) == huge_feed(3)


def test_a_huge_feed_is_parsed_without_building_every_item() -> None:
    body = huge_feed(20_000)  # 2 MB
    tracemalloc.start()
    try:
        parsed = parse_feed_sync(body, base_url=BASE, max_items=50)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(parsed.entries) == 50
    # feedparser holds ~10 kB per item it builds: 20,000 would be ~200 MB.
    assert peak < 40 * 2**20


async def test_a_document_of_known_entries_is_known_without_parsing(harness: Harness) -> None:
    server = harness.server
    items = [
        {
            "title": f"Story {n} about the river bridge",
            "link": server.url(f"/s{n}"),
            "guid": f"https://desk.example.org/story/{n}",
            "body": unique_text("scan", n),
        }
        for n in range(3)
    ]
    server.add_bytes("/feed.xml", rss("Desk", items))
    feed_id = await add_feed(harness.store, server.url("/feed.xml"))
    first = await harness.pipeline.run_pass()
    assert first.new_articles == 3
    feed = await harness.feed(feed_id)
    known = harness.pipeline.known

    # Other bytes (the channel's title changed), the same GUIDs: known, by one query.
    assert await known.document(feed, rss("Desk, updated", items)) == 3
    newer = [*items, {"title": "A new story", "link": server.url("/s9"), "guid": "urn:9"}]
    assert await known.document(feed, rss("Desk", newer)) is None

    harness.later(1)
    second = await harness.pipeline.run_pass()
    assert (second.new_articles, second.duplicates, second.feeds_failed) == (0, 3, 0)
