"""SSRF guard: which URLs the fetcher may request and which addresses it may connect to.

The address check runs inside the connection itself (``GuardedBackend``, an httpcore network
backend): the host is resolved once, every address is checked, and the socket is opened to the
checked address, so a DNS answer that changes between check and connect (rebinding) cannot slip
through. Redirects are followed by hand in ``news.ingest.fetch``, so every hop goes through here again.
Research: shared/research/ptb-testing.md §4.5.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import typing

import httpcore
import httpx

from news import errors

__all__ = [
    "ALLOWED_PORTS",
    "GuardedBackend",
    "IPAddress",
    "check_address",
    "check_public_url",
    "check_url",
    "is_allowed_address",
    "resolve_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ports a feed may live on. Other ports on public hosts are mail, databases and admin panels,
# which a bot has no business probing. Loopback (only reachable with allow_private) is exempt.
ALLOWED_PORTS = frozenset({80, 443, 8080, 8443})

# Hosts made only of digits, dots and hex, other than a plain dotted quad: 2130706433, 0x7f.1,
# 017700000001. getaddrinfo (inet_aton) accepts these as IPv4, so refuse them up front.
_ODD_IPV4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]*))*$", re.IGNORECASE)
_QUAD_PART = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_CANONICAL_IPV4 = re.compile(rf"^{_QUAD_PART}(\.{_QUAD_PART}){{3}}$")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def check_url(url: str | httpx.URL) -> httpx.URL:
    """Return the parsed URL, or raise InvalidURL for anything but plain http(s) to a host."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except httpx.InvalidURL as exc:
        raise errors.InvalidURL(f"fetch: invalid URL: {exc}", url=str(url)) from exc
    text = str(parsed)
    if parsed.scheme not in ("http", "https"):
        raise errors.InvalidURL(f"fetch: scheme {parsed.scheme!r} is not http(s)", url=text)
    if parsed.userinfo:
        raise errors.InvalidURL("fetch: URLs with credentials are refused", url=text)
    host = parsed.host
    if not host:
        raise errors.InvalidURL("fetch: URL has no host", url=text)
    if "%" in host:
        raise errors.InvalidURL("fetch: IPv6 zone identifiers are refused", url=text)
    if _ODD_IPV4.match(host) and not _CANONICAL_IPV4.match(host):
        raise errors.InvalidURL(f"fetch: unusual IP literal {host!r} is refused", url=text)
    return parsed


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address carried inside an IPv4-mapped, 6to4, NAT64 or Teredo address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo is not None:
        return address.teredo[1]
    return None


def is_allowed_address(address: IPAddress, *, allow_private: bool = False) -> bool:
    """Say whether the fetcher may connect to this address.

    Only globally routable unicast addresses pass (``is_global`` also excludes CGNAT 100.64/10,
    which ``is_private`` misses). ``allow_private`` admits loopback only, for tests and local
    development; RFC 1918, link-local (cloud metadata at 169.254.169.254) and the rest stay
    blocked even then.
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return is_allowed_address(inner, allow_private=allow_private)
    if address.is_loopback:
        return allow_private
    return address.is_global and not address.is_multicast


def check_address(address: str | IPAddress, *, allow_private: bool = False) -> IPAddress:
    """Return the address parsed, or raise BlockedAddress when it is not allowed."""
    try:
        parsed = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError as exc:
        raise errors.BlockedAddress(f"fetch: not an IP address: {address!r}") from exc
    if not is_allowed_address(parsed, allow_private=allow_private):
        raise errors.BlockedAddress(f"fetch: address {parsed} is not publicly routable")
    return parsed


async def resolve_host(host: str, port: int, *, allow_private: bool = False) -> list[IPAddress]:
    """Resolve host and return its addresses, IPv4 first; raise if any of them is not allowed."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise errors.NetworkError(f"fetch: unable to resolve {host!r}: {exc}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        # A scope id (fe80::1%eth0) only ever comes with link-local addresses, which are blocked.
        address = ipaddress.ip_address(str(sockaddr[0]).partition("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise errors.NetworkError(f"fetch: {host!r} has no addresses")
    for address in addresses:
        if not is_allowed_address(address, allow_private=allow_private):
            raise errors.BlockedAddress(
                f"fetch: {host!r} resolves to {address}, which is not publicly routable"
            )
        if port not in ALLOWED_PORTS and not address.is_loopback:
            raise errors.BlockedAddress(f"fetch: port {port} on {host!r} is not allowed")
    return sorted(addresses, key=lambda a: a.version)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves, checks and then connects to the checked address."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        delegate: httpcore.AsyncNetworkBackend | None = None,
        max_attempts: int = 3,
    ) -> None:
        self._allow_private = allow_private
        self._delegate = delegate or httpcore.AnyIOBackend()
        self._max_attempts = max_attempts

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - signature fixed by httpcore
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve and check host, then connect to the first reachable checked address."""
        async with asyncio.timeout(timeout):
            addresses = await resolve_host(host, port, allow_private=self._allow_private)
        last_error: Exception | None = None
        for address in addresses[: self._max_attempts]:
            try:
                # TLS still verifies the certificate against the URL's host name: httpcore
                # passes the origin host as server_hostname, not the address we dial.
                return await self._delegate.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - signature fixed by httpcore
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Refuse: feeds are never fetched over Unix sockets."""
        raise errors.BlockedAddress(f"fetch: Unix socket {path!r} is refused")

    async def sleep(self, seconds: float) -> None:
        """Sleep using the delegate backend (httpcore uses this between retries)."""
        await self._delegate.sleep(seconds)


async def check_public_url(url: str, *, allow_private: bool = False) -> httpx.URL:
    """``check_url``, then the host resolved and every address checked as a fetch checks them:
    to refuse a URL before it is stored (a chat's /follow). The fetch checks again each time."""
    parsed = check_url(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    await resolve_host(parsed.host, port, allow_private=allow_private)
    return parsed
