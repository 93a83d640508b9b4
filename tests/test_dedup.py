"""Tests for news.stories.dedup: content hash, SimHash, title similarity and same-story matching."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from news.stories.dedup import (
    StoryKey,
    content_hash,
    from_signed64,
    hamming,
    is_near_duplicate,
    same_story,
    simhash64,
    title_similarity,
    to_signed64,
)

BODY = " ".join(
    f"Paragraph {i}: the provincial assembly debated the water budget for district {i} while "
    f"farmers waited outside the building in Lahore for a decision on canal number {i * 7}."
    for i in range(12)
)
OTHER = " ".join(
    f"Match report {i}: the home side chased a target of {i * 13} runs on a slow pitch, and the "
    f"spinners shared the wickets before rain stopped play in the evening session {i}."
    for i in range(12)
)
NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(BODY, 0x204AD3EB2443D75C, id="long-body"),
        pytest.param("", 0xB4B2797457A0A6E4, id="empty"),
        pytest.param("one", 0xC915768BAADDF234, id="one-word"),
        pytest.param("two words", 0xCC61160CD794CEB0, id="two-words"),
        pytest.param("پاکستان کی خبر آج شام تک", 0xE5C4A480C0512621, id="urdu"),
    ],
)
def test_simhash_values_stay_those_stored(text: str, expected: int) -> None:
    # Stored articles keep their SimHash: a faster implementation must give the same bits.
    assert simhash64(text) == expected


def test_content_hash_ignores_case_spacing_and_punctuation() -> None:
    assert content_hash("Hello,  World!\n") == content_hash("hello world")
    assert content_hash("پاکستان کی خبر") == content_hash("پاکِستان كي خبر")  # diacritic, ي/ك
    assert content_hash("hello world") != content_hash("hello there")


def test_simhash_near_duplicates_and_distinct_texts() -> None:
    edited = BODY.replace("debated", "discussed", 1) + " Updated at 5pm."
    assert hamming(simhash64(BODY), simhash64(edited)) <= 3
    assert is_near_duplicate(simhash64(BODY), simhash64(edited))
    assert not is_near_duplicate(simhash64(BODY), simhash64(OTHER))
    assert simhash64(BODY) == simhash64(BODY.upper())


def test_simhash_is_fast() -> None:
    text = BODY * 4  # ~900 words, a long article
    # CPU time of this thread: what simhash64 costs, however busy the machine is.
    start = time.thread_time()
    for _ in range(20):
        simhash64(text)
    assert (time.thread_time() - start) / 20 < 0.05


@pytest.mark.parametrize("value", [0, 1, 2**63 - 1, 2**63, 2**64 - 1])
def test_signed64_round_trip(value: int) -> None:
    signed = to_signed64(value)
    assert -(2**63) <= signed < 2**63
    assert from_signed64(signed) == value
    assert hamming(signed, value) == 0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Russia hands proposals to US", "Russia hands proposals to the US", 1.0),
        ("Pakistan wins the toss", "India wins the toss", 0.5),
        ("کراچی میں شدید بارش", "کراچی میں بارش", 2 / 3),
        ("", "Anything", 0.0),
    ],
)
def test_title_similarity(a: str, b: str, expected: float) -> None:
    assert title_similarity(a, b) == pytest.approx(expected)


def key(title: str, body: str = BODY, hours: float = 0, language: str = "en") -> StoryKey:
    """A StoryKey published ``hours`` after NOW."""
    return StoryKey(
        title, simhash64(body), NOW + timedelta(hours=hours), language, len(body.split())
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(key("A"), key("B", hours=5), True, id="near-duplicate-body"),
        pytest.param(key("A"), key("B", hours=60), False, id="outside-48h"),
        pytest.param(key("A"), key("A", language="ur"), False, id="other-language"),
        pytest.param(
            key("Kremlin hands security proposals to US envoy"),
            key("Kremlin hands US envoy security proposals", OTHER, hours=3),
            True,
            id="similar-titles-with-names",
        ),
        pytest.param(
            key("Heavy rain expected in Lahore today"),
            key("Heavy rain expected in Karachi today", OTHER),
            False,
            id="titles-differ-in-the-place",
        ),
        pytest.param(key("Live updates"), key("Live updates", OTHER), False, id="short-titles"),
        pytest.param(
            StoryKey("A", simhash64("short"), NOW, "en", 1),
            StoryKey("B", simhash64("short"), NOW, "en", 1),
            False,
            id="short-bodies-not-trusted",
        ),
    ],
)
def test_same_story(a: StoryKey, b: StoryKey, expected: bool) -> None:
    assert same_story(a, b) is expected
