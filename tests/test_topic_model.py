"""The embedding topic classifier: its shipped weights, the keyword fallback when they fail to
load, and where it decides in the pipeline (only when feed, URL and categories name no topic)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from news.embeddings.backend import E5Backend
from news.embeddings.service import Embeddings
from news.embeddings.topicmodel import TopicClassifier, load_topic_model
from news.embeddings.vectors import DIM
from news.extract.topics import TOPICS, classify
from news.pipeline import Pipeline
from storage import Article
from tests.factories import add_feed
from tests.pipeline_helpers import Harness, rss

# Keywords file this under sports ("record", "season"); it is a television series.
SITCOM = (
    "Comedy series renewed after record first season",
    "The streaming platform said the sitcom drew 30 million viewers in its first month and "
    "would return next autumn.",
)
WEB_SERIES = (
    "اداکارہ نے نئی ویب سیریز میں کام کرنے کی تصدیق کر دی",
    "سیریز کی عکس بندی اگلے ماہ شروع ہو گی اور اس میں کئی معروف اداکار شامل ہیں۔",
)


def _weights(**changes: object) -> str:
    """The shipped weights file as JSON text, with ``changes`` to its fields."""
    body = json.loads(load_topic_model().to_json())
    body.update(changes)
    return json.dumps(body)


def test_the_shipped_weights_cover_every_topic_and_stay_small() -> None:
    model = load_topic_model()
    assert model.topics == TOPICS
    assert model.weights.shape == (len(TOPICS), DIM)
    shipped = Path(__file__).resolve().parent.parent / "news" / "embeddings" / "topic_weights.json"
    assert shipped.stat().st_size < 300_000


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param(_weights(format=2), id="other-format"),
        pytest.param(_weights(bias=[0.0]), id="bias-of-one-topic"),
        pytest.param(_weights(weights=[[0.0] * 10] * len(TOPICS)), id="short-rows"),
        pytest.param(_weights(topics=["world", *TOPICS[1:-1], "weather"]), id="unknown-topic"),
        pytest.param(_weights(bias=[float("nan")] * len(TOPICS)), id="nan"),
    ],
)
def test_a_bad_weights_file_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "weights.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ValueError):
        load_topic_model(path)


@pytest.mark.parametrize(
    ("language", "title", "lead", "expected"),
    [
        pytest.param(
            "en",
            "Striker's late header sends United into the cup final",
            "A stoppage-time header from the club captain gave United a 2-1 win in the "
            "semi-final at Old Trafford on Sunday.",
            "sports",
            id="en-sports",
        ),
        pytest.param(
            "en",
            "Hospitals report surge in flu patients as winter sets in",
            "Doctors in several cities said wards were full of patients with fever and cough, "
            "and urged older people to get vaccinated.",
            "health",
            id="en-health",
        ),
        pytest.param(
            "ur",
            "قومی ٹیم نے فائنل میں آسٹریلیا کو ہرا کر ٹرافی جیت لی",
            "کپتان کی شاندار اننگز کی بدولت پاکستان نے آخری اوور میں ہدف حاصل کر لیا اور شائقین "
            "نے جشن منایا۔",
            "sports",
            id="ur-sports",
        ),
        pytest.param(
            "ur",
            "ڈاکٹروں نے بچوں میں نمونیا کے بڑھتے کیسز پر خبردار کر دیا",
            "سردی بڑھنے کے ساتھ ہسپتالوں میں سانس کی بیماریوں میں مبتلا بچوں کی تعداد دوگنی ہو "
            "گئی ہے۔",
            "health",
            id="ur-health",
        ),
        pytest.param("en", *SITCOM, "entertainment", id="en-keywords-miss"),
        pytest.param("ur", *WEB_SERIES, "entertainment", id="ur-keywords-miss"),
    ],
)
async def test_the_model_reads_a_clear_topic(
    embeddings: Embeddings, language: str, title: str, lead: str, expected: str
) -> None:
    vector, topic = await embeddings.article_and_topic(title, lead, language)
    assert vector is not None
    assert topic == expected


def _pipeline(h: Harness, embeddings: Embeddings | None) -> Pipeline:
    """A pipeline on the harness's server, fetcher and clock, embedding with ``embeddings``."""
    pipeline = Pipeline(
        h.store, h.pipeline.fetcher, h.pipeline.extractor, interval=300, embeddings=embeddings
    )
    pipeline.clock = lambda: h.now
    return pipeline


