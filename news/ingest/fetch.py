"""HTTP fetching for feeds and pages: one shared client, SSRF-checked hops, caps and timeouts.

Conditional GET follows miniflux internal/reader/fetcher/response_handler.go: validators are sent
only when the caller has stored ones, 304 means unchanged, Retry-After is honoured. Limits follow
shared/research/ptb-testing.md §4.5-4.7. httpx errors are translated here, and only here.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import logging
import ssl
import types
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpcore
import httpx

from news import errors
from news.ingest.ssrf import GuardedBackend, check_url

__all__ = [
    "DEFAULT_TIMEOUT",
    "FEED_ACCEPT",
    "MAX_BACKOFF",
    "PAGE_ACCEPT",
    "USER_AGENT",
    "FetchResult",
    "Fetcher",
    "next_check_delay",
    "parse_max_age",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

USER_AGENT = "Khabar/0.1 (+https://github.com/khabar-bot/khabar)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=10.0, write=5.0, pool=5.0)
MAX_BACKOFF = 6 * 3600.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch produced; ``body`` is empty when ``not_modified``."""

    url: str
    final_url: str
    status: int
    body: bytes
    headers: Mapping[str, str]
    etag: str | None
    last_modified: str | None
    not_modified: bool
    content_type: str | None
    retry_after: float | None
    max_age: float | None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return Retry-After (RFC 9110 §10.2.3: delay-seconds or HTTP-date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def parse_max_age(cache_control: str | None) -> float | None:
    """Return the max-age directive of a Cache-Control header in seconds, if there is one."""
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.strip().lower() == "max-age":
            value = value.strip().strip('"')
            return float(int(value)) if value.isdigit() else None
    return None


def next_check_delay(
    *,
    base_interval: float,
    error_count: int = 0,
    retry_after: float | None = None,
    max_age: float | None = None,
    ttl_minutes: int | None = None,
    max_interval: float = MAX_BACKOFF,
) -> float:
    """Seconds until a feed should be polled again.

    The base interval doubles with each consecutive error. The server's Retry-After, Cache-Control
    max-age and the feed's RSS ``<ttl>`` are floors (never poll sooner than they ask), and
    ``max_interval`` is the ceiling over everything (never poll less often than that).
    """
    delay = base_interval * float(2 ** min(max(error_count, 0), 30))
    floors = [retry_after or 0.0, max_age or 0.0, (ttl_minutes or 0) * 60.0]
    return min(max(delay, *floors), max_interval)


class _BoundedDecoder:
    """Content-Encoding decoder that never inflates more than the bytes still allowed.

    Hand-written because httpx's decoders inflate a whole network chunk at once: 64 KiB of
    gzip can become 64 MB before any size check runs. zlib's max_length bounds each step.
    """

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise errors.NetworkError(f"fetch: unsupported Content-Encoding {encoding!r}")
        self._first = True

    def decode(self, data: bytes, room: int) -> bytes:
        """Decode data, returning at most room + 1 bytes (one more than allowed means too big)."""
        if self._zlib is None:
            return data
        try:
            out = self._zlib.decompress(data, room + 1)
        except zlib.error as exc:
            if not (self._first and self._encoding == "deflate"):
                raise errors.NetworkError(f"fetch: unable to decode body: {exc}") from exc
            # Some servers send raw deflate without the zlib header (httpx does the same retry).
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, room + 1)
        self._first = False
        return out

    def flush(self) -> bytes:
        """Return whatever the decoder still holds."""
        return self._zlib.flush() if self._zlib is not None else b""


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The CA bundle, loaded once a process (~30 ms a load): every Fetcher shares it, so one
    made for a single /follow costs no blocking file read on the event loop."""
    return httpx.create_ssl_context(trust_env=False)


class Fetcher:
    """Fetches URLs over one shared httpx.AsyncClient; use as ``async with Fetcher() as f``."""

    def __init__(
        self,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        total_timeout: float = 20.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 5,
        per_host_limit: int = 2,
        max_connections: int = 20,
        allow_private: bool = False,
        user_agent: str = USER_AGENT,
    ) -> None:
        self._total_timeout = total_timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._per_host_limit = per_host_limit
        self._host_limits: dict[str, asyncio.Semaphore] = {}
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=10)
        tls = _tls_context()
        transport = httpx.AsyncHTTPTransport(verify=tls, trust_env=False, limits=limits)
        # httpx has no public hook for the network backend, so the pool is rebuilt with httpcore's
        # public constructor; GuardedBackend checks each resolved address at connect time.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=tls,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow_private=allow_private),
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the shared client and its connections."""
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET url, following up to max_redirects redirects, each hop checked against SSRF."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            return await self._follow(url, headers, etag=etag, last_modified=last_modified)
        except TimeoutError as exc:
            raise errors.Timeout(
                f"fetch: no complete response within {self._total_timeout:g} s", url=url
            ) from exc

    async def _follow(
        self, url: str, headers: dict[str, str], *, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        """Follow redirects by hand so that every hop is checked again."""
        current = check_url(url)
        seen = {str(current)}
        deadline = _Deadline(self._total_timeout)
        for _hop in range(self._max_redirects + 1):
            result = await self._get(current, headers, deadline)
            if result.status not in _REDIRECTS:
                break
            location = result.headers.get("location")
            if not location:
                raise errors.HTTPStatusError(
                    f"fetch: HTTP {result.status} without Location",
                    url=str(current),
                    status=result.status,
                )
            current = check_url(current.join(location))
            if str(current) in seen:
                raise errors.RedirectLoop(f"fetch: redirect loop back to {current}", url=url)
            seen.add(str(current))
        else:
            raise errors.TooManyRedirects(
                f"fetch: more than {self._max_redirects} redirects", url=url
            )
        status, final = result.status, str(current)
        if status == 304 and (etag or last_modified):
            # Keep the stored validators unless the 304 carries new ones (RFC 9110 §15.4.5).
            return _result(url, final, result, etag=etag, last_modified=last_modified)
        if not 200 <= status < 300:
            raise errors.HTTPStatusError(
                f"fetch: HTTP {status}", url=final, status=status, retry_after=result.retry_after
            )
        return _result(url, final, result, etag=None, last_modified=None)

    async def _get(self, url: httpx.URL, headers: dict[str, str], deadline: _Deadline) -> _Hop:
        """One GET under the per-host limit; reads the body only for 2xx answers."""
        host = url.host
        limit = self._host_limits.setdefault(host, asyncio.Semaphore(self._per_host_limit))
        async with limit, deadline.running():
            request = self._client.build_request("GET", url, headers=headers)
            try:
                response = await self._client.send(request, stream=True)
            except errors.FetchError as exc:  # raised by the SSRF guard inside the connection
                exc.url = exc.url or str(url)
                raise
            except httpx.TimeoutException as exc:
                raise errors.Timeout(
                    f"fetch: timed out waiting for a response ({type(exc).__name__})", url=str(url)
                ) from exc
            except httpx.InvalidURL as exc:
                raise errors.InvalidURL(f"fetch: invalid URL: {exc}", url=str(url)) from exc
            except httpx.HTTPError as exc:
                raise errors.NetworkError(
                    f"fetch: unable to connect: {exc!r}", url=str(url)
                ) from exc
            try:
                body = b""
                if 200 <= response.status_code < 300:
                    body = await self._read_body(response, url)
                return _Hop(response.status_code, body, response.headers)
            finally:
                await response.aclose()

    async def _read_body(self, response: httpx.Response, url: httpx.URL) -> bytes:
        """Read the body, aborting as soon as it grows past max_bytes (decoded)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise errors.TooLarge(
                f"fetch: Content-Length {declared} is over the {self._max_bytes} byte cap",
                url=str(url),
            )
        decoder = _BoundedDecoder(response.headers.get("content-encoding", "").strip().lower())
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in response.aiter_raw():
                chunk = decoder.decode(raw, self._max_bytes - size)
                size += len(chunk)
                if size > self._max_bytes:
                    raise errors.TooLarge(
                        f"fetch: body is over the {self._max_bytes} byte cap; aborted",
                        url=str(url),
                    )
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise errors.Timeout(f"fetch: timed out reading body: {exc!r}", url=str(url)) from exc
        except httpx.HTTPError as exc:
            raise errors.NetworkError(f"fetch: unable to read body: {exc!r}", url=str(url)) from exc
        tail = decoder.flush()
        if size + len(tail) > self._max_bytes:
            raise errors.TooLarge(
                f"fetch: body is over the {self._max_bytes} byte cap", url=str(url)
            )
        chunks.append(tail)
        return b"".join(chunks)


class _Deadline:
    """The overall time limit of one fetch; its clock starts when the first hop gets a slot,
    so time spent queueing behind the per-host limit does not count."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._at: float | None = None

    def running(self) -> asyncio.Timeout:
        """A timeout context that ends at the deadline (started now if not yet started)."""
        if self._at is None:
            self._at = asyncio.get_running_loop().time() + self._seconds
        return asyncio.timeout_at(self._at)


@dataclass(frozen=True, slots=True)
class _Hop:
    """One response in a redirect chain, body read only when it was a success."""

    status: int
    body: bytes
    headers: httpx.Headers

    @property
    def retry_after(self) -> float | None:
        """Retry-After in seconds, if the server sent one."""
        return parse_retry_after(self.headers.get("retry-after"))


def _result(
    url: str, final: str, hop: _Hop, *, etag: str | None, last_modified: str | None
) -> FetchResult:
    """Build the public result from the last hop."""
    headers = types.MappingProxyType({k.lower(): v for k, v in hop.headers.items()})
    return FetchResult(
        url=url,
        final_url=final,
        status=hop.status,
        body=hop.body,
        headers=headers,
        etag=headers.get("etag") or etag,
        last_modified=headers.get("last-modified") or last_modified,
        not_modified=hop.status == 304,
        content_type=headers.get("content-type"),
        retry_after=hop.retry_after,
        max_age=parse_max_age(headers.get("cache-control")),
    )
