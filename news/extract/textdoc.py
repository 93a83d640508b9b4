"""Plain-text article rules: the title, date and byline lines, junk header lines and the lead.

Hand-written: extractors work on HTML structure, and a text document (a saved page, a pasted
article) only has line-level cues. The rules are general: a title repeated, a date line right
after the title (the article's) against one above it (the page's), short nav-like lines before
the body, a "date + byline" line as metadata.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from news.summaries.sentences import split_sentences
from storage.textnorm import normalize_for_search

__all__ = [
    "TextParts",
    "is_prose",
    "line_key",
    "make_lead",
    "parse_date_line",
    "split_text_document",
    "strip_leading_metadata",
    "title_from_text",
]

LEAD_CHARS = 300
_MIN_PROSE_WORDS = 8
_LONG_LINE_WORDS = 25  # a line this long is body text even without a final full stop
_MIN_TITLE_WORDS = 3
_MAX_BYLINE_WORDS = 6
_MAX_TITLE_CHARS = 160
_SENTENCE_END = re.compile(r"[.!?۔؟…][\"'”’‘»)\]]*$")
_FULL_STOP = re.compile(r"(?<![.۔])[.۔]$")  # a headline drops it; "?", "!" and "..." stay
_SENTENCE_BREAK = re.compile(r"(?<=[.!?۔؟…])[\"'”’‘»)\]]*\s+(?=[^a-z])")
_BYLINE = re.compile(r"^(?:by|from|written by|reported by|از|رپورٹ)\s+\S", re.IGNORECASE)
# Desk and staff credits carry no name ("Web Desk", "News Desk", "Staff Reporter", "ویب ڈیسک").
_DESK = re.compile(
    r"\b(?:desk|staff|reporter|correspondent|agencies|news service|ڈیسک|نمائندہ|رپورٹر)\b",
    re.IGNORECASE,
)
_NAV_MARK = re.compile(r"[|»«•›>]|\w\(\w|\)\w")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\u00a0": " "})
_WORDS = re.compile(r"[^\W_]+")


_MONTHS = {
    **dict.fromkeys(["january", "jan", "جنوری"], 1),
    **dict.fromkeys(["february", "feb", "فروری"], 2),
    **dict.fromkeys(["march", "mar", "مارچ"], 3),
    **dict.fromkeys(["april", "apr", "اپریل"], 4),
    **dict.fromkeys(["may", "مئی"], 5),
    **dict.fromkeys(["june", "jun", "جون"], 6),
    **dict.fromkeys(["july", "jul", "جولائی"], 7),
    **dict.fromkeys(["august", "aug", "اگست"], 8),
    **dict.fromkeys(["september", "sept", "sep", "ستمبر"], 9),
    **dict.fromkeys(["october", "oct", "اکتوبر"], 10),
    **dict.fromkeys(["november", "nov", "نومبر"], 11),
    **dict.fromkeys(["december", "dec", "دسمبر"], 12),
}
_WEEKDAY = (
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
    r"|پیر|سوموار|منگل|بدھ|جمعرات|جمعہ|ہفتہ|اتوار"
)
_MONTH = "(?P<{0}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_TIME = (
    r"(?:\s*(?:at|,|-|–|—|\|)?\s*T?(?P<hour>[0-2]?\d):(?P<minute>[0-5]\d)(?::[0-5]\d)?"
    r"(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*(?P<tz>utc|gmt|pkt|z|[+-]\d\d:?\d\d))?)?"
)
_DATE = re.compile(
    r"(?<![\d\w])(?:"
    + "|".join(
        [
            _MONTH.format("m1") + r"\s+" + _DAY.format("d1") + r",?\s+(?P<y1>(?:19|20)\d\d)",
            _DAY.format("d2")
            + r"\s+(?:of\s+)?"
            + _MONTH.format("m2")
            + r",?\s+(?P<y2>(?:19|20)\d\d)",
            r"(?P<y3>(?:19|20)\d\d)-(?P<m3>[01]?\d)-(?P<d3>[0-3]?\d)",
            r"(?P<d4>[0-3]?\d)[/.](?P<m4>[01]?\d)[/.](?P<y4>(?:19|20)\d\d)",  # day first (PK, UK)
        ]
    )
    + ")"
    + _TIME
    + r"(?!\d)",
    re.IGNORECASE,
)
_DATE_FILLER = re.compile(
    rf"\b(?:{_WEEKDAY})\b|\b(?:published|updated|last updated|posted|on|date)\b|شائع|اپ ڈیٹ"
    r"|[|,:;•·–—\-/()]",
    re.IGNORECASE,
)
_TZ_OFFSETS = {"utc": 0, "gmt": 0, "z": 0, "pkt": 5 * 60}
# Length-preserving folds so match positions stay valid on the original line.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u064a": "\u06cc",
        "\u0643": "\u06a9",
        "\u060c": ",",
    }
)
_MAX_DATE_LINE_REST = 5  # words left beside the date: a byline at most, not a sentence


def _match_datetime(match: re.Match[str]) -> datetime | None:
    """Build the aware UTC datetime a date match describes, or None if it is not a valid date."""
    groups = match.groupdict()
    n = next(i for i in "1234" if groups[f"y{i}"])
    month_text = groups[f"m{n}"]
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.casefold().rstrip(".")]
    hour, minute = int(groups["hour"] or 0), int(groups["minute"] or 0)
    ampm = (groups["ampm"] or "").casefold()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    tz_text = (groups["tz"] or "").casefold()
    if tz_text in _TZ_OFFSETS:
        offset = _TZ_OFFSETS[tz_text]
    elif tz_text:
        sign = -1 if tz_text[0] == "-" else 1
        digits = tz_text[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
    else:
        offset = 0  # no zone given: taken as UTC
    try:
        local = datetime(int(groups[f"y{n}"]), month, int(groups[f"d{n}"]), hour, minute)
    except ValueError:
        return None
    return local.replace(tzinfo=timezone(timedelta(minutes=offset))).astimezone(UTC)


def parse_date_line(line: str) -> tuple[datetime, str] | None:
    """Parse a line that is a date ("Friday, January 28, 2022", "15 دسمبر 2021 Web Desk").

    Returns the date (aware UTC; midnight UTC when no time is given) and the rest of the line
    (a byline or ""), or None when the line is not mainly a date.
    """
    if len(line) > 120:
        return None
    folded = line.translate(_DIGITS)
    match = _DATE.search(folded)
    if match is None:
        return None
    when = _match_datetime(match)
    if when is None:
        return None
    before = _DATE_FILLER.sub(" ", line[: match.start()]).split()
    after = _DATE_FILLER.sub(" ", line[match.end() :]).split()
    if len(before) + len(after) > _MAX_DATE_LINE_REST or _SENTENCE_END.search(line):
        return None
    return when, " ".join(before + after)


@dataclass(frozen=True)
class TextParts:
    """A plain-text document split into title, body paragraphs and header metadata."""

    title: str
    paragraphs: tuple[str, ...]
    published_at: datetime | None
    author: str | None


def line_key(line: str) -> str:
    """Return the matching key of a line: folded words only, so punctuation does not matter."""
    return " ".join(_WORDS.findall(normalize_for_search(line)))


def is_prose(line: str) -> bool:
    """Tell whether a line reads as body text: a long line, or a sentence of some length."""
    words = len(line.split())
    return words >= _LONG_LINE_WORDS or (
        words >= _MIN_PROSE_WORDS and bool(_SENTENCE_END.search(line))
    )


def _is_byline(line: str) -> bool:
    """Tell whether a short line credits an author or a desk."""
    words = len(line.split())
    return words <= _MAX_BYLINE_WORDS and bool(_BYLINE.match(line) or _DESK.search(line))


def _byline_name(line: str) -> str:
    """Return the name in a byline ("By Jane Doe" → "Jane Doe")."""
    return _BYLINE.sub(lambda m: m.group()[-1], line, count=1).strip(" ,|-–—:")


def _date_line_author(rest: str) -> str | None:
    """Return the credit beside a date ("Web Desk", "By Jane Doe"), not a dateline city."""
    words = rest.split()
    if not words or any(len(w) >= 4 and w.isupper() for w in words):  # "ISLAMABAD"
        return None
    if _is_byline(rest) or (len(words) <= 4 and all(w[:1].isupper() for w in words)):
        return _byline_name(rest)
    if _ARABIC.search(rest) and len(words) <= 4:
        return rest  # Urdu has no capitals; a short credit beside the date
    return None


def _is_nav(line: str, other_tokens: set[str]) -> bool:
    """Tell whether a short unpunctuated line looks like navigation rather than a headline."""
    if _SENTENCE_END.search(line):
        return False
    if _ARABIC.search(line) and _LATIN.search(line):
        return True  # "Live-TV Newspaper اردو": menus mix scripts, headlines rarely do
    if len(_NAV_MARK.findall(line)) >= 2:
        return True
    tokens = line_key(line).split()
    shared = sum(token in other_tokens for token in tokens)
    return bool(tokens) and shared * 2 >= len(tokens)


def _is_hard_wrapped(lines: Sequence[str]) -> bool:
    """Tell whether a text is wrapped at a fixed width (e-mail, saved .txt) rather than by paragraph."""
    lengths = [len(line) for line in lines if len(line) >= 40]
    if len(lengths) < 3 or max(lengths) > 100:
        return False
    return sum(50 <= n <= 100 for n in lengths) >= 0.6 * len(lengths)


def _units(lines: Sequence[str]) -> list[str]:
    """Return the text's lines, with the lines of hard-wrapped paragraphs joined."""
    wrapped = _is_hard_wrapped(lines)
    units: list[str] = []
    joinable = False
    for line in lines:
        if not line:
            joinable = False
            continue
        is_meta = parse_date_line(line) is not None or _is_byline(line)
        if joinable and not is_meta:
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
        # A wrapped line runs to near the full width; a title or menu line stops short.
        joinable = wrapped and not is_meta and len(line) >= 50
    return units


