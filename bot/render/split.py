"""Split Telegram HTML into messages or pages under a UTF-16 limit without breaking markup.

Design: the whole HTML message is split, not the plain text before markup. The text is cut into
atoms (a tag, an entity such as `&amp;`, or one character), so a cut can never fall inside a tag
or an entity. At a cut the tags still open are closed at the end of the chunk and re-opened, with
their attributes, at the start of the next one, so every chunk is balanced (`<a href>` spans two
links, which Telegram shows as one). Cuts are tried at a paragraph break, then a line break, then
a sentence end (`.`, `?`, `!`, `…`, Urdu `۔` and `؟`, after closing quotes), then a space; only a
single word longer than the limit is cut anywhere, and never before a combining mark.

Lengths are counted in UTF-16 code units on the raw HTML, tags included. Telegram counts
"characters after entities parsing" (research ptb-testing.md §2): UTF-16 units are the stricter
reading, and tags do not count, so this is conservative.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from bot.render.bidi import direction_for, rtl_paragraph

__all__ = [
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "paginate",
    "split_message",
    "truncate_caption",
    "utf16_len",
]

MAX_MESSAGE_LENGTH = 4096  # Bot API sendMessage; PTB MessageLimit.MAX_TEXT_LENGTH
MAX_CAPTION_LENGTH = 1024  # PTB MessageLimit.CAPTION_LENGTH

_ATOM_RE = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.DOTALL)
_TAG_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)[^<>]*>")
_EMPTY_PAIR_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?></\1>")
_SPACE = frozenset(" \t\n\r")
_SENTENCE_END = frozenset(".!?…۔؟")
_CLOSERS = frozenset("‘’”\"')]»")
# Never start a chunk with these: they belong to the character before them.
_JOINERS = frozenset("\u200c\u200d\ufe0e\ufe0f")

_TEXT, _OPEN, _CLOSE = 0, 1, 2
_PARAGRAPH, _LINE, _SENTENCE, _WORD, _HARD = 4, 3, 2, 1, 0


def utf16_len(text: str) -> int:
    """Return the length of a string in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Cut:
    end: int  # first atom not in this chunk
    resume: int  # first atom of the next chunk (after the whitespace at the cut)
    priority: int


class _Atoms:
    """The message cut into atoms, with running costs and the open-tag stack at each boundary."""

    def __init__(self, text: str) -> None:
        self.atoms: list[str] = _ATOM_RE.findall(text)
        size = len(self.atoms) + 1
        self.kinds = [_TEXT] * (size - 1)
        self.cum = [0] * size  # UTF-16 length of atoms[:i]
        self.stacks: list[tuple[str, ...]] = [()] * size  # open tags before atom i
        self.names: list[tuple[str, ...]] = [()] * size
        self.reopen = [0] * size  # cost of re-opening stacks[i]
        self.close = [0] * size  # cost of closing stacks[i]
        stack: tuple[str, ...] = ()
        names: tuple[str, ...] = ()
        total = reopen = close = 0
        for i, atom in enumerate(self.atoms):
            tag = _TAG_RE.fullmatch(atom) if atom[0] == "<" else None
            if tag is not None:
                name = tag.group(2).lower()
                if tag.group(1):
                    if not names or names[-1] != name:
                        raise ValueError(f"render: unbalanced HTML at </{name}>")
                    reopen -= utf16_len(stack[-1])
                    close -= len(name) + 3
                    stack, names, self.kinds[i] = stack[:-1], names[:-1], _CLOSE
                else:
                    reopen += utf16_len(atom)
                    close += len(name) + 3
                    stack, names, self.kinds[i] = (*stack, atom), (*names, name), _OPEN
            total += 1 if len(atom) == 1 and atom < "\U00010000" else utf16_len(atom)
            self.cum[i + 1], self.stacks[i + 1], self.names[i + 1] = total, stack, names
            self.reopen[i + 1], self.close[i + 1] = reopen, close
        if stack:
            raise ValueError(f"render: unclosed HTML tag {stack[-1]}")

    def __len__(self) -> int:
        return len(self.atoms)

    def is_space(self, i: int) -> bool:
        return self.kinds[i] == _TEXT and self.atoms[i] in _SPACE

    def char(self, i: int) -> str:
        atom = self.atoms[i]
        if self.kinds[i] != _TEXT:
            return ""
        return html.unescape(atom) if len(atom) > 1 else atom

    def cost(self, start: int, end: int) -> int:
        """UTF-16 length of the chunk atoms[start:end] with re-opened and closing tags."""
        return self.reopen[start] + self.cum[end] - self.cum[start] + self.close[end]

    def render(self, start: int, end: int) -> str:
        closing = "".join(f"</{name}>" for name in reversed(self.names[end]))
        chunk = "".join(self.stacks[start]) + "".join(self.atoms[start:end]) + closing
        while True:
            cleaned = _EMPTY_PAIR_RE.sub("", chunk)
            if cleaned == chunk:
                return chunk
            chunk = cleaned


