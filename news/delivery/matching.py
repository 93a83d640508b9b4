"""Matching stored phrases against headlines: keyword subscriptions, and the one mute rule.

A headline is what a chat sees of an article: its title and first paragraph. A mute word hides
every headline it occurs in, whole and in order (``matching_phrases``), wherever the headline
would appear: in /latest, in /search and in pushes. Each listing filters through
``unmuted_page`` so a page still holds n headlines and pages never overlap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Collection, Iterable
from typing import Protocol

from news.delivery.rules import parse_rule
from storage import Article
from storage.textnorm import normalize_for_search

__all__ = [
    "Listing",
    "headline_words",
    "is_muted",
    "match_words",
    "matching_phrases",
    "unmuted_page",
]

_WORD = re.compile(r"[^\W_]+")
_HEADLINE_TEXT = 600  # characters of the body standing in for a missing lead
_BATCH = 50
_MAX_SCANNED = 2000  # rows read to fill one page; past that the page is shown shorter


class Listing(Protocol):
    """A query that reads a page of a listing, newest first (latest_stories, search_articles)."""

    def __call__(self, *, limit: int, offset: int) -> Awaitable[list[Article]]:
        """Up to ``limit`` articles after the first ``offset``."""
        ...


def match_words(text: str) -> str:
    """Folded words joined by single spaces: what keyword subscriptions and mutes match against."""
    return " ".join(_WORD.findall(normalize_for_search(text)))


@functools.lru_cache(maxsize=65536)
def _rule_words(stored: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A stored rule's phrases as match_words: those that must occur, those that must not."""
    rule = parse_rule(stored)
    if rule is None:
        return None
    include = tuple(match_words(p) for p in rule.include)
    if not all(include):
        return None
    return include, tuple(w for w in map(match_words, rule.exclude) if w)


def _occurs(key: str, padded: str, single: set[str]) -> bool:
    return f" {key} " in padded if " " in key else key in single


def matching_phrases(phrases: Iterable[str], words: str) -> list[str]:
    """The stored keyword rules or mute words (news.delivery.rules) that hold for ``words`` (a
    match_words string): every phrase of the rule occurs, whole and in order, and none of its
    ``-word`` exclusions does.

    Both sides go through match_words, so "covid-19" matches "Covid 19" and "U.S." matches "us"
    only if the story says "U.S." too; punctuation never decides a match."""
    padded = f" {words} "
    single = set(words.split())
    found = []
    for phrase in phrases:
        rule = _rule_words(phrase)
        if rule is None:
            continue
        include, exclude = rule
        if all(_occurs(k, padded, single) for k in include) and not any(
            _occurs(k, padded, single) for k in exclude
        ):
            found.append(phrase)
    return found


def headline_words(article: Article) -> str:
    """The match_words of what a chat sees of an article: its title and first paragraph."""
    return match_words(f"{article.title}\n{article.lead or article.text[:_HEADLINE_TEXT]}")


def is_muted(article: Article, mutes: Collection[str]) -> bool:
    """Whether one of the chat's mute words (as stored) occurs in the article's headline."""
    return bool(mutes) and bool(matching_phrases(mutes, headline_words(article)))


async def unmuted_page(
    fetch: Listing,
    mutes: Collection[str],
    *,
    limit: int,
    offset: int = 0,
) -> list[Article]:
    """Up to ``limit`` articles of a listing, after ``offset`` of them, muted ones left out.

    ``fetch`` reads the unfiltered listing. Without mutes that is one read;
    with mutes the listing is read from its start in batches, counting only what is shown."""
    if not mutes:
        return await fetch(limit=limit, offset=offset)
    kept: list[Article] = []
    scanned = 0
    while len(kept) < offset + limit and scanned < _MAX_SCANNED:
        batch = await fetch(limit=_BATCH, offset=scanned)
        scanned += len(batch)
        kept += [a for a in batch if not is_muted(a, mutes)]
        if len(batch) < _BATCH:
            break
    return kept[offset : offset + limit]
