"""Parsing of command arguments typed by users: ids, counts, quoted phrases."""

from __future__ import annotations

import shlex

__all__ = ["MAX_ID", "parse_count", "parse_id", "phrase_of"]

MAX_ID = 2**63 - 1

# Urdu keyboards type Extended Arabic-Indic digits (۰-۹); Arabic ones (٠-٩) come from pasted text.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def parse_id(text: str) -> int | None:
    """A positive article id ("42", "#42", "۴۲"), or None ("abc", "-1", a 20-digit number)."""
    text = text.strip().lstrip("#").translate(_DIGITS)
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_count(text: str, maximum: int) -> int | None:
    """A count from 1 to ``maximum``, or None."""
    value = parse_id(text)
    return value if value is not None and value <= maximum else None


def phrase_of(args: list[str]) -> str:
    """The arguments as one phrase, quotes (straight or curly) removed."""
    raw = " ".join(args).strip()
    for left, right in (('"', '"'), ("“", "”"), ("'", "'"), ("«", "»")):
        if len(raw) >= 2 and raw.startswith(left) and raw.endswith(right):
            return raw[1:-1].strip()
    try:
        return " ".join(shlex.split(raw))
    except ValueError:
        return raw.strip("\"'“”")
