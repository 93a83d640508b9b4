"""HTTP plumbing of the fake Bot API: decoding PTB's requests, error replies, change signals."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

import httpx
from aiohttp import web

from tests.fakes.telegram_errors import BotAPIError
from tests.fakes.telegram_objects import JSON

__all__ = [
    "SENT_AT_HEADER",
    "TEXT_FIELDS",
    "Call",
    "Signal",
    "read_params",
    "reply_error",
    "sent_at",
    "sent_at_hooks",
]

# A test's own clients stamp each request with time.monotonic() when they send it (see
# sent_at_hooks); the fake then counts the request from that moment instead of from when its
# handler got to run. Both are in one process, on one clock. Without the stamp, a loaded
# machine's scheduling delay between client and handler bunches requests the bot sent evenly,
# and with time_scale=10 a millisecond of that delay weighs like ten.
SENT_AT_HEADER = "X-Fake-Sent-At"

# Bot API string fields: PTB sends them raw, so JSON-decoding them would turn the text "42"
# into a number. Every other form value is JSON (PTB's RequestData.json_parameters).
TEXT_FIELDS = frozenset(
    {
        "text", "caption", "parse_mode", "url", "secret_token", "ip_address", "action",
        "callback_query_id", "inline_message_id", "language_code", "photo", "document",
        "business_connection_id", "message_effect_id", "emoji", "title", "description",
        "short_description", "name",
    }
)  # fmt: skip


class Call(NamedTuple):
    """One request: method name, decoded params, and when it was sent (stamped) or arrived."""

    method: str
    params: JSON
    timestamp: float


class Signal:
    """Wake coroutines waiting for the fake's state to change; plain sync code may notify."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake every current waiter so it re-checks its predicate."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once predicate() holds; callers bound the wait with asyncio.timeout."""
        while not predicate():
            await self._event.wait()


def _decode(key: str, value: str | bytes | bytearray) -> Any:
    text = value if isinstance(value, str) else bytes(value).decode()
    if key in TEXT_FIELDS:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text  # e.g. chat_id="@channel"


async def read_params(request: web.Request) -> JSON:
    """Decode query and body: JSON bodies as they are, form values as PTB's JSON-in-values."""
    params: JSON = {key: _decode(key, value) for key, value in request.query.items()}
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    elif request.body_exists:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = {"upload": value.filename, "content_type": value.content_type}
            else:
                params[key] = _decode(key, value)
    return params


def reply_error(error: BotAPIError) -> web.Response:
    """Answer with Telegram's error JSON and the error's real HTTP status."""
    return web.json_response(error.to_json(), status=error.status)


def sent_at(request: web.Request) -> float | None:
    """The client's time.monotonic() when it sent the request, if the client stamped it."""
    value = request.headers.get(SENT_AT_HEADER)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


async def _stamp(request: httpx.Request) -> None:
    request.headers[SENT_AT_HEADER] = repr(time.monotonic())


def sent_at_hooks() -> dict[str, list[Callable[[httpx.Request], Awaitable[None]]]]:
    """httpx ``event_hooks`` that stamp every request as it is sent, e.g. for
    ``HTTPXRequest(httpx_kwargs={"event_hooks": sent_at_hooks()})``."""
    return {"request": [_stamp]}
