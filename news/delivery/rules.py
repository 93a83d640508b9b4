"""Keyword rules for subscriptions and mutes: words, quoted phrases and ``-word`` exclusions.

A rule is what a chat typed, kept as one stored string: ``imran khan`` (one phrase, as before
rules existed), ``"imran khan" pti -cricket`` (the phrase and the word, and not "cricket").
It is read by a single left-to-right scan, never by a regular expression of the user's: no
input can make matching slow (no ReDoS); every term is a plain substring test of match_words.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from storage.textnorm import normalize_for_search

__all__ = ["MAX_TERMS", "Rule", "parse_rule", "rule_for", "rule_key", "rule_terms"]

MAX_TERMS = 8  # terms in one rule: each is one more substring test per story
_QUOTES = {'"': '"', "“": "”", "«": "»", "'": "'"}


@dataclass(frozen=True)
class Rule:
    """Phrases that must all occur, and phrases none of which may occur (folded, as typed)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()


def _terms(text: str) -> list[tuple[bool, str]]:
    """(excluded, phrase) for each term of ``text``, scanning it once."""
    terms: list[tuple[bool, str]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        excluded = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        i += excluded
        close = _QUOTES.get(text[i])
        if close is not None:
            end = text.find(close, i + 1)
            end = n if end < 0 else end
            terms.append((excluded, text[i + 1 : end].strip()))
            i = end + 1
        else:
            end = i
            while end < n and not text[end].isspace():
                end += 1
            terms.append((excluded, text[i:end]))
            i = end
    return [(excluded, phrase) for excluded, phrase in terms if phrase]


def _is_rule(text: str) -> bool:
    """Whether ``text`` uses quotes or an exclusion (else it is one phrase, as it always was)."""
    return any(q in text for q in _QUOTES if q != "'") or any(
        w.startswith("-") and len(w) > 1 for w in text.split()
    )


def rule_terms(text: str) -> list[tuple[bool, str]] | None:
    """(excluded, phrase) for each term of a rule as typed, case kept (for naming it to the
    chat); None when ``text`` is one plain phrase."""
    return _terms(text) if _is_rule(text) else None


@functools.lru_cache(maxsize=65536)
def parse_rule(text: str) -> Rule | None:
    """The rule ``text`` states, folded for matching; None when it names nothing to look for
    (only exclusions, or more than MAX_TERMS terms)."""
    folded = normalize_for_search(text).strip()
    if not _is_rule(folded):
        return Rule((folded,)) if folded else None
    terms = _terms(folded)
    include = tuple(p for excluded, p in terms if not excluded)
    exclude = tuple(p for excluded, p in terms if excluded)
    if not include or len(terms) > MAX_TERMS:
        return None
    return Rule(include, exclude)


def _term(phrase: str, excluded: bool) -> str:
    quoted = f'"{phrase}"' if " " in phrase else phrase
    return f"-{quoted}" if excluded else quoted


def rule_key(text: str) -> str | None:
    """The one stored form of the rule ``text`` (so "A  -b" and "a -b" are one subscription);
    a plain phrase is stored folded, as before rules. None when it is no rule."""
    rule = parse_rule(text)
    if rule is None:
        return None
    if not rule.exclude and len(rule.include) == 1:
        return rule.include[0]
    return " ".join(
        [*(_term(p, False) for p in rule.include), *(_term(p, True) for p in rule.exclude)]
    )


def rule_for(raw: str, phrase: str) -> tuple[str, str] | None:
    """What a chat typed (``raw``; ``phrase`` is it without its quotes) as (stored value,
    display): a rule when it has several terms or an exclusion, else the one phrase as always;
    None when it asks for nothing (only exclusions, too many terms, no letters)."""
    rule = parse_rule(raw)
    if rule is not None and (rule.exclude or len(rule.include) > 1):
        return rule_key(raw) or "", raw.strip()
    if rule is None and _is_rule(normalize_for_search(raw)):
        return None
    folded = normalize_for_search(phrase).strip()
    return (folded, phrase) if folded else None
