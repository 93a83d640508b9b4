"""Topic categorisation by rules: feed topic, URL section, feed categories, then keyword lexicons.

Research extraction-feeds.md §5 ranks per-feed and URL-section mapping as the most reliable
signals; when they and the categories say nothing, the topic is a guess: the keyword lexicons in
``news/extract/lexicons/{en,ur}.txt`` here, replaced by the embedding classifier
(news.embeddings.topicmodel) where the article gets a vector.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from storage.textnorm import normalize_for_search

__all__ = [
    "DEFAULT_TOPIC",
    "TOPICS",
    "URDU_NAMES",
    "classify",
    "topic_by_name",
    "topic_from_signals",
    "topic_from_url",
    "urdu_name",
]

TOPICS: tuple[str, ...] = (
    "world",
    "pakistan",
    "business",
    "sports",
    "technology",
    "science",
    "health",
    "entertainment",
)
URDU_NAMES: dict[str, str] = {
    "world": "دنیا",
    "pakistan": "پاکستان",
    "business": "کاروبار",
    "sports": "کھیل",
    "technology": "ٹیکنالوجی",
    "science": "سائنس",
    "health": "صحت",
    "entertainment": "تفریح",
}
DEFAULT_TOPIC = "world"
# World and Pakistan are geography, orthogonal to subject (research §5.1 item 4): a story is
# filed under its subject when that subject scores at least half as well as the geography.
_GEOGRAPHY = frozenset({"world", "pakistan"})
_MIN_SUBJECT_SCORE = 3  # one title word or three lede words: two stray lede words are noise
_TITLE_WEIGHT = 3
_TEXT_CHARS = 2000  # the lede decides; a long tail of quotes drifts off-topic
_MAX_PHRASE = 4

# Names, section labels and category values, folded; the keys of topic_by_name. Written from
# the sections of the feeds in shared data (BBC, Guardian, Hindu, TOI) and Urdu news sites.
_SYNONYMS: dict[str, str] = {
    **{topic: topic for topic in TOPICS},
    **{normalize_for_search(name): topic for topic, name in URDU_NAMES.items()},
    **dict.fromkeys(
        [
            "international",
            "global",
            "foreign",
            "asia",
            "europe",
            "africa",
            "americas",
            "middle east",
            "middle-east",
            "uk",
            "us",
            "us news",
            "world news",
            "world affairs",
            "بین الاقوامی",
            "عالمی",
            "عالمی خبریں",
            "انٹرنیشنل",
        ],
        "world",
    ),
    **dict.fromkeys(["pakistani", "pk", "قومی", "ملکی"], "pakistan"),
    **dict.fromkeys(
        [
            "biz",
            "economy",
            "economics",
            "markets",
            "market",
            "money",
            "finance",
            "companies",
            "business & economy",
            "معیشت",
            "تجارت",
            "معاشی",
        ],
        "business",
    ),
    **dict.fromkeys(
        [
            "sport",
            "cricket",
            "football",
            "soccer",
            "hockey",
            "tennis",
            "olympics",
            "کرکٹ",
            "کھیلوں",
            "سپورٹس",
        ],
        "sports",
    ),
    **dict.fromkeys(
        [
            "tech",
            "sci-tech",
            "scitech",
            "science and technology",
            "science & technology",
            "science-technology",
            "sci tech",
            "gadgets",
            "internet",
            "سائنس و ٹیکنالوجی",
            "سائنس اور ٹیکنالوجی",
            "ٹیکنالوجی",
        ],
        "technology",
    ),
    **dict.fromkeys(
        ["environment", "science-environment", "space", "climate", "ماحولیات"], "science"
    ),
    **dict.fromkeys(["wellbeing", "well-being", "medicine", "health & fitness", "طبی"], "health"),
    **dict.fromkeys(
        [
            "showbiz",
            "culture",
            "arts",
            "entertainment-arts",
            "film",
            "films",
            "movies",
            "music",
            "tv",
            "bollywood",
            "lifestyle",
            "شوبز",
            "فن و ثقافت",
            "ثقافت",
            "فلم",
        ],
        "entertainment",
    ),
}
# Generic labels that say nothing about the topic ("post" and "Uncategorized" are real feed
# values, research §3.2).
_GENERIC = frozenset({"news", "latest", "top", "home", "post", "uncategorized", "خبریں", "تازہ"})
_NAME_SUFFIXES = (" news", " خبریں", " کی خبریں")
_SPLIT_NAME = re.compile(r"\s*(?:[,:|/]|\band\b|&|و)\s*")
_BBC_SLUG = re.compile(r"^([a-z]+)(?:-[a-z]+){0,3}-\d{6,}$")  # world-asia-india-12345678
_TOKEN = re.compile(r"[^\W_]+")
_PHRASE_JOINERS = re.compile(r"[_-]")


def _fold_name(name: str) -> str:
    """Return the folded form of a topic, section or category name."""
    return normalize_for_search(name).strip(" -_.#")


def topic_by_name(name: str | None) -> str | None:
    """Return the topic named ``name`` in English or Urdu ("Sports", "sport", "کھیل"), else None."""
    if not name:
        return None
    folded = _fold_name(name)
    if folded in _GENERIC:
        return None
    for candidate in (folded, folded.replace("-", " "), folded.replace("_", " ")):
        if candidate in _SYNONYMS:
            return _SYNONYMS[candidate]
        for suffix in _NAME_SUFFIXES:
            if candidate.endswith(suffix) and candidate[: -len(suffix)] in _SYNONYMS:
                return _SYNONYMS[candidate[: -len(suffix)]]
    return None


def urdu_name(topic: str) -> str:
    """Return the Urdu name of ``topic`` (a member of TOPICS)."""
    return URDU_NAMES[topic]


def topic_from_url(url: str | None) -> str | None:
    """Return the topic of a URL's section path (/sport/, /business/, BBC world-asia-…)."""
    if not url:
        return None
    found: str | None = None
    for segment in urlsplit(url).path.lower().split("/"):
        slug = _BBC_SLUG.match(segment)
        topic = topic_by_name(slug.group(1)) if slug else None
        if topic is None and len(segment) <= 30 and not any(c.isdigit() for c in segment):
            topic = topic_by_name(segment)  # a section, not an article slug
        if topic is None:
            continue
        if found is None or found == "world":  # /world/pakistan/ is more specific than /world/
            found = topic
        if found != "world":
            break
    return found


