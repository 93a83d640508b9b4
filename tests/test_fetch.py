"""Tests for news.ingest.fetch against a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from aiohttp import web

from news import errors
from news.ingest.fetch import (
    USER_AGENT,
    Fetcher,
    next_check_delay,
    parse_max_age,
    parse_retry_after,
)
from tests.httpserver import LocalServer, gzip_bytes

MiB = 1024 * 1024
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher allowed to reach loopback, with timeouts a slow machine stays well inside."""
    async with Fetcher(allow_private=True, timeout=httpx.Timeout(10.0), total_timeout=30.0) as f:
        yield f


async def test_fetch_returns_body_and_headers(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_bytes(
        "/feed.xml",
        FEED,
        content_type="application/rss+xml; charset=utf-8",
        headers={"ETag": '"v1"', "Cache-Control": "public, max-age=300"},
    )

    result = await fetcher.fetch(server.url("/feed.xml"))

    assert (result.status, result.body, result.not_modified) == (200, FEED, False)
    assert result.final_url == server.url("/feed.xml")
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert (result.etag, result.max_age) == ('"v1"', 300.0)
    [request] = server.requests_to("/feed.xml")
    assert request.headers["user-agent"] == USER_AGENT
    assert "if-none-match" not in request.headers
    assert "if-modified-since" not in request.headers


async def test_conditional_get_gets_304(server: LocalServer, fetcher: Fetcher) -> None:
    stamp = "Mon, 05 Feb 2024 10:00:00 GMT"
    server.add_conditional("/feed.xml", FEED, etag='"abc"', last_modified=stamp)
    first = await fetcher.fetch(server.url("/feed.xml"))

    second = await fetcher.fetch(
        server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
    )

    assert (first.etag, first.last_modified) == ('"abc"', stamp)
    assert (second.status, second.not_modified, second.body) == (304, True, b"")
    assert (second.etag, second.last_modified) == ('"abc"', stamp)
    sent = server.requests_to("/feed.xml")[1].headers
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"abc"', stamp)


async def test_304_keeps_stored_validators_when_none_sent(
    server: LocalServer, fetcher: Fetcher
) -> None:
    server.add_status("/feed.xml", 304)

    result = await fetcher.fetch(server.url("/feed.xml"), etag='"old"')

    assert (result.not_modified, result.etag) == (True, '"old"')


async def test_304_without_validators_is_an_error(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_status("/feed.xml", 304)

    with pytest.raises(errors.HTTPStatusError):
        await fetcher.fetch(server.url("/feed.xml"))


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [
        pytest.param(404, {}, None, id="not-found"),
        pytest.param(429, {"Retry-After": "120"}, 120.0, id="429-seconds"),
        pytest.param(
            503, {"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"}, "future", id="503-date"
        ),
        pytest.param(500, {}, None, id="server-error"),
    ],
)
async def test_error_status_raises(
    server: LocalServer,
    fetcher: Fetcher,
    status: int,
    headers: dict[str, str],
    retry_after: float | str | None,
) -> None:
    server.add_status("/feed.xml", status, headers=headers)

    with pytest.raises(errors.HTTPStatusError) as caught:
        await fetcher.fetch(server.url("/feed.xml"))

    assert caught.value.status == status
    assert str(caught.value) == f"fetch: HTTP {status}"
    if retry_after == "future":
        assert caught.value.retry_after is not None and caught.value.retry_after > 86400
    else:
        assert caught.value.retry_after == retry_after


async def test_redirects_are_followed(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_bytes("/new/feed.xml", FEED)
    server.add_redirect("/old", "/moved", status=301)
    server.add_redirect("/moved", "new/feed.xml", status=308)

    result = await fetcher.fetch(server.url("/old"))

    assert (result.body, result.url) == (FEED, server.url("/old"))
    assert result.final_url == server.url("/new/feed.xml")


async def test_redirect_by_host_name(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_bytes("/feed.xml", FEED)
    server.add_redirect("/go", f"http://localhost:{server.port}/feed.xml")

    result = await fetcher.fetch(server.url("/go"))

    assert result.final_url == f"http://localhost:{server.port}/feed.xml"


async def test_redirect_loop_is_detected(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_redirect("/a", "/b")
    server.add_redirect("/b", "/a")

    with pytest.raises(errors.RedirectLoop, match="redirect loop"):
        await fetcher.fetch(server.url("/a"))


async def test_too_many_redirects(server: LocalServer) -> None:
    for hop in range(4):
        server.add_redirect(f"/{hop}", f"/{hop + 1}")
    server.add_bytes("/4", FEED)

    async with Fetcher(allow_private=True, max_redirects=3) as fetcher:
        with pytest.raises(errors.TooManyRedirects, match="more than 3 redirects"):
            await fetcher.fetch(server.url("/0"))
    assert len(server.requests) == 4


async def test_redirect_without_location(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_status("/a", 302)

    with pytest.raises(errors.HTTPStatusError, match="without Location"):
        await fetcher.fetch(server.url("/a"))


async def test_hanging_server_times_out(server: LocalServer) -> None:
    server.add_hang("/feed.xml")
    started = time.monotonic()

    async with Fetcher(
        allow_private=True, timeout=httpx.Timeout(0.3), total_timeout=30.0
    ) as fetcher:
        with pytest.raises(errors.Timeout, match="timed out"):
            await fetcher.fetch(server.url("/feed.xml"))

    assert time.monotonic() - started < 15  # the 0.3 s read timeout, not the 30 s deadline


async def test_slow_drip_hits_the_overall_deadline(server: LocalServer) -> None:
    server.add_drip("/feed.xml", interval=0.05)
    started = time.monotonic()

    async with Fetcher(allow_private=True, total_timeout=0.5) as fetcher:
        with pytest.raises(errors.Timeout, match=r"within 0\.5 s"):
            await fetcher.fetch(server.url("/feed.xml"))

    assert time.monotonic() - started < 15  # cut at the 0.5 s deadline: the drip never ends


async def test_huge_streamed_body_is_aborted(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_stream("/huge.xml", 50 * MiB)
    tracemalloc.start()
    try:
        with pytest.raises(errors.TooLarge, match="over the 5242880 byte cap"):
            await fetcher.fetch(server.url("/huge.xml"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 16 * MiB
    await asyncio.sleep(0.05)
    assert server.bytes_sent["/huge.xml"] < 20 * MiB


async def test_declared_length_over_cap_is_refused_before_reading(
    server: LocalServer, fetcher: Fetcher
) -> None:
    server.add_stream("/huge.xml", 50 * MiB, declare_length=True)

    with pytest.raises(errors.TooLarge, match="Content-Length 52428800"):
        await fetcher.fetch(server.url("/huge.xml"))


async def test_gzip_bomb_is_aborted_with_little_memory(
    server: LocalServer, fetcher: Fetcher
) -> None:
    bomb = gzip_bytes(b"\0" * (40 * MiB))
    server.add_bytes("/bomb.xml", bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(errors.TooLarge):
            await fetcher.fetch(server.url("/bomb.xml"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert len(bomb) < MiB
    assert peak < 16 * MiB


async def test_gzip_body_is_decoded(server: LocalServer, fetcher: Fetcher) -> None:
    server.add_bytes("/feed.xml", gzip_bytes(FEED), headers={"Content-Encoding": "gzip"})

    result = await fetcher.fetch(server.url("/feed.xml"))

    assert result.body == FEED


async def test_per_host_limit(server: LocalServer) -> None:
    active = 0
    peak = 0

    async def slow(request: web.Request) -> web.StreamResponse:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.1)
        active -= 1
        return web.Response(body=FEED)

    server.add_handler("/feed.xml", slow)
    async with Fetcher(allow_private=True, per_host_limit=2) as fetcher:
        await asyncio.gather(*(fetcher.fetch(server.url("/feed.xml")) for _ in range(5)))

    assert peak == 2


async def test_queueing_for_a_host_does_not_count_against_the_deadline(
    server: LocalServer,
) -> None:
    # 20 fetches of 0.1 s, one at a time, take 2 s in all: more than the 1.5 s deadline of each,
    # which a single fetch stays far inside even on a slow machine.
    server.add_delay("/feed.xml", 0.1, FEED)

    async with Fetcher(allow_private=True, per_host_limit=1, total_timeout=1.5) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(server.url("/feed.xml")) for _ in range(20)))

    assert [r.body for r in results] == [FEED] * 20


@pytest.mark.parametrize(
    ("errors_seen", "retry_after", "max_age", "ttl", "expected"),
    [
        pytest.param(0, None, None, None, 900.0, id="healthy"),
        pytest.param(1, None, None, None, 1800.0, id="one-error"),
        pytest.param(3, None, None, None, 7200.0, id="three-errors"),
        pytest.param(50, None, None, None, 21600.0, id="backoff-capped"),
        pytest.param(0, 3600.0, None, None, 3600.0, id="retry-after"),
        pytest.param(0, 86400.0, None, None, 21600.0, id="retry-after-capped"),
        pytest.param(0, None, 60.0, None, 900.0, id="short-max-age"),
        pytest.param(0, None, 1800.0, None, 1800.0, id="long-max-age"),
        pytest.param(0, None, None, 60, 3600.0, id="rss-ttl"),
        pytest.param(0, None, None, 10080, 21600.0, id="rss-ttl-capped"),
    ],
)
def test_next_check_delay(
    errors_seen: int,
    retry_after: float | None,
    max_age: float | None,
    ttl: int | None,
    expected: float,
) -> None:
    delay = next_check_delay(
        base_interval=900.0,
        error_count=errors_seen,
        retry_after=retry_after,
        max_age=max_age,
        ttl_minutes=ttl,
    )
    assert delay == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("120", 120.0, id="seconds"),
        pytest.param("Mon, 05 Feb 2024 10:01:00 GMT", 60.0, id="http-date"),
        pytest.param("Mon, 05 Feb 2024 09:00:00 GMT", 0.0, id="past-date"),
        pytest.param("soon", None, id="garbage"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2024, 2, 5, 10, 0, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("public, max-age=600", 600.0, id="max-age"),
        pytest.param('max-age="30", must-revalidate', 30.0, id="quoted"),
        pytest.param("no-cache", None, id="none"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_parse_max_age(value: str | None, expected: float | None) -> None:
    assert parse_max_age(value) == expected