def _gap_priority(atoms: _Atoms, start: int, end: int) -> int:
    newlines = sum(atoms.atoms[i] == "\n" for i in range(start, end))
    if newlines >= 2:
        return _PARAGRAPH
    if newlines == 1:
        return _LINE
    i = start - 1
    while i >= 0 and (atoms.kinds[i] == _CLOSE or atoms.char(i) in _CLOSERS):
        i -= 1
    if i >= 0 and atoms.char(i) in _SENTENCE_END:
        return _SENTENCE
    return _WORD


def _can_hard_cut(atoms: _Atoms, i: int) -> bool:
    if i >= len(atoms) or atoms.kinds[i] != _TEXT or atoms.kinds[i - 1] != _TEXT:
        return True
    char = atoms.char(i)
    return not (unicodedata.combining(char) or char in _JOINERS or atoms.char(i - 1) in _JOINERS)


def _best_cut(atoms: _Atoms, start: int, limit: int) -> _Cut:
    """Find where the chunk starting at `start` should end."""
    furthest: dict[int, _Cut] = {}  # the furthest cut that fits, per priority
    i = start
    while i < len(atoms) and atoms.reopen[start] + atoms.cum[i] - atoms.cum[start] <= limit:
        if atoms.is_space(i):
            end = i
            while end < len(atoms) and atoms.is_space(end):
                end += 1
            if i > start and atoms.cost(start, i) <= limit:
                cut = _Cut(i, end, _gap_priority(atoms, i, end))
                furthest[cut.priority] = cut
            i = end
            continue
        # A hard cut is only used when the window has no space at all, so stop looking once
        # one is found.
        soft = any(priority > _HARD for priority in furthest)
        if not soft and i > start and atoms.cost(start, i) <= limit and _can_hard_cut(atoms, i):
            furthest[_HARD] = _Cut(i, i, _HARD)
        i += 1
    if not furthest:
        raise ValueError(f"render: cannot fit markup into {limit} UTF-16 units")
    soft_cuts = [cut for cut in furthest.values() if cut.priority > _HARD]
    # Prefer the best kind of boundary that still fills half the chunk, so a paragraph break
    # near the start does not leave a tiny message.
    filled = [cut for cut in soft_cuts if atoms.cost(start, cut.end) >= limit // 2]
    pool = filled or soft_cuts or list(furthest.values())
    return max(pool, key=lambda cut: (cut.priority, cut.end))


def _has_text(chunk: str) -> bool:
    return bool(_TAG_RE.sub("", chunk).strip())


def _split(text: str, limit: int) -> list[str]:
    if limit < 1:
        raise ValueError("render: limit must be positive")
    atoms = _Atoms(text)
    chunks: list[str] = []
    start = 0
    while start < len(atoms):
        if atoms.cost(start, len(atoms)) <= limit:
            cut = _Cut(len(atoms), len(atoms), _HARD)
        else:
            cut = _best_cut(atoms, start, limit)
        chunk = atoms.render(start, cut.end)
        if _has_text(chunk):
            chunks.append(chunk)
        start = cut.resume
    return chunks


def split_message(text: str, limit: int = MAX_MESSAGE_LENGTH, lang: str | None = None) -> list[str]:
    """Split HTML into balanced chunks of at most `limit` UTF-16 units (RTL-marked for Urdu)."""
    if lang is None or direction_for(lang) == "ltr":
        return _split(text, limit)
    # Every line of the input gets its RLM first; a chunk that starts mid-line gets one more,
    # so leave room for it.
    return [rtl_paragraph(chunk) for chunk in _split(rtl_paragraph(text), limit - 1)]


def truncate_caption(
    text: str, limit: int = MAX_CAPTION_LENGTH, lang: str | None = None, ellipsis: str = "…"
) -> str:
    """Shorten HTML to fit a media caption, at a word boundary, ending with an ellipsis."""
    if utf16_len(text) <= limit:
        return text
    chunks = split_message(text, limit - utf16_len(ellipsis), lang)
    return chunks[0] + ellipsis if chunks else ""


def paginate(text: str, page_size: int = 3500, lang: str | None = None) -> list[str]:
    """Cut a long article into reader pages at paragraph or sentence ends; room left for a header."""
    if not 0 < page_size <= MAX_MESSAGE_LENGTH:
        raise ValueError(f"render: page_size must be in 1..{MAX_MESSAGE_LENGTH}")
    return split_message(text, page_size, lang) or [""]
