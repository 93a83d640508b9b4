"""Search-key normalisation: the folded copy of English and Urdu text that is indexed and matched.

Written here rather than taken from a package: the Urdu normalisers on PyPI map every Arabic heh
to heh goal (turning گهر into گہر) or keep ZWNJ; see shared research urdu-summaries.md §2.2.
This copy is only for matching, never for display.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "fold_urdu", "normalize_for_search"]

# C0 controls but tab and newline, DEL, C1 controls; the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069: a feed's RLO can reverse the rest of a message, "Trojan Source",
# CVE-2021-42574), which Khabar never needs (bot.render.bidi uses LRM/RLM); and lone surrogates, which
# no database can encode. PostgreSQL rejects NUL in text outright; SQLite would store it.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

_CHAR_MAP = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi/Urdu yeh
        "\u0649": "\u06cc",  # alef maksura -> Urdu yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u06c0": "\u06c2",  # heh with yeh above -> heh goal with hamza
        # Arabic heh is ambiguous between heh goal and do-chashmi; fold all three into one class
        # in the matching copy only (research §2.2 pitfalls).
        "\u0647": "\u06c1",
        "\u06be": "\u06c1",
        "\u0640": None,  # tatweel
        "\u200c": None,  # ZWNJ
        "\u200d": None,  # ZWJ
        "\u200e": None,  # LRM
        "\u200f": None,  # RLM
        "\u061c": None,  # Arabic letter mark
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
    }
)
# The same mapping as chained str.replace: one C scan per letter present beats translate's dict
# lookup per character (0.35 ms on a 7,000-character body). No replacement is itself a key, so
# the order does not matter.
_REPLACEMENTS = tuple((chr(key), value or "") for key, value in _CHAR_MAP.items())
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
# Every character the folding touches besides NFC: Arabic script, the joiners and marks, the
# presentation forms. NFC composes no character outside these blocks into one inside them.
_FOLDED = re.compile("[\u0600-\u06ff\u200c-\u200f\ufb50-\ufdff\ufe70-\ufeff]")


def clean_text(text: str) -> str:
    """``text`` without NUL, other control characters (tab and newline stay; CR becomes a
    newline), bidi overrides and isolates, or lone surrogates: safe to store and to show."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWANTED.sub("", text)


def fold_urdu(text: str) -> str:
    """Fold Arabic-keyboard letters, diacritics, joiners and digits to one Urdu matching form."""
    if _FOLDED.search(text) is None:  # English: only NFC to do (a sixth of the full folding)
        return unicodedata.normalize("NFC", text)
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = unicodedata.normalize("NFC", text)
    text = _DIACRITICS.sub("", text)
    for letter, folded in _REPLACEMENTS:
        if letter in text:
            text = text.replace(letter, folded)
    return text


def normalize_for_search(text: str) -> str:
    """Return the lower-cased, Urdu-folded, space-collapsed matching copy of ``text``."""
    # split() and \s agree on what is a space (str.isspace); joining is 5x cheaper than re.sub.
    return " ".join(fold_urdu(clean_text(text)).casefold().split())
