"""A fake OpenAI-compatible chat-completions server on 127.0.0.1 with scripted replies and faults.

Tests queue replies (content, finish_reason, status codes, delays, dropped connections,
malformed bodies) and assert on the requests received. The same can be done from another process
through POST /_control/reply and GET /_control/requests, as in research urdu-summaries.md §3.4.
Hand-written: no package fakes this API on a real socket for httpx.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

__all__ = ["FakeOpenAI", "Received", "Reply"]

DEFAULT_CONTENT = "Monsoon floods forced thousands of families from their homes in Punjab."


@dataclass(frozen=True)
class Reply:
    """One scripted answer to /v1/chat/completions."""

    content: str | None = DEFAULT_CONTENT
    finish_reason: str = "stop"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None  # sent verbatim instead of the JSON answer (malformed bodies)
    disconnect: bool = False  # close the connection without answering
    reasoning_content: str | None = None  # the separate reasoning field some servers add


@dataclass(frozen=True)
class Received:
    """One request the fake received: its JSON body and headers."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def system_prompt(self) -> str:
        """The system message's content."""
        return str(self.body["messages"][0]["content"])

    @property
    def user_prompt(self) -> str:
        """The last user message's content."""
        return str(self.body["messages"][-1]["content"])


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.reasoning_content is not None:
        message["reasoning_content"] = reply.reasoning_content
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21},
    }


def _error(status: int) -> dict[str, Any]:
    return {"error": {"message": f"fake error {status}", "type": "server_error", "code": status}}


class FakeOpenAI:
    """An OpenAI-compatible server on 127.0.0.1:0 that answers from a queue of replies."""

    def __init__(self, default: Reply | None = None) -> None:
        """Answer with queued replies first, then with default (a plain English summary)."""
        self.default = default or Reply()
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.port = 0
        self._queue: deque[Reply] = deque()
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """The base URL a client is configured with: http://127.0.0.1:PORT/v1."""
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order."""
        self._queue.extend(replies)

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._complete)
        app.router.add_post("/_control/reply", self._control_reply)
        app.router.add_get("/_control/requests", self._control_requests)
        # Cancel handlers whose client went away, so hung replies do not outlive a test.
        self._runner = web.AppRunner(
            app, shutdown_timeout=0.5, access_log=None, handler_cancellation=True
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close the server."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.received.append(Received(body, dict(request.headers)))
        reply = self._queue.popleft() if self._queue else self.default
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(reply.delay)
        finally:
            self.in_flight -= 1
        if reply.disconnect:
            if request.transport is not None:
                request.transport.close()
            return web.Response()
        if reply.raw_body is not None:
            return web.Response(
                text=reply.raw_body, status=reply.status, content_type="application/json"
            )
        payload = _completion(reply, body.get("model", "")) if reply.status == 200 else None
        return web.json_response(
            payload or _error(reply.status), status=reply.status, headers=reply.headers
        )

    async def _control_reply(self, request: web.Request) -> web.Response:
        self.enqueue(Reply(**await request.json()))
        return web.json_response({"queued": len(self._queue)})

    async def _control_requests(self, request: web.Request) -> web.Response:
        return web.json_response([asdict(item) for item in self.received], dumps=json.dumps)
