"""Tests for the extractive summarizer: boilerplate never chosen, budgets, order, centrality."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from news.summaries import extractive
from news.summaries.budget import DEFAULT_MAX_CHARS_UR, Budget, Language, trim_to_budget
from news.summaries.centrality import cosine_similarities, forward_centrality
from news.summaries.extractive import RANKER, Ranker, summarize_extractive
from news.summaries.sentences import split_sentences

ENGLISH = """\
LAHORE, March 3 (Reuters) -
By Jane Smith, Reuters
Image caption, Flood water covers the road into Lahore after the monsoon rain
LAHORE (Reuters) - Monsoon floods have forced thousands of families from their homes in Punjab, \
officials said on Sunday.
The provincial disaster authority said flood water had reached 40 villages along the Ravi river.
Rescue teams used boats to move families from flooded villages to relief camps.
Read more: How the monsoon floods spread across Punjab villages
The army was called in after the river breached an embankment near the city.
Officials said the floods had destroyed crops across thousands of acres.
Weather forecasters expect more rain in the coming week, and the river may rise again.
Schools in the district will stay closed until the flood water recedes.
Related: Ten charts that explain the floods in Punjab
"""

URDU = """\
،تصویر کا ذریعہGetty Images
تصویر کا کیپشن لاہور میں سیلاب کا پانی سڑکوں پر کھڑا ہے اور لوگ سیلاب سے پریشان ہیں
شہزاد ملک، بی بی سی اردو، لاہور
پنجاب میں مون سون کی بارشوں کے بعد آنے والے سیلاب سے ہزاروں خاندان بے گھر ہو گئے ہیں۔ \
صوبائی حکام کے مطابق دریائے راوی کے کنارے چالیس دیہات سیلاب کی زد میں ہیں۔ \
امدادی ٹیمیں کشتیوں کے ذریعے متاثرہ خاندانوں کو امدادی کیمپوں میں منتقل کر رہی ہیں۔
یہ بھی پڑھیے
فوج کو اس وقت طلب کیا گیا جب دریا کا پشتہ ٹوٹ گیا اور پانی شہر کی طرف بڑھنے لگا۔ \
حکام کا کہنا ہے کہ سیلاب سے ہزاروں ایکڑ پر کھڑی فصلیں تباہ ہو گئی ہیں۔ \
محکمہ موسمیات نے آئندہ ہفتے مزید بارشوں کی پیش گوئی کی ہے جس سے دریا میں پانی کی سطح دوبارہ بڑھ سکتی ہے۔ \
ضلع میں تمام سکول سیلاب کا پانی اترنے تک بند رہیں گے۔
مزید پڑھیں: پنجاب میں سیلاب کی تباہ کاریاں
"""

BOILERPLATE = [
    "By Jane Smith",
    "Image caption",
    "Read more",
    "Related:",
    "LAHORE",
    "Reuters",
    "تصویر",
    "شہزاد ملک",
    "یہ بھی پڑھیے",
    "مزید پڑھیں",
]


def _positions(summary: str, article: str) -> list[int]:
    return [article.index(sentence) for sentence in split_sentences(summary)]


@pytest.mark.parametrize(
    ("article", "language"),
    [pytest.param(ENGLISH, "en", id="en"), pytest.param(URDU, "ur", id="ur")],
)
def test_never_picks_boilerplate(article: str, language: Language) -> None:
    summary = summarize_extractive(article, language, max_sentences=100, alpha=0.0)
    assert [marker for marker in BOILERPLATE if marker in summary] == []
    assert len(split_sentences(summary)) == 7


@pytest.mark.parametrize(
    ("article", "language"),
    [pytest.param(ENGLISH, "en", id="en"), pytest.param(URDU, "ur", id="ur")],
)
@pytest.mark.parametrize("alpha", [0.0, 0.4, 1.0])
def test_document_order(article: str, language: Language, alpha: float) -> None:
    positions = _positions(summarize_extractive(article, language, max_sentences=4), article)
    assert positions == sorted(positions)
    assert len(positions) == 4


def test_default_budget_english_words() -> None:
    summary = summarize_extractive(ENGLISH * 3, "en")
    assert 0 < len(summary.split()) <= 60


def test_default_budget_urdu_characters() -> None:
    summary = summarize_extractive(URDU * 3, "ur")
    assert 0 < len(summary) <= DEFAULT_MAX_CHARS_UR
    assert summary.endswith("۔")


@pytest.mark.parametrize(
    ("language", "budget"),
    [
        pytest.param("en", {"max_words": 25}, id="en-words"),
        pytest.param("en", {"max_chars": 200}, id="en-chars"),
        pytest.param("ur", {"max_chars": 200}, id="ur-chars"),
        pytest.param("ur", {"max_words": 30, "max_sentences": 1}, id="ur-words-sentences"),
    ],
)
def test_budget_parameters(language: Language, budget: dict[str, int]) -> None:
    article = ENGLISH if language == "en" else URDU
    limit = Budget(**budget)
    summary = summarize_extractive(
        article,
        language,
        max_sentences=limit.max_sentences,
        max_words=limit.max_words,
        max_chars=limit.max_chars,
    )
    assert summary
    assert Budget(**budget).fits(split_sentences(summary))


def test_first_sentence_longer_than_budget_is_cut_with_ellipsis() -> None:
    summary = summarize_extractive(URDU, "ur", max_chars=40, alpha=1.0)
    assert summary.endswith("…")
    assert len(summary) <= 40
    assert summary.startswith("پنجاب میں")


@pytest.mark.parametrize(
    ("language", "word", "budget"),
    [
        pytest.param("en", "flood", Budget(max_words=60), id="en-60-words"),
        pytest.param("ur", "سیلاب", Budget(max_chars=400), id="ur-400-chars"),
    ],
)
def test_unpunctuated_text_cut_to_default_budget(
    language: Language, word: str, budget: Budget
) -> None:
    summary = summarize_extractive(" ".join([word] * 1000), language)
    assert summary.endswith("…")
    assert budget.fits([summary])
    assert not budget.fits([f"{summary} {word}"])


def test_dateline_prefix_removed() -> None:
    summary = summarize_extractive(ENGLISH, "en", max_sentences=1, alpha=1.0)
    assert summary.startswith("Monsoon floods have forced thousands of families")


def test_centrality_skips_an_off_topic_opening() -> None:
    article = (
        "The weather was pleasant for the annual kite festival held last spring.\n"
        "Floods in Punjab displaced thousands of families from riverside villages.\n"
        "Relief camps for displaced families opened near the flooded villages.\n"
        "Families in the flooded Punjab villages asked for more relief."
    )
    summary = summarize_extractive(article, "en", max_sentences=1, alpha=0.0)
    assert "kite" not in summary


def test_repeated_sentence_chosen_once() -> None:
    sentence = "Floods in Punjab displaced thousands of families from riverside villages."
    article = f"{sentence}\nRelief camps opened near the villages on Monday.\n{sentence}"
    assert summarize_extractive(article, "en", max_sentences=3).count("Floods") == 1


@pytest.mark.parametrize("text", ["", "   \n ", "Read more: floods"])
def test_nothing_to_summarize(text: str) -> None:
    assert summarize_extractive(text, "en") == ""


def test_forward_centrality_rewards_what_later_sentences_repeat() -> None:
    sentences = [["flood", "punjab"], ["kite"], ["flood", "punjab", "camp"], ["flood", "camp"]]
    scores = forward_centrality(sentences, beta=0.0, lam=0.0)
    assert scores[0] > scores[2] > scores[3] == 0.0
    assert scores[1] == 0.0
    penalised = forward_centrality(sentences, beta=0.0, lam=1.0)
    assert penalised[3] < 0.0 and penalised[0] == scores[0]
    assert forward_centrality([], beta=0.0, lam=0.5) == []
    assert forward_centrality([["one"]], beta=0.0, lam=0.5) == [0.0]


def test_edges_under_the_threshold_count_nothing() -> None:
    sentences = [["flood", "punjab"], ["flood", "punjab"], ["flood", "kite", "sky", "wind"]]
    pairs = cosine_similarities(sentences)
    assert pairs[0, 1] == pytest.approx(1.0)
    # beta 0.99 keeps only the strongest edge (0-1), so sentence 2 gets nothing from 0 or 1.
    scores = forward_centrality(sentences, beta=0.99, lam=0.0)
    assert scores[0] > 0.0 and scores[1] == 0.0 and scores[2] == 0.0


def test_a_word_budget_takes_only_sentences_near_the_best() -> None:
    article = (
        "Floods in Punjab displaced thousands of families from riverside villages on Monday.\n"
        "Relief camps for the displaced families opened near the flooded Punjab villages.\n"
        "A cricket match in Sydney was rained off in the afternoon, its organisers said."
    )
    keep_all = summarize_extractive(article, "en", ranker=Ranker(0.5, 0.5, 0.0, 0.0, keep=0.0))
    strict = summarize_extractive(article, "en", ranker=Ranker(0.5, 0.5, 0.0, 0.0, keep=0.9))
    assert "cricket" in keep_all
    assert strict.startswith("Floods in Punjab") and "cricket" not in strict
    assert set(RANKER) == {"en", "ur"}


_OFF_TOPIC_OPENING = (
    "The weather was pleasant for the annual kite festival held last spring.\n"
    "Kite makers sold paper kites to visitors from the nearby towns.\n"
    "Floods in Punjab displaced thousands of families from riverside villages.\n"
    "Relief camps for displaced families opened near the flooded villages.\n"
    "Families in the flooded Punjab villages asked for more relief.\n"
    "The flooded villages of Punjab waited for relief from the army."
)


@pytest.mark.parametrize(
    ("dateline", "budget", "expected"),
    [
        pytest.param("LAHORE (Reuters) - ", {}, 5, id="wire-copy-is-its-lead"),
        pytest.param("", {}, 0, id="undated-article-ranked"),
        pytest.param("BREAKING: ", {}, 0, id="a-kicker-is-no-dateline"),
        pytest.param("ANALYSIS — ", {}, 0, id="a-features-kicker-is-no-dateline"),
        pytest.param("LAHORE (Reuters) - ", {"max_sentences": 2}, 2, id="sentence-budget"),
        pytest.param("LAHORE (Reuters) - ", {"max_words": 30}, 2, id="word-budget"),
    ],
)
def test_wire_copy_is_summarised_by_its_lead(
    dateline: str, budget: dict[str, int], expected: int
) -> None:
    article = dateline + _OFF_TOPIC_OPENING
    # A pure-centrality ranker that keeps only the best sentences would skip the kites.
    ranker = Ranker(0.0, 1.0, 0.0, 0.0, keep=0.9)
    summary = summarize_extractive(article, "en", ranker=ranker, **budget)
    if expected:
        assert summary == " ".join(split_sentences(_OFF_TOPIC_OPENING)[:expected])
    else:
        assert "kite" not in summary.lower() and "Punjab" in summary


def test_wire_copy_lead_longer_than_budget_is_cut() -> None:
    article = "کراچی (نمائندہ خصوصی) " + URDU.splitlines()[3]
    summary = summarize_extractive(article, "ur", max_chars=40)
    assert summary.startswith("پنجاب میں") and summary.endswith("…")
    assert len(summary) <= 40


def test_trim_to_budget() -> None:
    text = "One two three. Four five six. Seven eight nine."
    assert trim_to_budget(text, Budget(max_words=7)) == "One two three. Four five six."
    assert trim_to_budget(text, Budget(max_words=2)) == "One two…"


def test_budget_defaults() -> None:
    assert Budget.for_language("en") == Budget(max_words=60)
    assert Budget.for_language("ur") == Budget(max_chars=400)
    assert Budget.for_language("ur", max_sentences=1) == Budget(max_sentences=1)


def test_exports_exist() -> None:
    assert all(hasattr(extractive, name) for name in extractive.__all__)


def _shared_summaries() -> Path:
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("KHABAR_DATA_DIR", default)) / "summaries"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("path", "language"),
    [
        pytest.param("xlsum-urdu/urdu_xlsum.json", "ur", id="ur"),
        pytest.param("xlsum-english/task1357_xlsum_summary_generation.json", "en", id="en"),
    ],
)
def test_real_articles_within_budget(path: str, language: Language) -> None:
    file = _shared_summaries() / path
    if not file.is_file():
        pytest.skip(f"{file} is absent")
    instances = json.loads(file.read_text(encoding="utf-8"))["Instances"][:40]
    budget = Budget.for_language(language)
    for instance in instances:
        summary = summarize_extractive(instance["input"], language)
        assert summary
        assert budget.fits([summary])
