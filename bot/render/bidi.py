"""Right-to-left layout for Urdu messages: the direction marks Telegram clients honour.

Why marks and not isolates: Unicode recommends LRI/RLI/FSI…PDI (UAX #9, since 6.3), but
Telegram Desktop lays text out with a copy of Qt 5.6's QText that mishandles isolates
(telegramdesktop/tdesktop#27099, #10544), and WebKit long ignored them (w3c/afrlreq#10), so
iOS/macOS clients are a risk too. RLM (U+200F) and LRM (U+200E) are plain strong characters with
no glyph, honoured by every bidi implementation since Unicode 1.1. Telegram clients pick each
paragraph's direction from its first (strong) character (tdesktop#3845), so an Urdu line that
starts with Latin, a digit, an emoji or "•" gets an RLM in front.

Bot commands stay tappable: clients detect `/command` only after start-of-text or whitespace
(tdesktop's and Android's command regexes), so an LRM is never put directly before a "/"; it is
put before the whitespace that precedes a Latin run instead (`isolate_ltr_runs`).

The functions accept Telegram HTML as well as plain text: tags (`<…>`) are skipped and entities
(`&amp;`) are treated as the character they stand for; no mark is ever put inside a tag or entity.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Literal

__all__ = [
    "LRM",
    "RLM",
    "Direction",
    "apply_direction",
    "contains_rtl",
    "direction_for",
    "isolate_ltr",
    "isolate_ltr_runs",
    "rtl_paragraph",
    "strip_marks",
]

Direction = Literal["ltr", "rtl"]

LRM = "\u200e"
RLM = "\u200f"
_ALM = "\u061c"

_RTL_LANGUAGES = frozenset({"ur", "ar", "fa", "he", "ps", "sd"})
# Hebrew, Arabic, Syriac, Thaana, NKo…Arabic Extended-A, and the Hebrew/Arabic presentation forms.
_RTL_CHARS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_RTL_RE = re.compile(f"[{_RTL_CHARS}]")
_MARKUP_RE = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_TAG_RE = re.compile(r"<[^<>]*>")
# One "token" of a Latin run: no whitespace, no RTL letter or Arabic-script punctuation, no
# direction mark, no tag, and none of the quotation marks that BBC Urdu uses around Urdu text.
_TOKEN = f"(?:&#?[A-Za-z0-9]+;|[^\\s{_RTL_CHARS}\u200e\u200f\u061c<>&‘’“”«»]|&)+"
_RUN_RE = re.compile(f"{_TOKEN}(?:[ \u00a0]+{_TOKEN})*")
# Neutral punctuation at a run's edge belongs to the surrounding Urdu sentence ("BBC:" reads
# BBC, then the colon), except sigils that belong to the run ("/latest", "#12", "+92", "C++").
_LEAD_KEEP = frozenset("/@#+-$£€")
_TRAIL_KEEP = frozenset("+%")
_OPENERS = {"(": ")", "[": "]", "<": ">"}
_CLOSERS = {")": "(", "]": "[", ">": "<"}


def direction_for(lang: str) -> Direction:
    """Return the writing direction of a language code ("ur" → "rtl")."""
    return "rtl" if lang.split("-", 1)[0].lower() in _RTL_LANGUAGES else "ltr"


def contains_rtl(text: str) -> bool:
    """Return True when the text has at least one Hebrew- or Arabic-script character."""
    return _RTL_RE.search(text) is not None


def strip_marks(text: str) -> str:
    """Remove LRM, RLM and ALM marks (for comparisons, logs and plain-text consoles)."""
    return text.replace(LRM, "").replace(RLM, "").replace(_ALM, "")


def isolate_ltr(text: str) -> str:
    """Wrap a whole Latin/number fragment in LRM marks so it stays in order inside Urdu text."""
    if not text:
        return text
    return f"{LRM}{text}{LRM}"


def _starts_rtl(line: str) -> bool:
    visible = _MARKUP_RE.sub(_markup_char, line).lstrip()
    if not visible:
        return True  # an empty line needs no mark
    return unicodedata.bidirectional(visible[0]) in ("R", "AL")


def _markup_char(match: re.Match[str]) -> str:
    token = match.group(0)
    return "" if token.startswith("<") else html.unescape(token)


def rtl_paragraph(text: str) -> str:
    """Start every line that does not begin with an RTL letter with an RLM (idempotent)."""
    lines = text.split("\n")
    return "\n".join(line if _starts_rtl(line) else RLM + line for line in lines)


def _is_isolated(text: str, start: int, end: int) -> bool:
    before = start
    while before > 0 and text[before - 1] in " \u00a0":
        before -= 1
    return (before > 0 and text[before - 1] == LRM) or text.startswith(LRM, end)


def _trim_run(run: str) -> tuple[int, int]:
    """Return the slice of a raw run that should be isolated (edges may be punctuation)."""
    units = re.findall(r"&#?[A-Za-z0-9]+;|.", run, flags=re.DOTALL)
    chars = [html.unescape(unit) for unit in units]
    lo, hi = 0, len(units)
    while lo < hi and not _keeps_lead(chars[lo], chars[lo:hi]):
        lo += 1
    while hi > lo and not _keeps_trail(chars[hi - 1], chars[lo:hi]):
        hi -= 1
    start = sum(len(u) for u in units[:lo])
    return start, start + sum(len(u) for u in units[lo:hi])


def _keeps_lead(char: str, chars: list[str]) -> bool:
    if char in _OPENERS:
        return _OPENERS[char] in chars
    return char in _LEAD_KEEP or unicodedata.bidirectional(char) in ("L", "EN", "AN")


def _keeps_trail(char: str, chars: list[str]) -> bool:
    if char in _CLOSERS:
        return _CLOSERS[char] in chars
    return char in _TRAIL_KEEP or unicodedata.bidirectional(char) in ("L", "EN", "AN")


def _needs_isolation(run: str) -> bool:
    chars = html.unescape(run)
    has_latin = any(unicodedata.bidirectional(c) == "L" for c in chars)
    # A bare number such as 2024 already lays out correctly; "10:30", "+92", "8.6%" do not.
    return has_latin or (any(c.isdigit() for c in chars) and not chars.isdigit())


def _isolate_segment(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _RUN_RE.finditer(text):
        lo, hi = _trim_run(match.group(0))
        start, end = match.start() + lo, match.start() + hi
        if start >= end or not _needs_isolation(text[start:end]):
            continue
        if _is_isolated(text, start, end):
            continue
        # Put the opening LRM before the spaces in front of the run, so "/cmd" keeps the
        # whitespace that clients need to detect it as a command.
        lead = start
        while lead > pos and text[lead - 1] in " \u00a0":
            lead -= 1
        if lead == 0 or text[lead - 1] == "\n":
            lead = start
        out.append(text[pos:lead])
        out.append(LRM)
        out.append(text[lead:end])
        out.append(LRM)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def isolate_ltr_runs(text: str) -> str:
    """Put LRM marks around each Latin/number run inside Urdu text (HTML-aware, idempotent)."""
    if not contains_rtl(text):
        return text
    parts: list[str] = []
    pos = 0
    for tag in _TAG_RE.finditer(text):
        parts.append(_isolate_segment(text[pos : tag.start()]))
        parts.append(tag.group(0))
        pos = tag.end()
    parts.append(_isolate_segment(text[pos:]))
    return "".join(parts)


def apply_direction(text: str, lang: str) -> str:
    """Lay a finished message out for a language: for Urdu, isolate Latin runs and mark lines."""
    if direction_for(lang) == "ltr":
        return text
    return rtl_paragraph(isolate_ltr_runs(text))
