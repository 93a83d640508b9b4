"""Inline-button callback data: compact `action:arg:arg` strings, strictly validated on the way in.

Telegram limits `callback_data` to 1–64 bytes (Bot API InlineKeyboardButton; PTB
`InlineKeyboardButtonLimit.MAX_CALLBACK_DATA`), and any client can send any bytes back, so
decoding accepts only what `encode_callback` could have produced: a registered action, the right
number of arguments, canonical decimal integers inside their range, and strings matching their
pattern. Everything else decodes to None.

To add a button, add its action to `CALLBACK_ACTIONS` (with a test) rather than parsing ad hoc.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CALLBACK_ACTIONS",
    "MAX_CALLBACK_BYTES",
    "Callback",
    "IntArg",
    "StrArg",
    "callback_filter",
    "decode_callback",
    "encode_callback",
]

MAX_CALLBACK_BYTES = 64
_SEP = ":"
_CANONICAL_INT = re.compile(r"0|[1-9][0-9]{0,18}")
_CANONICAL_SIGNED = re.compile(r"0|-?[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class IntArg:
    """An integer argument allowed in [minimum, maximum]."""

    minimum: int
    maximum: int


@dataclass(frozen=True)
class StrArg:
    """A string argument that must fully match `pattern` (which must exclude ':')."""

    pattern: re.Pattern[str]


ArgSpec = IntArg | StrArg

_ID = IntArg(1, 2**63 - 1)  # SQLite INTEGER PRIMARY KEY
_PAGE = IntArg(0, 9999)
_COUNT = IntArg(1, 100)
_LANG = StrArg(re.compile(r"en|ur"))
_TOPIC = StrArg(re.compile(r"[a-z0-9][a-z0-9_-]{0,31}"))
_TOKEN = StrArg(re.compile(r"[0-9a-f]{1,32}"))
_CHAT = IntArg(-(2**53), 2**53)  # a Telegram chat id: negative for groups and channels
_SECTION = StrArg(re.compile(r"[a-z]{1,12}"))  # a /settings section key
_CHOICE = StrArg(re.compile(r"[a-z0-9_-]{1,24}"))  # a /settings value, checked by its section

CALLBACK_ACTIONS: Mapping[str, tuple[ArgSpec, ...]] = MappingProxyType(
    {
        "lang": (_LANG,),  # language picker: set the chat language
        "open": (_ID,),  # open an article's card from a numbered headline button
        "read": (_ID, _PAGE),  # in-chat reader: article id, page (0-based)
        "summary": (_ID, _LANG),  # show an article's summary in a language
        "also": (_ID,),  # list the other sources that reported the same story
        "latest": (_TOPIC, _COUNT, _PAGE),  # topic slug ("all" for every topic), n, page
        "search": (_TOKEN, _PAGE),  # a stored search query's short hex token, page
        "topic": (_TOPIC,),  # a topic tapped in /topics
        "sub": (_TOPIC,),  # subscribe to a topic
        "unsub": (_ID,),  # remove a subscription by id
        "sources": (_PAGE,),  # /sources page
        "set": (_CHAT, _SECTION),  # /settings: show a chat's settings page (or one section)
        "setv": (_CHAT, _SECTION, _CHOICE),  # /settings: change one setting of a chat
        "follow": (_TOKEN,),  # follow a link sent in a private chat (its stored token)
        "unfollow": (_ID,),  # stop following a feed of the chat's own, by feed id
        "noop": (),  # a page counter or other label-only button
    }
)


@dataclass(frozen=True)
class Callback:
    """A decoded button press: the action name and its typed arguments."""

    action: str
    args: tuple[int | str, ...]


def _check(spec: ArgSpec, value: int | str) -> bool:
    if isinstance(spec, IntArg):
        is_int = isinstance(value, int) and not isinstance(value, bool)
        return is_int and spec.minimum <= int(value) <= spec.maximum
    return isinstance(value, str) and spec.pattern.fullmatch(value) is not None


def encode_callback(action: str, *args: int | str) -> str:
    """Build callback data for a registered action; raise ValueError if invalid or over 64 bytes."""
    specs = CALLBACK_ACTIONS.get(action)
    if specs is None:
        raise ValueError(f"render: unknown callback action {action!r}")
    if len(args) != len(specs):
        raise ValueError(f"render: {action} takes {len(specs)} arguments, got {len(args)}")
    for spec, value in zip(specs, args, strict=True):
        if not _check(spec, value):
            raise ValueError(f"render: bad argument {value!r} for callback {action}")
    data = _SEP.join((action, *(str(value) for value in args)))
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"render: callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def _parse(spec: ArgSpec, raw: str) -> int | str | None:
    if isinstance(spec, IntArg):
        canonical = _CANONICAL_SIGNED if spec.minimum < 0 else _CANONICAL_INT
        if canonical.fullmatch(raw) is None:
            return None
        value = int(raw)
        return value if spec.minimum <= value <= spec.maximum else None
    return raw if spec.pattern.fullmatch(raw) is not None else None


def decode_callback(data: object) -> Callback | None:
    """Parse callback data from Telegram; return None for anything encode_callback can't make."""
    # Clients can forge callback data: nothing unprintable (NUL, controls) goes further.
    if not isinstance(data, str) or not data or not data.isascii() or not data.isprintable():
        return None
    if len(data) > MAX_CALLBACK_BYTES:  # ASCII, so characters are bytes
        return None
    action, *raw_args = data.split(_SEP)
    specs = CALLBACK_ACTIONS.get(action)
    if specs is None or len(raw_args) != len(specs):
        return None
    args: list[int | str] = []
    for spec, raw in zip(specs, raw_args, strict=True):
        value = _parse(spec, raw)
        if value is None:
            return None
        args.append(value)
    return Callback(action, tuple(args))


def callback_filter(action: str) -> Callable[[object], bool]:
    """Return a predicate for PTB's `CallbackQueryHandler(pattern=...)` matching one action."""
    if action not in CALLBACK_ACTIONS:
        raise ValueError(f"render: unknown callback action {action!r}")

    def matches(data: object) -> bool:
        decoded = decode_callback(data)
        return decoded is not None and decoded.action == action

    return matches
