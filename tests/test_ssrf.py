"""Tests for news.ingest.ssrf: private addresses refused, directly and behind redirects."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import httpx
import pytest

from news import errors
from news.ingest.fetch import Fetcher
from news.ingest.ssrf import check_address, check_url, is_allowed_address, resolve_host
from tests.httpserver import LocalServer

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher allowed to reach loopback (only redirects elsewhere are refused)."""
    async with Fetcher(allow_private=True, timeout=httpx.Timeout(10.0), total_timeout=30.0) as f:
        yield f


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