def _topic_from_categories(categories: Iterable[str]) -> str | None:
    """Return the topic most of a feed item's ``<category>`` values name; unknown ones ignored."""
    votes: Counter[str] = Counter()
    for category in categories:
        topic = topic_by_name(category)
        if topic is None:  # "Science & Technology", "Sport/Cricket"
            parts = [topic_by_name(part) for part in _SPLIT_NAME.split(category)]
            topic = next((part for part in parts if part), None)
        if topic:
            votes[topic] += 1
    if not votes:
        return None
    return votes.most_common(1)[0][0]


@cache
def _lexicon(language: str) -> dict[tuple[str, ...], frozenset[str]]:
    """Return ``news/extract/lexicons/<language>.txt`` as phrase → topics (phrases folded, as tuples)."""
    text = (
        resources.files("news.extract").joinpath("lexicons", f"{language}.txt").read_text("utf-8")
    )
    phrases: dict[tuple[str, ...], set[str]] = {}
    for line in text.splitlines():
        topic, sep, words = line.partition(":")
        if line.lstrip().startswith("#") or not sep:
            continue
        if topic.strip() not in TOPICS:
            raise ValueError(f"topics: unknown topic {topic.strip()!r} in lexicon {language}")
        for word in normalize_for_search(words).split():
            phrase = tuple(_PHRASE_JOINERS.split(word))
            phrases.setdefault(phrase, set()).add(topic.strip())
    return {phrase: frozenset(topics) for phrase, topics in phrases.items()}


def _tokens(text: str) -> list[str]:
    """Return the folded word tokens of ``text``."""
    return _TOKEN.findall(normalize_for_search(text))


@cache
def _longest_phrases(language: str) -> dict[str, int]:
    """For each word that begins a phrase of the lexicon, the most words such a phrase has."""
    longest: dict[str, int] = {}
    for phrase in _lexicon(language):
        longest[phrase[0]] = max(longest.get(phrase[0], 0), len(phrase))
    return longest


def _score(tokens: list[str], language: str) -> Counter[str]:
    """Count the ``language`` lexicon's phrase hits per topic in ``tokens``, trying a
    plural-less form too."""
    lexicon, longest = _lexicon(language), _longest_phrases(language)
    scores: Counter[str] = Counter()
    for start in range(len(tokens)):
        # Only as long a phrase as the lexicon has from this word can match: most words begin
        # none, and the 4-to-1-word lookups cost a third of describing an article.
        for size in range(min(_MAX_PHRASE, longest.get(tokens[start], 1)), 0, -1):
            phrase = tuple(tokens[start : start + size])
            if len(phrase) < size:
                continue
            topics = lexicon.get(phrase)
            if topics is None and size == 1 and len(phrase[0]) > 3 and phrase[0].endswith("s"):
                topics = lexicon.get((phrase[0][:-1],))
            if topics:
                scores.update(topics)
                break  # the longest phrase wins: "اسلام آباد" is a place, not "Islam"
    return scores


def _topic_from_keywords(title: str, text: str, language: str | None) -> str:
    """Return the best-scoring topic of the title (weighted) and lede, else DEFAULT_TOPIC."""
    names = ("en",) if language == "en" else ("en", "ur")
    scores: Counter[str] = Counter()
    title_tokens, text_tokens = _tokens(title), _tokens(text[:_TEXT_CHARS])
    for name in names:
        for topic, count in _score(title_tokens, name).items():
            scores[topic] += _TITLE_WEIGHT * count
        scores.update(_score(text_tokens, name))
    if not scores:
        return DEFAULT_TOPIC
    ranked = sorted(scores.items(), key=lambda item: (-item[1], TOPICS.index(item[0])))
    geography = next(((t, s) for t, s in ranked if t in _GEOGRAPHY), None)
    subject = next(((t, s) for t, s in ranked if t not in _GEOGRAPHY), None)
    if (
        subject
        and subject[1] >= _MIN_SUBJECT_SCORE
        and (geography is None or 2 * subject[1] >= geography[1])
    ):
        return subject[0]
    return geography[0] if geography else DEFAULT_TOPIC


def classify(
    *,
    feed_topic: str | None = None,
    url: str | None = None,
    categories: Iterable[str] = (),
    title: str = "",
    text: str = "",
    language: str | None,
) -> str:
    """Return the article's topic: feed topic, URL section, categories, keywords, else world."""
    return topic_from_signals(
        feed_topic=feed_topic, url=url, categories=categories
    ) or _topic_from_keywords(title, text, language)


def topic_from_signals(
    *, feed_topic: str | None = None, url: str | None = None, categories: Iterable[str] = ()
) -> str | None:
    """Return the topic the feed, the URL section or the categories name, in that order; None
    when they say nothing (then the topic is guessed from the text).

    A feed filed under "world" is the catch-all: an article's own section (/world/pakistan/,
    /sport/) is more specific and wins over it, as it wins over every later signal.
    """
    feed = topic_by_name(feed_topic)
    section = topic_from_url(url)
    if feed and not (feed == DEFAULT_TOPIC and section):
        return feed
    return section or _topic_from_categories(categories)
