"""English and Urdu message catalogs: gettext .po files keyed by message key, read with Babel.

Message ids are keys (`read.usage`), not English sentences, so English is a catalog like Urdu.
`t(lang, key, **params)` returns Telegram HTML (`Html`): catalog texts are HTML, and every str
parameter is escaped unless it is already `Html`. For Urdu the result is also laid out right to
left (`bot.render.bidi.apply_direction`): Latin runs are isolated and lines start with an RLM when needed.

An unknown language falls back to English. A key missing from Urdu falls back to English with a
warning (tests/test_i18n.py fails first); a key missing from English raises KeyError, so a typo
never shows the raw key to a user.
"""

from __future__ import annotations

import gettext
import html
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import read_po

from bot.render.bidi import apply_direction
from bot.render.html import Html, escape, to_plain_text
from bot.render.timefmt import format_number

__all__ = [
    "ADMIN_COMMANDS",
    "DEFAULT_LANGUAGE",
    "LANGUAGE_NAMES",
    "LOCALES_DIR",
    "PUBLIC_COMMANDS",
    "SUPPORTED_LANGUAGES",
    "Catalog",
    "Translator",
    "command_descriptions",
    "get_translator",
    "load_catalog",
    "normalize_language",
    "t",
    "t_notice",
    "t_plain",
    "tn",
    "tn_plain",
]

log = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("en", "ur")
DEFAULT_LANGUAGE = "en"
# Each language named in itself, for the language picker buttons.
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType({"en": "English", "ur": "اردو"})
LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "khabar"

# Commands offered through setMyCommands, in menu order; each has a `commands.<name>` key.
PUBLIC_COMMANDS = (
    "latest",
    "topics",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "read",
    "search",
    "sources",
    "follow",
    "unfollow",
    "lang",
    "news",
    "timezone",
    "digest",
    "quiet",
    "mute",
    "unmute",
    "settings",
    "channels",
    "help",
    "start",
)
ADMIN_COMMANDS = ("stats", "addfeed", "removefeed")

Message = str | tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """One language's messages: key → text, or key → plural forms, plus the plural rule."""

    lang: str
    messages: Mapping[str, Message]
    plural: Callable[[int], int]


def load_catalog(lang: str, directory: Path = LOCALES_DIR) -> Catalog:
    """Read `<directory>/<lang>/LC_MESSAGES/khabar.po`; empty and fuzzy entries count as missing."""
    path = directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fp:
        po = read_po(fp, locale=lang, domain=DOMAIN, abort_invalid=True)
    messages: dict[str, Message] = {}
    for message in po:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string
        if isinstance(text, (tuple, list)):
            if all(text):
                messages[key] = tuple(text)
        elif text:
            messages[key] = text
    # The C plural expression from the Plural-Forms header, evaluated the way gettext does.
    plural = gettext.c2py(po.plural_expr)
    return Catalog(lang, MappingProxyType(messages), plural)


def normalize_language(code: str | None) -> str:
    """Map a Telegram `language_code` ("ur-PK", "en-US", None) to a supported language."""
    base = (code or "").replace("_", "-").split("-", 1)[0].lower()
    return base if base in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def _format_param(value: object) -> str:
    if isinstance(value, Html):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return escape(str(value))


class Translator:
    """Looks message keys up in loaded catalogs and formats them as Telegram HTML."""

    def __init__(self, catalogs: Mapping[str, Catalog], *, strict: bool = False) -> None:
        """Use the given catalogs; `strict` raises KeyError instead of falling back to English."""
        if DEFAULT_LANGUAGE not in catalogs:
            raise ValueError(f"i18n: the {DEFAULT_LANGUAGE} catalog is required")
        self.catalogs = dict(catalogs)
        self.strict = strict

    def keys(self, lang: str) -> frozenset[str]:
        """Return every key the language's catalog defines."""
        return frozenset(self.catalogs[lang].messages)

    def lookup(self, lang: str, key: str) -> tuple[Catalog, Message]:
        """Find a key's raw catalog entry, falling back to English; raise KeyError if absent."""
        catalog = self.catalogs.get(lang) or self.catalogs[DEFAULT_LANGUAGE]
        message = catalog.messages.get(key)
        if message is None and catalog.lang != DEFAULT_LANGUAGE:
            if self.strict:
                raise KeyError(f"i18n: {catalog.lang} catalog has no key {key!r}")
            log.warning("i18n: %s catalog has no key %r; using English", catalog.lang, key)
            catalog = self.catalogs[DEFAULT_LANGUAGE]
            message = catalog.messages.get(key)
        if message is None:
            raise KeyError(f"i18n: unknown message key {key!r}")
        return catalog, message

    def _render(self, catalog: Catalog, text: str, params: Mapping[str, object]) -> Html:
        formatted = text.format_map({k: _format_param(v) for k, v in params.items()})
        return Html(apply_direction(formatted, catalog.lang))

    def t(self, lang: str, key: str, **params: object) -> Html:
        """Return the message for a key in a language, with `{name}` parameters filled in."""
        catalog, message = self.lookup(lang, key)
        if isinstance(message, tuple):
            raise TypeError(f"i18n: {key!r} has plural forms; use tn()")
        return self._render(catalog, message, params)

    def tn(self, lang: str, key: str, n: int, **params: object) -> Html:
        """Return the plural form of a key for count n; `{n}` is n formatted for the language."""
        catalog, message = self.lookup(lang, key)
        if not isinstance(message, tuple):
            raise TypeError(f"i18n: {key!r} has no plural forms; use t()")
        index = min(catalog.plural(n), len(message) - 1)
        return self._render(catalog, message[index], {"n": format_number(n, lang), **params})


@cache
def get_translator() -> Translator:
    """Return the process-wide translator, loading the catalogs on first use."""
    return Translator({lang: load_catalog(lang) for lang in SUPPORTED_LANGUAGES})


def t(lang: str, key: str, **params: object) -> Html:
    """Translate a message key (see Translator.t)."""
    return get_translator().t(lang, key, **params)


def tn(lang: str, key: str, n: int, **params: object) -> Html:
    """Translate a message key with plural forms for count n (see Translator.tn)."""
    return get_translator().tn(lang, key, n, **params)


def t_plain(lang: str, key: str, **params: object) -> str:
    """Translate to plain text (no tags, entities decoded) for buttons and callback answers."""
    return to_plain_text(t(lang, key, **params))


_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f\u2066\u2067\u2068\u2069")


def t_notice(lang: str, key: str) -> str:
    """A callback answer: plain text without direction marks (Telegram shows it as a toast)."""
    return t_plain(lang, key).translate(_BIDI_MARKS)


def tn_plain(lang: str, key: str, n: int, **params: object) -> str:
    """Translate a plural message to plain text for buttons and callback answers."""
    return to_plain_text(tn(lang, key, n, **params))


def command_descriptions(lang: str, *, admin: bool = False) -> list[tuple[str, str]]:
    """Return (command, description) pairs in plain text for setMyCommands."""
    names = PUBLIC_COMMANDS + ADMIN_COMMANDS if admin else PUBLIC_COMMANDS
    translator = get_translator()
    pairs = []
    for name in names:
        _, text = translator.lookup(normalize_language(lang), f"commands.{name}")
        assert isinstance(text, str)
        pairs.append((name, html.unescape(text)))
    return pairs
