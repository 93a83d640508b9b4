"""Language detection for English, Urdu (Nastaliq or Roman) and everything else, by script.

English and Urdu are hand-written rules rather than a detector package: research
urdu-summaries.md §5 found that script share settles Urdu against English on every test text,
and that no detector on PyPI has a Roman Urdu class (they call it English or some Latin-script
language), so a marker lexicon is needed anyway. The lexicons live in ``news/extract/lexicons/``.
Which *other* language a text is in (``language_label``) is py3langid's answer (langid.py's
model: 97 languages; research findings-2026-12.md: 99.5% on 8-word FLORES sentences), loaded
only when a text is neither English nor Urdu.
"""

from __future__ import annotations

import re
import threading
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from storage.textnorm import normalize_for_search

__all__ = [
    "detect_language",
    "is_roman_urdu",
    "language_label",
    "normalize_language_tag",
    "read_lexicon_words",
]

# Letters found in Urdu but in neither Arabic nor Persian: tteh, ddal, rreh, noon ghunna,
# yeh barree (+ hamza form), do-chashmi heh, heh goal (+ hamza form).
_URDU_ONLY = re.compile("[ٹڈڑںےۓھہۂ]")
# Letters that mark Arabic or Persian spelling where Urdu uses another letter: Arabic heh (Urdu
# writes heh goal), teh marbuta, Arabic yeh/kaf/alef maksura (Urdu ی/ک), Persian-only jeh is
# shared, so it is not listed.
_ARABIC_PERSIAN_ONLY = re.compile("[هةيكى]")
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff](?<=[^\W\d_])")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f](?<=[^\W\d_])")
_ACCENTED = re.compile(r"[\u00c0-\u024f](?<=[^\W\d_])")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ROMAN_URDU_SHARE = 0.2  # research §5: >= 20% marker tokens, 150/150 English texts not flagged
_ENGLISH_SHARE = 0.08  # English prose is ~40% function words; headlines have fewer
_SHORT_TEXT_TOKENS = 8  # below this, a Latin text without markers is taken as English


@cache
def read_lexicon_words(name: str) -> frozenset[str]:
    """Return the folded words of ``news/extract/lexicons/<name>.txt``, ignoring ``#`` comment lines."""
    text = resources.files("news.extract").joinpath("lexicons", f"{name}.txt").read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if not line.lstrip().startswith("#"):
            words.update(normalize_for_search(line).split())
    return frozenset(words)


def normalize_language_tag(tag: str | None) -> str | None:
    """Map a declared language ("en-GB", "ur_PK", "urdu", "English") to "en", "ur" or None."""
    if not tag:
        return None
    base = re.split(r"[-_\s]", tag.strip().casefold(), maxsplit=1)[0]
    if base in {"en", "eng", "english"}:
        return "en"
    if base in {"ur", "urd", "urdu", "اردو", "اُردُو"}:
        return "ur"
    return None


# A text is read up to six times per label (language_label detects twice, each detection
# reads tokens up to three times): the last few readings are kept (~0.6 ms an article).
@lru_cache(maxsize=8)
def _script_counts(text: str) -> tuple[int, int, int, int, int]:
    """Count Arabic-script, Latin, other letters, Urdu-only and Arabic/Persian-only letters."""
    # Regex counting runs in C: a per-character Python loop cost ~4 ms per article.
    letters = len(_LETTER.findall(text))
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    urdu_only = len(_URDU_ONLY.findall(text))
    arabic_only = len(_ARABIC_PERSIAN_ONLY.findall(text))
    return arabic, latin, letters - arabic - latin, urdu_only, arabic_only


@lru_cache(maxsize=8)
def _latin_tokens(text: str) -> tuple[str, ...]:
    """Return the lower-cased Latin-script words of ``text``."""
    return tuple(word for word in _WORD.findall(text.casefold()) if word.isascii())


def is_roman_urdu(text: str) -> bool:
    """Tell whether Latin-script ``text`` is Urdu written in Roman letters (marker share)."""
    tokens = _latin_tokens(text)
    if not tokens:
        return False
    markers = read_lexicon_words("roman-ur")
    hits = sum(token in markers for token in tokens)
    # One marker in a two-word message ("news kya") is already a fair signal.
    return hits / len(tokens) >= _ROMAN_URDU_SHARE and hits >= min(2, len(tokens) - 1)


