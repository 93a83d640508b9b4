"""A real HTTP server on 127.0.0.1 (aiohttp, port 0) for tests: files, bytes and scripted faults.

Usage::

    async with LocalServer() as server:
        server.add_bytes("/feed.xml", b"<rss .../>", content_type="application/rss+xml")
        server.add_redirect("/old", "/feed.xml", status=301)
        server.add_hang("/slow")                  # accepts, never answers
        server.add_stream("/huge", 50 * MiB)       # streams zeros; bytes_sent tells how far it got
        url = server.url("/feed.xml")

Routes can be added after the server started. Every request is recorded in ``requests``.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import socket
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from aiohttp import web

__all__ = ["Handler", "LocalServer", "RecordedRequest", "free_port", "gzip_bytes"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query_string: str
    headers: Mapping[str, str]


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now (for servers that need a concrete one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gzip_bytes(data: bytes) -> bytes:
    """Gzip-compress data (for Content-Encoding: gzip bodies)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


class LocalServer:
    """An aiohttp server on 127.0.0.1 with routes that can be scripted per test."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[RecordedRequest] = []
        self.bytes_sent: dict[str, int] = {}
        self._routes: dict[str, Handler] = {}
        self._prefixes: dict[str, Path] = {}
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)

    async def __aenter__(self) -> LocalServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Bind to a free port and start serving."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        """Release hanging handlers and stop the server."""
        self._closing.set()
        await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL of path on this server."""
        return self.base_url + path

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The recorded requests for one path."""
        return [r for r in self.requests if r.path == path]

    def serves(self, path: str) -> bool:
        """Whether a route answers ``path``."""
        return path in self._routes

    # Route builders -----------------------------------------------------------------------

    def add_handler(self, path: str, handler: Handler) -> None:
        """Serve path with any aiohttp handler."""
        self._routes[path] = handler

    def add_bytes(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        content_type: str = "application/xml",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Serve fixed bytes."""

        merged = {"Content-Type": content_type, **(headers or {})}

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(body=body, status=status, headers=merged)

        self.add_handler(path, handler)

    def add_file(
        self,
        path: str,
        file: Path,
        *,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Serve a file's bytes (content type guessed from its name unless given)."""
        guessed = content_type or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self.add_bytes(path, file.read_bytes(), content_type=guessed, headers=headers)

    def add_directory(self, prefix: str, directory: Path) -> None:
        """Serve every file under directory at prefix + relative path."""
        self._prefixes[prefix.rstrip("/") + "/"] = directory

    def add_status(
        self, path: str, status: int, *, headers: Mapping[str, str] | None = None, body: bytes = b""
    ) -> None:
        """Answer with a bare status (404, 429 with Retry-After, 503, ...)."""
        self.add_bytes(path, body, status=status, content_type="text/plain", headers=headers)

    def add_redirect(self, path: str, location: str, *, status: int = 302) -> None:
        """Redirect path to location (relative or absolute)."""
        self.add_status(path, status, headers={"Location": location})

    def add_conditional(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        content_type: str = "application/rss+xml",
    ) -> None:
        """Serve body with validators, and 304 when the request's validators match."""
        headers = {k: v for k, v in (("ETag", etag), ("Last-Modified", last_modified)) if v}

        async def handler(request: web.Request) -> web.StreamResponse:
            match_etag = etag is not None and request.headers.get("If-None-Match") == etag
            match_date = (
                last_modified is not None
                and request.headers.get("If-Modified-Since") == last_modified
            )
            if match_etag or match_date:
                return web.Response(status=304, headers=headers)
            response = web.Response(body=body, headers=headers)
            response.content_type = content_type
            return response

        self.add_handler(path, handler)

    def add_delay(self, path: str, seconds: float, body: bytes = b"") -> None:
        """Answer after a delay."""

        async def handler(request: web.Request) -> web.StreamResponse:
            await self._sleep(seconds)
            return web.Response(body=body, content_type="application/xml")

        self.add_handler(path, handler)

    def add_hang(self, path: str) -> None:
        """Accept the request and never answer (until the server closes)."""

        async def handler(request: web.Request) -> web.StreamResponse:
            await self._closing.wait()
            return web.Response(status=503)

        self.add_handler(path, handler)

    def add_drip(self, path: str, *, interval: float = 0.05, chunk: bytes = b" ") -> None:
        """Send headers, then one small chunk per interval forever (defeats read timeouts)."""

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse()
            response.content_type = "application/xml"
            await response.prepare(request)
            try:
                while not self._closing.is_set():
                    await response.write(chunk)
                    self._count(path, len(chunk))
                    await self._sleep(interval)
            except ConnectionError:
                pass
            return response

        self.add_handler(path, handler)

    def add_stream(
        self,
        path: str,
        total_bytes: int,
        *,
        declare_length: bool = False,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Stream total_bytes of zeros (or body, repeated) in 64 KiB chunks; chunked unless
        declare_length. ``bytes_sent[path]`` shows how much the client read before aborting."""
        unit = body or b"\0"
        block = unit * max(1, _CHUNK // len(unit))

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers=headers)
            response.content_type = "application/xml"
            if declare_length:
                response.content_length = total_bytes
            await response.prepare(request)
            sent = 0
            try:
                while sent < total_bytes and not self._closing.is_set():
                    piece = block[: total_bytes - sent]
                    await response.write(piece)
                    sent += len(piece)
                    self._count(path, len(piece))
                await response.write_eof()
            except ConnectionError:
                pass
            return response

        self.add_handler(path, handler)

    # Internals ----------------------------------------------------------------------------

    def _count(self, path: str, size: int) -> None:
        self.bytes_sent[path] = self.bytes_sent.get(path, 0) + size

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up early when the server is closing."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query_string=request.query_string,
                headers={k.lower(): v for k, v in request.headers.items()},
            )
        )
        handler = self._routes.get(request.path)
        if handler is not None:
            return await handler(request)
        for prefix, directory in self._prefixes.items():
            if request.path.startswith(prefix):
                file = (directory / request.path[len(prefix) :]).resolve()
                if file.is_file() and file.is_relative_to(directory.resolve()):
                    guessed = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                    return web.Response(body=file.read_bytes(), content_type=guessed)
        return web.Response(status=404, text="not found")
