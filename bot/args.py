"""Parsing of command arguments typed by users: cleaning them, ids, counts, quoted phrases."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.render.html import is_safe_url
from bot.services import KhabarContext
from storage.models import MAX_URL
from storage.textnorm import clean_text

__all__ = [
    "MAX_ID",
    "CleanCommandHandler",
    "clean_args",
    "is_feed_url",
    "parse_count",
    "parse_id",
    "phrase_of",
]

MAX_ID = 2**63 - 1

# Urdu keyboards type Extended Arabic-Indic digits (۰-۹); Arabic ones (٠-٩) come from pasted text.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def clean_args(args: Sequence[str]) -> list[str]:
    """Arguments without NUL, other controls or bidi overrides (clean_text); empty ones dropped."""
    return [arg for arg in map(clean_text, args) if arg]


class CleanCommandHandler(CommandHandler[KhabarContext, None]):
    """A CommandHandler whose ``context.args`` are cleaned before any command sees them: the one
    place typed arguments are made safe for SQL and for echoing back."""

    def collect_additional_context(
        self,
        context: KhabarContext,
        update: Update,
        application: Application[Any, KhabarContext, Any, Any, Any, Any],
        check_result: bool | tuple[list[str], bool] | None,
    ) -> None:
        """Set ``context.args`` as CommandHandler does, then clean them."""
        super().collect_additional_context(context, update, application, check_result)
        if context.args:
            context.args = clean_args(context.args)


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


def is_feed_url(text: str) -> bool:
    """Whether a typed address can be a feed's: http(s), a host, and short enough to store."""
    return len(text) <= MAX_URL and is_safe_url(text)
