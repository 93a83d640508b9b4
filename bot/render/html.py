"""Telegram HTML building blocks: escaping, safe links, bold/italic, and the split/callback API.

Every feed-derived string goes through `escape` (research ptb-testing.md §4.4): Telegram accepts
only `&lt; &gt; &amp; &quot;` and numeric entities, and `html.escape(quote=True)` emits exactly
those plus `&#x27;`. Markup that is already safe is carried as `Html`, a `str` subclass, so the
helpers (and `bot.i18n.t`) never escape it twice. Concatenating two `Html` values gives a plain
`str`; wrap the result with `concat` to keep the mark.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from bot.render.callback import (
    CALLBACK_ACTIONS,
    MAX_CALLBACK_BYTES,
    Callback,
    callback_filter,
    decode_callback,
    encode_callback,
)
from bot.render.split import (
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    paginate,
    split_message,
    truncate_caption,
    utf16_len,
)
from storage.textnorm import clean_text

__all__ = [
    "CALLBACK_ACTIONS",
    "MAX_CALLBACK_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "Callback",
    "Html",
    "bold",
    "callback_filter",
    "concat",
    "decode_callback",
    "encode_callback",
    "escape",
    "is_safe_url",
    "italic",
    "join",
    "link",
    "paginate",
    "split_message",
    "to_plain_text",
    "truncate_caption",
    "utf16_len",
]

# C0 and C1 controls except tab and newline: invisible in clients, and NUL breaks some of them.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAG_RE = re.compile(r"<[^<>]*>")


class Html(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


def escape(text: str) -> Html:
    """Escape text for parse_mode=HTML (`html.escape`, quote=True), dropping control characters
    and bidi overrides (clean_text): the one place text is made safe for display."""
    if isinstance(text, Html):
        return text
    return Html(html.escape(clean_text(text), quote=True))


def concat(*parts: str) -> Html:
    """Join pieces into one Html value, escaping the ones that are not Html yet."""
    return Html("".join(escape(part) for part in parts))


def join(separator: str, parts: Iterable[str]) -> Html:
    """Like str.join, escaping the separator and every part that is not Html yet."""
    return Html(escape(separator).join(escape(part) for part in parts))


def bold(text: str) -> Html:
    """Return `<b>text</b>`, escaping text unless it is Html."""
    return Html(f"<b>{escape(text)}</b>")


def italic(text: str) -> Html:
    """Return `<i>text</i>`, escaping text unless it is Html."""
    return Html(f"<i>{escape(text)}</i>")


def is_safe_url(url: str) -> bool:
    """Return True for an absolute http(s) URL with a host and no whitespace or controls."""
    if not url or any(c.isspace() for c in url) or _CONTROL_RE.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 literal
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def link(url: str, label: str) -> Html:
    """Return an `<a href>` link, or just the escaped label when the URL is not http(s)."""
    if not is_safe_url(url):
        # javascript:, data:, tg: and relative URLs from feeds are never made clickable.
        return escape(label)
    return Html(f'<a href="{html.escape(url, quote=True)}">{escape(label)}</a>')


def to_plain_text(markup: str) -> str:
    """Turn Telegram HTML back into plain text (for the console and logs)."""
    return html.unescape(_TAG_RE.sub("", markup))
