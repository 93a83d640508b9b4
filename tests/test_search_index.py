"""The search index (news.embeddings.nearest): best-effort preload, cancellation, window."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import update

from news.embeddings.nearest import RecentVectors
from news.embeddings.service import Embeddings
from storage import Store
from storage.models import ArticleEmbedding
from tests.factories import NOW, add_article


async def _spoil_vector(store: Store, article_id: int) -> None:
    """Store a vector blob of the wrong size for this article (numpy refuses to decode it)."""
    async with store.write() as session:
        await session.execute(
            update(ArticleEmbedding)
            .where(ArticleEmbedding.article_id == article_id)
            .values(vector=b"\x00" * 10)
        )


async def test_a_preload_that_fails_otherwise_than_in_the_store_is_logged_and_given_up(
    store: Store, embeddings: Embeddings, caplog: pytest.LogCaptureFixture
) -> None:
    added = await add_article(store, "Heavy rain floods Karachi streets", embeddings=embeddings)
    await _spoil_vector(store, added.article_id)
    vectors = RecentVectors(store, embeddings)
    with caplog.at_level(logging.INFO, logger="news.embeddings.nearest"):
        await vectors.preload(NOW)  # returns: the task does not die of it
    assert len(vectors) == 0
    assert [r.getMessage() for r in caplog.records] == [
        "search: index not loaded at start, the first /search reads it: "
        "ValueError: embeddings: a stored vector is not 388 bytes"
    ]