async def _ingest(
    h: Harness,
    pipeline: Pipeline,
    items: list[dict[str, str]],
    *,
    language: str = "en",
    feed_topic: str | None = None,
) -> list[Article]:
    """Serve ``items`` as a feed (of no topic unless given), ingest it once, return what is stored."""
    h.server.add_bytes("/feed.xml", rss("Desk", items, language=language))
    await add_feed(h.store, h.server.url("/feed.xml"), language=language, topic=feed_topic)
    stats = await pipeline.run_pass()
    assert stats.new_articles == len(items)
    return await h.articles()


@pytest.mark.parametrize(
    ("language", "story"),
    [pytest.param("en", SITCOM, id="en"), pytest.param("ur", WEB_SERIES, id="ur")],
)
async def test_an_article_of_a_feed_that_names_no_topic_gets_the_models_topic(
    harness: Harness, embeddings: Embeddings, language: str, story: tuple[str, str]
) -> None:
    title, lead = story
    assert classify(title=title, text=lead, language=language) == "sports"  # what keywords say
    item = {"title": title, "link": harness.server.url("/a1"), "body": lead}
    (article,) = await _ingest(harness, _pipeline(harness, embeddings), [item], language=language)
    assert (article.language, article.topic) == (language, "entertainment")


async def test_without_embeddings_the_keyword_topic_stands(harness: Harness) -> None:
    item = {"title": SITCOM[0], "link": harness.server.url("/a1"), "body": SITCOM[1]}
    (article,) = await _ingest(harness, _pipeline(harness, Embeddings(None)), [item])
    assert article.topic == "sports"


@pytest.mark.parametrize(
    ("link", "category", "feed_topic"),
    [
        pytest.param("/a1", None, "business", id="feed"),
        pytest.param("/business/a1", None, None, id="url-section"),
        pytest.param("/a1", "Business", None, id="category"),
    ],
)
async def test_feed_url_and_categories_win_over_the_model(
    harness: Harness,
    embeddings: Embeddings,
    link: str,
    category: str | None,
    feed_topic: str | None,
) -> None:
    item = {"title": SITCOM[0], "link": harness.server.url(link), "body": SITCOM[1]}
    if category:
        item["category"] = category
    pipeline = _pipeline(harness, embeddings)
    (article,) = await _ingest(harness, pipeline, [item], feed_topic=feed_topic)
    assert article.topic == "business"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="missing"),
        pytest.param('{"format": 1, "weights": ', id="corrupt"),
        pytest.param(_weights(model="another-embedder"), id="other-embedder"),
    ],
)
async def test_a_model_that_fails_to_load_logs_once_and_keywords_decide(
    harness: Harness,
    e5_backend: E5Backend,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    content: str | None,
) -> None:
    path = tmp_path / "topic_weights.json"
    if content is not None:
        path.write_text(content, "utf-8")
    embeddings = Embeddings(e5_backend, TopicClassifier(path))
    items = [
        {"title": SITCOM[0], "link": harness.server.url("/a1"), "body": SITCOM[1]},
        {
            "title": "Singer's new album tops the charts in its first week",
            "link": harness.server.url("/a2"),
            "body": "The record, her first in five years, sold more copies than any other "
            "album released this month, her label said.",
        },
    ]
    try:
        with caplog.at_level(logging.WARNING, logger="news.embeddings.topicmodel"):
            stored = await _ingest(harness, _pipeline(harness, embeddings), items)
    finally:
        embeddings.close()
    topics = {a.title: a.topic for a in stored}
    assert topics == {SITCOM[0]: "sports", items[1]["title"]: "entertainment"}  # by keywords
    lines = [r.getMessage() for r in caplog.records if r.name == "news.embeddings.topicmodel"]
    assert len(lines) == 1
    assert lines[0].startswith(f"topics: model {path} not loaded")
