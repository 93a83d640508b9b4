"""Duplicate detection: exact body hash, 64-bit SimHash near-duplicates and same-story matching.

SimHash is written here (about 20 lines) rather than taken from the ``simhash`` package: that
one hashes character 4-grams with md5 and would be a new dependency; trafilatura's ``Simhash``
is internal API. Thresholds follow research extraction-feeds.md §4 and are explained where set.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from news.extract.language import read_lexicon_words
from storage.textnorm import normalize_for_search

__all__ = [
    "NEAR_DUPLICATE_BITS",
    "STORY_WINDOW",
    "TITLE_SIMILARITY",
    "StoryKey",
    "content_hash",
    "content_hash_of_normalized",
    "content_hash_of_words",
    "from_signed64",
    "hamming",
    "is_near_duplicate",
    "same_story",
    "simhash64",
    "simhash64_of_words",
    "title_similarity",
    "to_signed64",
    "words_of_normalized",
]

# Manku, Jain, Das Sarma (WWW 2007): with 64-bit SimHash, Hamming distance <= 3 separated
# near-duplicate from distinct pages best over 8 B crawled pages (research §4.2).
NEAR_DUPLICATE_BITS = 3
# Token Jaccard of titles without stop words: ~0.6 is the usual engineering starting point for
# "same story, other outlet" (research §4.3); lower merges different stories about one topic.
TITLE_SIMILARITY = 0.6
# Reports of one event appear within a day or two; research §4.3 suggests a 24–48 h window.
STORY_WINDOW = timedelta(hours=48)
# Titles with fewer content words than this match by chance ("Live updates", "Weather").
_MIN_TITLE_TOKENS = 3
# SimHash over fewer words than this is unreliable (research §4.2: "< ~50 words").
_MIN_SIMHASH_WORDS = 50
_SHINGLE = 3  # word 3-grams: local word order matters, yet one edited word changes few shingles
_WORD = re.compile(r"[^\W_]+")
_MASK64 = (1 << 64) - 1


def _words(text: str) -> list[str]:
    """Return the folded words of ``text`` (punctuation dropped)."""
    return _WORD.findall(normalize_for_search(text))


def content_hash(text: str) -> str:
    """Return the SHA-256 hex digest of the normalised body (case, spacing, punctuation folded)."""
    return content_hash_of_normalized(normalize_for_search(text))


def content_hash_of_normalized(normalized: str) -> str:
    """content_hash of a text whose ``normalize_for_search`` copy is ``normalized`` (the
    search key an article stores: folded once for both)."""
    return content_hash_of_words(words_of_normalized(normalized))


def words_of_normalized(normalized: str) -> list[str]:
    """The words of a ``normalize_for_search`` copy (punctuation dropped), as hashed here."""
    return _WORD.findall(normalized)


def content_hash_of_words(words: list[str]) -> str:
    """content_hash of a text whose words (``words_of_normalized``) are ``words``."""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def simhash64(text: str) -> int:
    """Return the unsigned 64-bit SimHash of ``text`` over weighted word 3-gram shingles.

    Each shingle votes with its 8-byte BLAKE2b digest, once per occurrence (its weight): bit
    ``8 * byte + k`` of the result is set when more than half the shingles have bit ``k`` set
    in byte ``byte``. The votes are counted by numpy over the unpacked digests, 2.6x faster
    than a Python loop over the distinct shingles (2.1 → 0.8 ms for 800 words), same hash.
    """
    return simhash64_of_words(_words(text))


def simhash64_of_words(words: list[str]) -> int:
    """simhash64 of a text whose folded words (``words_of_normalized``) are ``words``."""
    if len(words) >= _SHINGLE:
        grams = zip(*(words[k:] for k in range(_SHINGLE)), strict=False)
        shingles = [" ".join(gram) for gram in grams]
    else:
        shingles = [" ".join(words)]  # one shingle of every word there is (maybe none)
    blake = hashlib.blake2b
    digests = b"".join([blake(s.encode("utf-8"), digest_size=8).digest() for s in shingles])
    rows = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8)
    ones = np.unpackbits(rows, axis=1, bitorder="little").sum(axis=0, dtype=np.int64)
    majority = np.packbits(2 * ones > len(shingles), bitorder="little")
    return int.from_bytes(majority.tobytes(), "little")


def hamming(a: int, b: int) -> int:
    """Return the number of differing bits between two 64-bit hashes (signed or unsigned)."""
    return ((a ^ b) & _MASK64).bit_count()


def is_near_duplicate(a_hash: int, b_hash: int, threshold: int = NEAR_DUPLICATE_BITS) -> bool:
    """Tell whether two SimHashes are within ``threshold`` bits of each other."""
    return hamming(a_hash, b_hash) <= threshold


def to_signed64(value: int) -> int:
    """Return the unsigned 64-bit ``value`` as the signed integer SQLite can store."""
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def from_signed64(value: int) -> int:
    """Return the unsigned 64-bit form of a signed 64-bit ``value``."""
    return value & _MASK64


def _title_tokens(title: str) -> set[str]:
    """Return the folded content words of a title (English and Urdu stop words dropped)."""
    stop = read_lexicon_words("stop-en") | read_lexicon_words("stop-ur")
    return {word for word in _words(title) if word not in stop}


def title_similarity(a: str, b: str) -> float:
    """Return the token Jaccard similarity of two titles, stop words dropped (0.0–1.0)."""
    left, right = _title_tokens(a), _title_tokens(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def _named_tokens(title: str) -> set[str]:
    """Return a title's name-like words: capitalised past the first word, or numbers.

    In caseless (Urdu) or Title Case titles case says nothing, so every content word counts.
    """
    stop = read_lexicon_words("stop-en")
    words = [w for w in _WORD.findall(title) if w.isupper() or w.casefold() not in stop]
    if not any(w[:1].islower() for w in words):
        return {normalize_for_search(word) for word in words}
    named = [w for w in words[1:] if w[:1].isupper() or w[:1].isdigit()]
    if words and words[0][:1].isdigit():
        named.append(words[0])
    return {normalize_for_search(word) for word in named}


@dataclass(frozen=True)
class StoryKey:
    """What same-story matching needs of an article: title, body SimHash, time and language."""

    title: str
    simhash: int
    published_at: datetime | None
    language: str | None
    words: int = _MIN_SIMHASH_WORDS  # body length; SimHash is only trusted on long bodies


def same_story(a: StoryKey, b: StoryKey) -> bool:
    """Tell whether two articles report the same story: near-duplicate body or similar title."""
    if a.language != b.language:
        return False  # these signals cannot match across languages
    if a.published_at and b.published_at and abs(a.published_at - b.published_at) > STORY_WINDOW:
        return False
    if min(a.words, b.words) >= _MIN_SIMHASH_WORDS and is_near_duplicate(a.simhash, b.simhash):
        return True
    left, right = _title_tokens(a.title), _title_tokens(b.title)
    if min(len(left), len(right)) < _MIN_TITLE_TOKENS:
        return False
    if title_similarity(a.title, b.title) < TITLE_SIMILARITY:
        return False
    return bool(_named_tokens(a.title) & _named_tokens(b.title))
