"""Tests for news.extract.topics: names, URL sections, categories and keyword rules, English and Urdu."""

from __future__ import annotations

import pytest

from news.extract.topics import TOPICS, URDU_NAMES, classify, topic_by_name, urdu_name


def test_every_topic_has_an_urdu_name_that_maps_back() -> None:
    assert set(URDU_NAMES) == set(TOPICS)
    for topic in TOPICS:
        assert topic_by_name(urdu_name(topic)) == topic


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sports", "sports"),
        ("sport", "sports"),
        ("کھیل", "sports"),
        ("World News", "world"),
        ("  Business ", "business"),
        ("tech", "technology"),
        ("سائنس و ٹیکنالوجی", "technology"),
        ("صحت", "health"),
        ("news", None),
        ("Uncategorized", None),
        ("Karen Donfried", None),
        (None, None),
    ],
)
def test_topic_by_name(name: str | None, expected: str | None) -> None:
    assert topic_by_name(name) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.bbc.com/news/world-asia-india-12345678", "world"),
        ("https://www.bbc.co.uk/news/technology-55512345", "technology"),
        ("https://www.bbc.co.uk/news/science-environment-55512345", "science"),
        ("https://www.bbc.com/urdu/pakistan-53547593", "pakistan"),
        ("https://www.bbc.com/sport/cricket/67001234", "sports"),
        ("https://example.pk/business/2024/05/01/rupee-rises", "business"),
        ("https://example.in/world/pakistan/some-story/articleshow/1.cms", "pakistan"),
    ],
)
def test_classify_by_url_section(url: str, expected: str) -> None:
    assert classify(url=url, title="Rupee gains as talks go on", language="en") == expected


def test_feed_topic_comes_first_unless_generic() -> None:
    url = "https://www.bbc.com/sport/football/1234567"
    assert classify(feed_topic="business", url=url, language="en") == "business"
    assert classify(feed_topic="news", url=url, language="en") == "sports"


def test_a_url_section_wins_over_keywords_and_a_world_feed() -> None:
    url = "https://timesofindia.indiatimes.com/world/pakistan/digital-terrorism/articleshow/1.cms"
    title = "Army warns of digital terrorism on social media platforms and the internet"
    text = "Internet speeds slowed as the army targets social media apps, software and online data."
    assert classify(title=title, text=text, language="en") == "technology"
    assert classify(url=url, title=title, text=text, language="en") == "pakistan"
    # A feed filed under "world" is the catch-all: the article's own section is more specific.
    assert classify(feed_topic="world", url=url, title=title, language="en") == "pakistan"
    assert classify(feed_topic="pakistan", url="https://x.example/world/1", language="en") == (
        "pakistan"
    )


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        (["post", "Cricket", "Karachi"], "sports"),
        (["Science & Technology"], "technology"),
        (["کاروبار"], "business"),
    ],
)
def test_classify_by_categories(categories: list[str], expected: str) -> None:
    assert classify(categories=categories, language=None) == expected


@pytest.mark.parametrize(
    ("title", "text", "language", "expected"),
    [
        pytest.param(
            "Moscow sends security proposals to Washington",
            "The Kremlin said NATO must not expand towards Ukraine.",
            "en",
            "world",
            id="en-world",
        ),
        pytest.param(
            "Pakistan beat India by six wickets",
            "The captain scored 60 runs as the team won the match in Karachi.",
            "en",
            "sports",
            id="en-sports-beats-geography",
        ),
        pytest.param(
            "Heavy rain floods Karachi streets",
            "The Sindh government closed schools in Karachi and Hyderabad.",
            "en",
            "pakistan",
            id="en-pakistan",
        ),
        pytest.param(
            "Central bank cuts interest rate as inflation slows",
            "Stocks rose and the currency held steady.",
            "en",
            "business",
            id="en-business",
        ),
        pytest.param(
            "سٹیٹ بینک نے شرح سود کم کر دی",
            "مہنگائی میں کمی کے بعد سٹاک مارکیٹ میں تیزی دیکھی گئی۔",
            "ur",
            "business",
            id="ur-business",
        ),
        pytest.param(
            "اسلام آباد میں بارش",
            "اسلام آباد اور راولپنڈی میں موسلا دھار بارش ہوئی۔",
            "ur",
            "pakistan",
            id="ur-pakistan-two-word-place",
        ),
        pytest.param(
            "ویکسین کی نئی کھیپ ہسپتالوں کو روانہ",
            "محکمہ صحت کے مطابق پولیو کے مریضوں کے لیے ویکسین پہنچا دی گئی۔",
            "ur",
            "health",
            id="ur-health",
        ),
        pytest.param("Quiet day", "Nothing much happened.", "en", "world", id="default"),
    ],
)
def test_classify_by_keywords(title: str, text: str, language: str, expected: str) -> None:
    assert classify(title=title, text=text, language=language) == expected
