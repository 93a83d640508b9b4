"""What storing an article needs computed from its text, worked out off the event loop: its
language, topic and lead, its fingerprints (body hash, SimHash) and its search keys.

``describe`` is a pure function of picklable values, so the pipeline runs it in the extraction
worker (news.extract.pages.Extractor.run) beside the page's extraction; the main process only
matches and writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from news.extract.language import language_label
from news.extract.textdoc import make_lead
from news.extract.topics import classify, topic_from_signals
from news.stories.dedup import (
    content_hash,
    content_hash_of_words,
    simhash64_of_words,
    to_signed64,
    words_of_normalized,
)
from storage.textnorm import normalize_for_search

__all__ = ["Described", "TextKeys", "describe", "language_of", "text_keys"]

_LANGUAGE_SAMPLE = 2000  # characters of the text read to tell its language
_SIMHASH_MIN_WORDS = 50
_HASH_BODY_WORDS = 40
_SIMHASH_MAX_WORDS = 800  # the opening words; hashing all of a 3,000-word body cost 9 ms
# What normalize_for_search drops, or turns into spaces, inside a word: controls (some of
# them spaces to str.split), bidi marks, Arabic diacritics, tatweel, joiners, presentation
# forms. A body without any folds each of its words into one word of its search key.
_REWORDS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u0640\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u200c-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufb50-\ufdff\ufe70-\ufeff]"
)


@dataclass(frozen=True, slots=True)
class TextKeys:
    """An article's fingerprints and search keys (storage.articles stores them as given)."""

    content_hash: str
    simhash: int  # signed 64-bit; 0 for a body too short to trust
    words: int
    search_title: str
    search_text: str


@dataclass(frozen=True, slots=True)
class Described:
    """What ``describe`` works out for a candidate."""

    language: str
    topic: str
    lead: str
    keys: TextKeys
    # The topic is the keyword lexicons' guess: feed, URL and categories named none (the
    # embedding classifier may replace it where the article gets a vector).
    topic_guessed: bool = False


def text_keys(title: str, text: str, lead: str) -> TextKeys:
    """The fingerprints and search keys of an article with this title, text and lead."""
    body = text or lead
    tokens = body.split()
    words = len(tokens)
    search_text = normalize_for_search(body)
    body_words = words_of_normalized(search_text)  # the body folded once, for every key
    # A long body identifies the article on its own (syndicated copies get new headlines);
    # a short teaser does not, so the title is part of its key.
    if words >= _HASH_BODY_WORDS:
        digest = content_hash_of_words(body_words)
    else:
        digest = content_hash(f"{title}\n{body}")
    simhash = 0
    if words >= _SIMHASH_MIN_WORDS:
        head = _head_words(body, tokens, search_text, body_words)
        simhash = to_signed64(simhash64_of_words(head))
    return TextKeys(digest, simhash, words, normalize_for_search(title), search_text)


def _head_words(body: str, tokens: list[str], search_text: str, body_words: list[str]) -> list[str]:
    """The folded words of the body's first _SIMHASH_MAX_WORDS words (the SimHash's input),
    taken from its search key when each of its words folds into one word of that."""
    if _REWORDS.search(body) is not None:
        return words_of_normalized(normalize_for_search(" ".join(tokens[:_SIMHASH_MAX_WORDS])))
    if len(tokens) <= _SIMHASH_MAX_WORDS:
        return body_words
    head = search_text.split(" ", _SIMHASH_MAX_WORDS)[:_SIMHASH_MAX_WORDS]
    return words_of_normalized(" ".join(head))


def language_of(title: str, text: str, *, declared: str | None, fallback: str) -> str:
    """The language of an article's title and text (``declared`` breaks a tie; ``fallback``
    when nothing tells)."""
    sample = f"{title}\n{text[:_LANGUAGE_SAMPLE]}"
    return language_label(sample, declared=declared) or fallback


def describe(
    title: str,
    text: str,
    *,
    url: str,
    language: str | None = None,
    declared: str | None = None,
    fallback: str = "en",
    topic: str | None = None,
    feed_topic: str | None = None,
    categories: Sequence[str] = (),
    lead: str | None = None,
) -> Described:
    """Language (unless given), topic (unless given: classified on ``url``, the canonical
    address, and flagged when only the text's keywords decided it), lead (unless given) and
    keys of an article."""
    if language is None:
        language = language_of(title, text, declared=declared, fallback=fallback)
    guessed = False
    if topic is None:
        topic = topic_from_signals(feed_topic=feed_topic, url=url, categories=categories)
        if topic is None:
            guessed = True
            topic = classify(title=title, text=text, language=language)
    if lead is None:
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        lead = make_lead(paragraphs) if paragraphs else ""
    return Described(language, topic, lead, text_keys(title, text, lead), guessed)