def _detect_arabic_script(urdu_only: int, arabic_only: int, declared: str | None) -> str | None:
    """Tell Urdu from Arabic and Persian among Arabic-script letters."""
    # Urdu typed on an Arabic keyboard keeps some ے/ہ among its ي/ك/ه, hence the 1:10 ratio.
    if urdu_only and urdu_only * 10 >= arabic_only:
        return "ur"
    if declared == "ur" and urdu_only + 1 >= arabic_only:
        return "ur"
    if arabic_only:
        return None
    # No letter that only one of the languages uses (short words such as پاکستان): this bot
    # reads English and Urdu feeds, so Arabic script without an Arabic/Persian mark is Urdu.
    return "ur"


def _detect_latin_script(text: str, declared: str | None, *, other_letters: bool) -> str | None:
    """Tell English, Roman Urdu and other Latin-script languages apart (declared: en, ur or None)."""
    if is_roman_urdu(text):
        return "ur"
    tokens = _latin_tokens(text)
    english = read_lexicon_words("stop-en")
    share = sum(token in english for token in tokens) / len(tokens) if tokens else 0.0
    if share >= _ENGLISH_SHARE and not other_letters:
        return "en"
    if declared == "en":
        return "en"
    if len(tokens) < _SHORT_TEXT_TOKENS and not other_letters:
        return "en"
    return None


def detect_language(text: str, *, declared: str | None = None) -> str | None:
    """Return "en", "ur" (Nastaliq or Roman Urdu) or None for any other language.

    ``declared`` (a feed's or page's language tag) decides when the text is too short to say
    and the script agrees with it; the text wins when it contradicts the declaration.
    """
    tag = normalize_language_tag(declared)
    if declared and tag is None and not text.strip():
        return None
    arabic, latin, other, urdu_only, arabic_only = _script_counts(text)
    total = arabic + latin + other
    if total == 0:
        return tag
    if arabic / total >= 0.5:
        return _detect_arabic_script(urdu_only, arabic_only, tag)
    if latin / total >= 0.5:
        if declared and tag is None and len(_latin_tokens(text)) < _SHORT_TEXT_TOKENS:
            return None  # a short text declared French, German… is not ours to relabel
        accented = len(_ACCENTED.findall(text))
        return _detect_latin_script(text, tag, other_letters=accented > 0.03 * latin)
    return None


_ISO_TAG = re.compile(r"^([a-z]{2,3})(?:[-_].*)?$")
_MODEL_LOCK = threading.Lock()
_CONFIDENT = 0.9  # py3langid's probability above which it overrules an "en" declaration


def _iso_code(tag: str | None) -> str | None:
    """The language subtag of a declared tag ("fr-FR" → "fr"), when it looks like one."""
    match = _ISO_TAG.match((tag or "").strip().casefold())
    return match.group(1) if match else None


@cache
def _identifier() -> Any:
    """py3langid's model, limited to languages with a two-letter ISO 639-1 code (~1 s to load)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # heavy: only when needed

    with _MODEL_LOCK:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages([code for code in identifier.nb_classes if len(code) == 2])
    return identifier


def _other_language(text: str) -> tuple[str, float]:
    """The likeliest language of ``text`` that is neither English nor Urdu, with its probability."""
    for code, probability in _identifier().rank(text):
        if code not in ("en", "ur"):
            return str(code), float(probability)
    raise AssertionError("py3langid knows more than two languages")


def _says_other_than_english(text: str) -> bool:
    """Whether a text taken as English only for its declaration is clearly another language."""
    if detect_language(text) == "en":  # the text itself reads as English (or is too short)
        return False
    best, probability = _identifier().classify(text)
    return best not in ("en", "ur") and float(probability) >= _CONFIDENT


def language_label(text: str, *, declared: str | None = None) -> str | None:
    """The language to store an article under: "en", "ur", or the ISO 639-1 code of another
    language ("fr", "ar", "fa", "hi"…); None when neither the text nor ``declared`` tells.

    Unlike detect_language, a text in another language is named, not left as None, and a page
    that is plainly French stays French on a feed declared English.
    """
    found = detect_language(text, declared=declared)
    if found == "ur":
        return found
    if found == "en":
        return _other_language(text)[0] if _says_other_than_english(text) else found
    other = _iso_code(declared) if normalize_language_tag(declared) is None else None
    if not _LETTER.search(text) or (other and len(_latin_tokens(text)) < _SHORT_TEXT_TOKENS):
        return other  # nothing to read, or too little to overrule the page's own tag
    return _other_language(text)[0]
