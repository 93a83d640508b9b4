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


_phrase_words = functools.lru_cache(maxsize=65536)(match_words)


def matching_phrases(phrases: Iterable[str], words: str) -> list[str]:
    """The phrases (as stored: folded by normalize_for_search, or already match_words) whose
    words occur, whole and in order, in ``words`` (a match_words string).

    Both sides go through match_words, so "covid-19" matches "Covid 19" and "U.S." matches "us"
    only if the story says "U.S." too; punctuation never decides a match."""
    padded = f" {words} "
    single = set(words.split())
    found = []
    for phrase in phrases:
        key = _phrase_words(phrase)
        if key and (f" {key} " in padded if " " in key else key in single):
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