def _choose_title(header: list[str], kinds: list[str]) -> int | None:
    """Return the index of the title line among header lines (kinds: date, byline, text)."""
    keys = [line_key(line) for line in header]
    texts = [i for i, kind in enumerate(kinds) if kind == "text" and keys[i]]
    repeated = [i for i in texts if keys.count(keys[i]) > 1]
    if repeated:  # <title> and <h1> both saved: the headline is the line that repeats
        return max(repeated, key=lambda i: (len(keys[i].split()), -i))
    candidates = []
    for i in texts:
        others = {t for j in texts if keys[j] != keys[i] for t in keys[j].split()}
        if len(keys[i].split()) >= _MIN_TITLE_WORDS and not _is_nav(header[i], others):
            candidates.append(i)
    for i in candidates:  # a headline is followed by its date or byline
        if i + 1 < len(kinds) and kinds[i + 1] in {"date", "byline"}:
            return i
    if candidates:  # the simple case: the first line that is not a menu is the headline
        return candidates[0]
    return texts[0] if texts else None


def _clean_lines(text: str) -> list[str]:
    """Return the NFC, whitespace-trimmed lines of ``text``."""
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return [" ".join(line.split()) for line in text.splitlines()]


def _short_title(line: str) -> str:
    """Cut an overlong first line to a title length at a word boundary."""
    if len(line) <= _MAX_TITLE_CHARS:
        return line
    return line[:_MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def title_from_text(text: str) -> str:
    """A headline for an untitled item (a micro-blog post): its first sentence, English or Urdu
    (``۔`` and ``؟`` end sentences too), without a closing full stop, cut to title length."""
    for sentence in split_sentences(text):
        title = _FULL_STOP.sub("", sentence).strip()
        if title:
            return _short_title(title)
    return ""


def split_text_document(text: str) -> TextParts:
    """Split a plain-text article into title, body paragraphs, date and author."""
    units = _units(_clean_lines(text))
    start = next((i for i, unit in enumerate(units) if is_prose(unit)), None)
    if start is None:  # no sentence-like line: the first line is the title, with its date
        start = min(1, len(units))  # and byline lines, and the rest is the body
        while start < len(units) and (parse_date_line(units[start]) or _is_byline(units[start])):
            start += 1
    header = units[:start]
    dates = [parse_date_line(line) for line in header]
    kinds = [
        "date" if parsed else "byline" if _is_byline(line) else "text"
        for line, parsed in zip(header, dates, strict=True)
    ]
    title_at = _choose_title(header, kinds)
    published: datetime | None = None
    author: str | None = None
    # Dates above the headline belong to the page (today's date in a masthead); the article's
    # date follows its headline. Without a headline, the last date before the body is taken.
    after = range(title_at + 1, len(header)) if title_at is not None else range(len(header))
    for i in after if title_at is not None else reversed(after):
        parsed = dates[i]
        if parsed and published is None:
            published, rest = parsed
            author = author or _date_line_author(rest)
        elif kinds[i] == "byline" and author is None:
            author = _byline_name(header[i])
    body = units[start:]
    if title_at is not None:
        title = header[title_at]
        title_key = line_key(title)
        body = [p for p in body if line_key(p) != title_key]
    else:  # no headline: the opening words stand in for one, and stay in the body
        title = _short_title(body[0]) if body else ""
    junk = {line_key(line) for line, kind in zip(header, kinds, strict=True) if kind == "text"}
    while body and not is_prose(body[-1]) and line_key(body[-1]) in junk:
        body.pop()  # the footer repeats the header's menu
    return TextParts(title, tuple(body), published, author or None)


def strip_leading_metadata(
    paragraphs: Sequence[str], title: str
) -> tuple[list[str], datetime | None, str | None]:
    """Drop a repeated title and date/byline lines above the first prose paragraph.

    Returns the remaining paragraphs and the date and author those lines gave, if any.
    """
    kept = list(paragraphs)
    title_key = line_key(title)
    published: datetime | None = None
    author: str | None = None
    while kept and not is_prose(kept[0]):
        head = kept[0]
        parsed = parse_date_line(head)
        if title_key and line_key(head) == title_key:
            pass
        elif parsed:
            published = published or parsed[0]
            author = author or _date_line_author(parsed[1])
        elif _is_byline(head):
            author = author or _byline_name(head)
        else:
            break
        kept.pop(0)
    return kept, published, author


def make_lead(paragraphs: Sequence[str], limit: int = LEAD_CHARS) -> str:
    """Return the first paragraph(s) up to about ``limit`` characters, cut at a sentence end."""
    lead = ""
    for paragraph in paragraphs:
        joined = f"{lead} {paragraph}" if lead else paragraph
        if len(joined) <= limit:
            lead = joined
            continue
        if not lead:
            cut = paragraph[: limit + 1]
            ends = [m.end() for m in _SENTENCE_BREAK.finditer(cut)]
            if ends and ends[-1] >= limit // 3:
                lead = cut[: ends[-1]].rstrip()
            else:
                lead = cut.rsplit(" ", 1)[0].rstrip(" ,;:–—-") + "…"
        break
    return lead
