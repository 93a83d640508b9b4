"""Tests for news.ingest.fetch and news.ingest.ssrf against a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import ipaddress
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
from news.ingest.ssrf import check_address, check_url, is_allowed_address, resolve_host
from tests.httpserver import LocalServer, gzip_bytes

MiB = 1024 * 1024
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
async def server() -> AsyncIterator[LocalServer]:
    """A fresh local server."""
    async with LocalServer() as local:
        yield local


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


async def test_loopback_is_refused_without_allow_private(server: LocalServer) -> None:
    server.add_bytes("/feed.xml", FEED)

    async with Fetcher() as fetcher:
        for url in (server.url("/feed.xml"), f"http://localhost:{server.port}/feed.xml"):
            with pytest.raises(errors.BlockedAddress, match="not publicly routable") as caught:
                await fetcher.fetch(url)
            assert caught.value.url == url

    assert server.requests == []


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("http://169.254.169.254/latest/meta-data/", id="cloud-metadata"),
        pytest.param("http://10.0.0.1/feed", id="rfc1918"),
        pytest.param("http://[::ffff:10.0.0.1]/feed", id="ipv4-mapped"),
        pytest.param("http://0.0.0.0/feed", id="unspecified"),
        pytest.param("http://100.64.0.1/feed", id="cgnat"),
    ],
)
async def test_redirect_to_private_address_is_refused(
    server: LocalServer, fetcher: Fetcher, target: str
) -> None:
    # allow_private admits loopback only, so the first hop is served and the redirect into
    # private space is refused before any connection is made.
    server.add_redirect("/feed.xml", target)

    with pytest.raises(errors.BlockedAddress) as caught:
        await fetcher.fetch(server.url("/feed.xml"))

    assert caught.value.url == target
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("file:///etc/passwd", id="file-scheme"),
        pytest.param("ftp://example.com/feed", id="ftp"),
        pytest.param("http://2130706433/feed", id="decimal-ip"),
        pytest.param("http://0x7f.1/feed", id="hex-ip"),
        pytest.param("http://user:pw@example.com/feed", id="credentials"),
    ],
)
async def test_redirect_to_invalid_url_is_refused(
    server: LocalServer, fetcher: Fetcher, target: str
) -> None:
    server.add_redirect("/feed.xml", target)

    with pytest.raises(errors.InvalidURL):
        await fetcher.fetch(server.url("/feed.xml"))


@pytest.mark.parametrize(
    ("address", "allow_private", "allowed"),
    [
        pytest.param("10.0.0.1", False, False, id="rfc1918"),
        pytest.param("10.0.0.1", True, False, id="rfc1918-even-in-test-mode"),
        pytest.param("192.168.1.1", False, False, id="rfc1918-192"),
        pytest.param("169.254.169.254", True, False, id="metadata"),
        pytest.param("100.64.0.1", False, False, id="cgnat"),
        pytest.param("127.0.0.1", False, False, id="loopback"),
        pytest.param("127.0.0.1", True, True, id="loopback-allowed"),
        pytest.param("::1", False, False, id="ipv6-loopback"),
        pytest.param("::1", True, True, id="ipv6-loopback-allowed"),
        pytest.param("0.0.0.0", True, False, id="unspecified"),
        pytest.param("::", False, False, id="ipv6-unspecified"),
        pytest.param("fe80::1", False, False, id="link-local"),
        pytest.param("fc00::1", False, False, id="unique-local"),
        pytest.param("::ffff:127.0.0.1", False, False, id="mapped-loopback"),
        pytest.param("::ffff:169.254.169.254", True, False, id="mapped-metadata"),
        pytest.param("2002:a00:1::", False, False, id="6to4-rfc1918"),
        pytest.param("64:ff9b::a00:1", False, False, id="nat64-rfc1918"),
        pytest.param("224.0.0.1", False, False, id="multicast"),
        pytest.param("255.255.255.255", False, False, id="broadcast"),
        pytest.param("8.8.8.8", False, True, id="public-v4"),
        pytest.param("2606:4700::1111", False, True, id="public-v6"),
    ],
)
def test_is_allowed_address(address: str, allow_private: bool, allowed: bool) -> None:
    assert is_allowed_address(ipaddress.ip_address(address), allow_private=allow_private) is allowed


def test_check_address_raises_blocked() -> None:
    with pytest.raises(errors.BlockedAddress, match=r"169\.254\.169\.254 is not publicly routable"):
        check_address("169.254.169.254")
    assert check_address("8.8.8.8") == ipaddress.ip_address("8.8.8.8")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("gopher://example.com/", "scheme 'gopher'", id="scheme"),
        pytest.param("http://a:b@example.com/", "credentials", id="credentials"),
        pytest.param("http://2130706433/", "unusual IP literal", id="decimal"),
        pytest.param("http://017700000001/", "unusual IP literal", id="octal"),
        pytest.param("http://127.1/", "unusual IP literal", id="short-form"),
        pytest.param("http://[fe80::1%25eth0]/", "zone", id="zone-id"),
    ],
)
def test_check_url_refuses(url: str, message: str) -> None:
    with pytest.raises(errors.InvalidURL, match=message):
        check_url(url)


def test_check_url_accepts_plain_urls() -> None:
    assert check_url("https://www.dawn.com/feeds/home").host == "www.dawn.com"
    assert check_url("http://192.0.2.1:8080/rss").port == 8080


async def test_resolve_host_refuses_odd_ports_on_public_hosts() -> None:
    with pytest.raises(errors.BlockedAddress, match="port 25"):
        await resolve_host("8.8.8.8", 25)
    assert await resolve_host("8.8.8.8", 443) == [ipaddress.ip_address("8.8.8.8")]


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
