"""Telegram's HTML parse mode as the fake Bot API applies it: validate markup, extract entities.

Built on `html.parser` with a whitelist, following the stored copy of
core.telegram.org/bots/api#html-style. Error texts follow tdlib's `parse_html`
(td/telegram/MessageEntity.cpp). The fake is deliberately stricter than tdlib about `&`:
Telegram keeps a stray `&` or an unknown named entity literally, but the documented rule is
that every `&` outside a tag must be escaped, and a bare `&` almost always means we forgot to
escape a headline, so the fake refuses it.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, NoReturn

from tests.fakes.telegram_errors import BotAPIError, bad_request
from tests.fakes.telegram_objects import utf16_len

__all__ = ["ALLOWED_TAGS", "parse_html", "render_text"]

ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip
_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Only these four names and numeric references are documented as supported.
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")

_TRAILING_ENTITY_RE = re.compile(r"&#?[0-9A-Za-z]*$")


def _parse_error(reason: str) -> BotAPIError:
    return bad_request(f"can't parse entities: {reason}")


@dataclass
class _OpenTag:
    tag: str
    offset: int
    entity: dict[str, Any] | None
    children: list[str] = field(default_factory=list)


class _TelegramHTMLParser(HTMLParser):
    """Collect plain text and MessageEntity dicts; raise on anything Telegram would refuse."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0] + [i + 1 for i, char in enumerate(source) if char == "\n"]
        self._open: list[_OpenTag] = []
        self.parts: list[str] = []
        self.length = 0  # UTF-16 code units emitted so far: entity offsets are in these
        self.entities: list[dict[str, Any]] = []

    def _index(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _byte_offset(self, index: int | None = None) -> int:
        return len(self._source[: self._index() if index is None else index].encode())

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise _parse_error(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        values = {name: value or "" for name, value in attrs}
        entity: dict[str, Any] | None = {"type": _ENTITY_TYPES[tag]}
        if tag == "span" and values.get("class") != "tg-spoiler":
            raise _parse_error('Tag "span" must have class "tg-spoiler"')
        if tag == "a":
            entity = {"type": "text_link", "url": values["href"]} if values.get("href") else None
        elif tag == "tg-emoji":
            if not values.get("emoji-id"):
                raise _parse_error("Custom emoji entity must contain a tg-emoji identifier")
            entity = {"type": "custom_emoji", "custom_emoji_id": values["emoji-id"]}
        elif tag == "blockquote" and "expandable" in values:
            entity = {"type": "expandable_blockquote"}
        elif tag == "code" and self._open and self._open[-1].tag == "pre":
            language = values.get("class", "")
            if language.startswith("language-") and self._open[-1].entity is not None:
                self._open[-1].entity["language"] = language.removeprefix("language-")
                entity = None  # tdlib folds <pre><code class="language-x"> into one pre entity
        self._open.append(_OpenTag(tag, self.length, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise _parse_error(f'Unsupported start tag "{tag}/" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            raise _parse_error(f"Unexpected end tag at byte offset {self._byte_offset()}")
        expected = self._open[-1].tag
        if tag != expected:
            raise _parse_error(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{expected}>", found "</{tag}>"'
            )
        opened = self._open.pop()
        if opened.entity is not None and self.length > opened.offset:
            length = self.length - opened.offset
            self.entities.append({**opened.entity, "offset": opened.offset, "length": length})

    def handle_data(self, data: str) -> None:
        start = self._index()
        if "<" in data:
            position = start + data.index("<")
            following = self._source[position + 1 : position + 2]
            offset = self._byte_offset(position)
            if following == "/":
                raise _parse_error(f"Unclosed end tag at byte offset {offset}")
            if following.isalpha():
                raise _parse_error(f"Unclosed start tag at byte offset {offset}")
            raise _parse_error(f'Unsupported start tag "" at byte offset {offset}')
        if "&" in data:
            self.refuse_ampersand(start + data.index("&"))
        self._emit(data)

    def refuse_ampersand(self, position: int) -> NoReturn:
        """Refuse a bare `&` (or an unknown entity) at `position` in the source."""
        raise _parse_error(
            "Character '&' is reserved and must be escaped as \"&amp;\" "
            f"at byte offset {self._byte_offset(position)}"
        )

    def _handle_reference(self) -> None:
        index = self._index()
        match = _ENTITY_RE.match(self._source, index)
        if match is None:
            self.refuse_ampersand(index)
        name, decimal, hexadecimal = match.groups()
        if name:
            self._emit(_NAMED_ENTITIES[name])
            return
        code_point = int(decimal) if decimal else int(hexadecimal, 16)
        if not 0 < code_point <= 0x10FFFF:
            self.refuse_ampersand(index)
        self._emit(chr(code_point))

    def handle_entityref(self, name: str) -> None:
        self._handle_reference()

    def handle_charref(self, name: str) -> None:
        self._handle_reference()

    def _refuse_markup(self) -> NoReturn:
        raise _parse_error(f'Unsupported start tag "!" at byte offset {self._byte_offset()}')

    def handle_comment(self, data: str) -> None:
        self._refuse_markup()

    def handle_decl(self, decl: str) -> None:
        self._refuse_markup()

    def handle_pi(self, data: str) -> None:
        self._refuse_markup()

    def unknown_decl(self, data: str) -> None:
        self._refuse_markup()

    def finish(self) -> tuple[str, list[dict[str, Any]]]:
        """Flush the parser and return (plain text, entities sorted as Telegram sorts them)."""
        self.close()
        if self._open:
            tag = self._open[-1].tag
            raise _parse_error(f'Can\'t find end tag corresponding to start tag "{tag}"')
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, MessageEntity dicts), raising BotAPIError if refused."""
    parser = _TelegramHTMLParser(source)
    # html.parser's close() silently drops the "&" of an unterminated entity at the very end.
    tail = _TRAILING_ENTITY_RE.search(source)
    if tail is not None:
        parser.refuse_ampersand(tail.start())
    parser.feed(source)
    return parser.finish()


def render_text(
    source: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode (only HTML is checked; Markdown passes through) and return text, entities."""
    if parse_mode is not None and parse_mode.lower() == "html":
        return parse_html(source)
    return source, list(entities or [])
