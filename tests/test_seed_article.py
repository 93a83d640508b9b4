"""The shared seed article (a saved news page as text) must come out clean; skipped without it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from news.extract.pages import ExtractedArticle, extract_text
from news.extract.topics import classify

REPO = Path(__file__).resolve().parent.parent
SEED = Path(os.environ.get("KHABAR_DATA_DIR", REPO.parent / "shared" / "data")).parent / "fixtures"
SEED_FILE = SEED / "seed-article.txt"

pytestmark = pytest.mark.skipif(not SEED_FILE.exists(), reason=f"{SEED_FILE} absent")


@pytest.fixture(scope="module")
def article() -> ExtractedArticle:
    return extract_text(SEED_FILE.read_text("utf-8"))


def test_title_date_and_language(article: ExtractedArticle) -> None:
    assert article.title == "Russia hands proposals to US on security guarantees, says Kremlin"
    assert article.published_at == datetime(2021, 12, 15, tzinfo=UTC)
    assert article.language == "en"


def test_topic_is_world(article: ExtractedArticle) -> None:
    topic = classify(title=article.title, text=article.text, language=article.language)
    assert topic == "world"


def test_text_is_the_article_only(article: ExtractedArticle) -> None:
    last = SEED_FILE.read_text("utf-8").strip().splitlines()[-1].strip()
    assert article.text.startswith("MOSCOW (Reuters)")
    assert article.text.endswith(last)
    for junk in ("Live-TV", "Newspaper", "اُردُو نیوز", "Web Desk", article.title):
        assert junk not in article.text
    assert article.lead.startswith("MOSCOW (Reuters)")
    assert len(article.lead) <= 300
