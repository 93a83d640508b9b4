"""Model-free clues that two reports in English and Urdu tell of one event: shared numbers
(Urdu digits folded), dates and weekdays, and names compared by their consonants.

A name is written in Latin letters in English and in Urdu script in Urdu; both are reduced to a
consonant skeleton (Karachi → krc, کراچی → krc; vowels, h, w and y dropped, as Urdu script
leaves most short vowels unwritten), so romanized names match without a dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from news.extract.language import read_lexicon_words

__all__ = ["Clues", "read_clues", "shared_clues"]

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+")
_YEARS = range(1990, 2040)  # every report of the window shares the year: no clue
_DAYS = {
    "monday": "d1", "tuesday": "d2", "wednesday": "d3", "thursday": "d4", "friday": "d5",
    "saturday": "d6", "sunday": "d7",
    "پیر": "d1", "منگل": "d2", "بدھ": "d3", "جمعرات": "d4", "جمعہ": "d5", "ہفتہ": "d6",
    "ہفتے": "d6", "اتوار": "d7",
}  # fmt: skip
_MONTHS = {
    "january": "m1", "february": "m2", "march": "m3", "april": "m4", "may": "m5", "june": "m6",
    "july": "m7", "august": "m8", "september": "m9", "october": "m10", "november": "m11",
    "december": "m12",
    "جنوری": "m1", "فروری": "m2", "مارچ": "m3", "اپریل": "m4", "مئی": "m5", "جون": "m6",
    "جولائی": "m7", "اگست": "m8", "ستمبر": "m9", "اکتوبر": "m10", "نومبر": "m11", "دسمبر": "m12",
}  # fmt: skip
_LATIN_PAIRS = (("ch", "č"), ("sh", "s"), ("kh", "k"), ("gh", "g"), ("ph", "f"), ("th", "t"))
_LATIN = str.maketrans({"q": "k", "x": "k", "c": "k", "v": None, "w": None, "y": None, "h": None})
_URDU = {
    "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "c", "خ": "k", "د": "d",
    "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "z", "س": "s", "ش": "s", "ص": "s",
    "ض": "z", "ط": "t", "ظ": "z", "غ": "g", "ف": "f", "ق": "k", "ک": "k", "ك": "k", "گ": "g",
    "ل": "l", "م": "m", "ن": "n", "ں": "n",
}  # fmt: skip
_MIN_SKELETON = 3  # two consonants match by chance


@dataclass(frozen=True)
class Clues:
    """What a headline and lede say that needs no model to compare."""

    numbers: frozenset[str]
    dates: frozenset[str]
    names: frozenset[str]


def _number(raw: str) -> str | None:
    value = raw.replace(",", "").rstrip(".")
    if value.isdigit() and int(value) in _YEARS:
        return None
    return value.lstrip("0") or "0"


def _collapse(skeleton: str) -> str:
    return re.sub(r"(.)\1+", r"\1", skeleton)


def _latin_skeleton(word: str) -> str:
    word = word.casefold()
    for pair, single in _LATIN_PAIRS:
        word = word.replace(pair, single)
    return _collapse(re.sub(r"[aeiou]", "", word.translate(_LATIN)).replace("č", "c"))


def _urdu_skeleton(word: str) -> str:
    return _collapse("".join(_URDU.get(ch, "") for ch in word))


def _name_words(text: str) -> list[list[str]]:
    """Runs of name-like words: capitalised Latin words (not stop words) or Urdu words."""
    stop = read_lexicon_words("stop-en") | read_lexicon_words("stop-ur")
    runs: list[list[str]] = [[]]
    for word in _WORD.findall(text):
        latin = word.isascii()
        if word.casefold() in stop or (latin and not word[:1].isupper()):
            runs.append([])
            continue
        runs[-1].append(_latin_skeleton(word) if latin else _urdu_skeleton(word))
    return [run for run in runs if run]


def read_clues(text: str) -> Clues:
    """The clues of a headline and lede (any mix of English and Urdu)."""
    folded = text.translate(_DIGITS)
    numbers = {n for raw in _NUMBER.findall(folded) if (n := _number(raw)) is not None}
    words = [w.casefold() for w in _WORD.findall(folded)]
    dates = {_DAYS.get(w) or _MONTHS.get(w) for w in words} - {None}
    names: set[str] = set()
    for run in _name_words(folded):
        names.update(run)  # one word ("Karachi"), and two written apart in Urdu (اسلام آباد)
        names.update(a + b for a, b in pairwise(run))
    return Clues(
        frozenset(numbers),
        frozenset(d for d in dates if d),
        frozenset(_collapse(n) for n in names if len(_collapse(n)) >= _MIN_SKELETON),
    )


def shared_clues(a: Clues, b: Clues) -> tuple[int, bool]:
    """How many clues two reports share, and whether their numbers conflict (both give
    numbers and none is the same)."""
    shared = len(a.numbers & b.numbers) + len(a.dates & b.dates) + len(a.names & b.names)
    conflict = bool(a.numbers and b.numbers and not a.numbers & b.numbers)
    return shared, conflict
