"""HTML fragments in feed entries: to plain text (one line per block) and their first image.

The standard library's parser, because it never raises on broken markup and lxml ships no type
information; feedparser has already sanitised the HTML.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

__all__ = ["clean_line", "first_image", "html_to_text"]

_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"),
    }
)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
_SPACES = re.compile(r"[^\S\n]+")
_SOURCE_BREAKS = re.compile(r"[\r\n]+")
_TAG = re.compile(r"</?[A-Za-z!?]")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Unicode Cc except \t and \n


def clean_line(value: str) -> str:
    """HTML or text to one clean line: tags dropped, entities decoded, spaces collapsed, NFC."""
    return " ".join(_TextExtractor.run(value).split())


def html_to_text(value: str | None) -> str:
    """HTML fragment to plain text: one line per block element, entities decoded, NFC."""
    return _TextExtractor.run(value)


def first_image(fragment: str) -> str | None:
    """The src of the first <img> in an HTML fragment that is not a 1x1 tracking pixel."""
    for tag in _IMG_TAG.findall(fragment):
        finder = _ImageFinder()
        finder.feed(tag)
        finder.close()
        if finder.src:
            return finder.src
    return None


class _ImageFinder(HTMLParser):
    """Reads the attributes of one <img> tag (entities decoded, any quoting)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "img" and not {found.get("width"), found.get("height")} & {"0", "1"}:
            self.src = found.get("src") or ""


class _TextExtractor(HTMLParser):
    """Collects text with line breaks at block elements, and only there: a line break in the
    markup's source is white space, as a browser renders it (except inside <pre>), so an
    inline element on its own source line never splits a paragraph.

    The standard library's parser, because it never raises on broken markup and lxml ships
    no type information; feedparser has already sanitised the HTML.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._pre = 0

    @classmethod
    def run(cls, value: str | None) -> str:
        """Extract the text of an HTML fragment."""
        if not value:
            return ""
        if not _TAG.search(value):  # no markup at all: plain text keeps its lines
            return _tidy(html.unescape(value)) if "&" in value else _tidy(value)
        extractor = cls()
        extractor.feed(value)
        extractor.close()
        return _tidy("".join(extractor.parts))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            self._pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data if self._pre else _SOURCE_BREAKS.sub(" ", data))


def _tidy(text: str) -> str:
    """Collapse spaces within lines, drop empty lines and control characters, NFC."""
    text = _CONTROLS.sub("", text.replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return unicodedata.normalize("NFC", "\n".join(line for line in lines if line))
