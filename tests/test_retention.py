"""Retention: old articles go in batches with their summaries and deliveries; stories and search stay right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from news.retention import prune_old_articles
from storage import Article, Delivery, Store, Story, SummaryCache
from storage.articles import search_articles
from storage.chats import ensure_chat
from storage.deliveries import queue_delivery
from storage.stories import attach_to_story
from storage.summaries import put_summary
from tests.factories import add_article

NOW = datetime(2026, 11, 28, tzinfo=UTC)


async def _add(
    store: Store, n: int, days_old: float, title: str, *, stored_days_ago: float | None = None
) -> tuple[int, int]:
    """An article published ``days_old`` days before NOW, stored then unless told otherwise."""
    stored_at = NOW - timedelta(days=days_old if stored_days_ago is None else stored_days_ago)
    added = await add_article(
        store,
        title,
        url=f"https://example.org/{n}",
        text=f"Body {n} about {title}.",
        published_at=NOW - timedelta(days=days_old),
        fetched_at=stored_at,
    )
    return added.article_id, added.story_id


async def _count(store: Store, model: type[object]) -> int:
    async with store.read() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_prune_removes_old_articles_and_keeps_the_rest_consistent(store: Store) -> None:
    old_only, old_story = await _add(store, 1, 120, "Glacier melt record")
    _old_member, mixed_story = await _add(store, 2, 95, "Election results announced")
    new_member, _ = await _add(store, 3, 10, "Election results challenged")
    fresh, _ = await _add(store, 4, 1, "Cricket final tonight")
    async with store.write() as session:
        await attach_to_story(session, new_member, mixed_story)
        await put_summary(session, old_only, "en", "extractive", "old summary")
        await put_summary(session, fresh, "en", "extractive", "fresh summary")
        await ensure_chat(session, 5, type="private", language="en", timezone="UTC")
        await queue_delivery(session, chat_id=5, story_id=old_story, article_id=old_only)

    pruned = await prune_old_articles(store, NOW, 90, batch=1)
    assert pruned == 2
    async with store.read() as session:
        ids = list((await session.execute(select(Article.id).order_by(Article.id))).scalars())
        stories = {s.id: s.article_count for s in (await session.execute(select(Story))).scalars()}
        glacier = await search_articles(session, "glacier")
        election = await search_articles(session, "election")
    assert ids == [new_member, fresh]
    assert old_story not in stories and stories[mixed_story] == 1
    assert glacier == [] and [a.id for a in election] == [new_member]
    assert await _count(store, SummaryCache) == 1
    assert await _count(store, Delivery) == 0


async def test_zero_days_keeps_everything(store: Store) -> None:
    await _add(store, 1, 1000, "Ancient news")
    assert await prune_old_articles(store, NOW, 0) == 0
    assert await _count(store, Article) == 1


async def test_retention_counts_from_when_khabar_stored_the_article(store: Store) -> None:
    archive, _ = await _add(store, 1, 400, "Archive of the 2025 floods", stored_days_ago=1)
    await _add(store, 2, 95, "Budget debate in the assembly", stored_days_ago=91)
    recent, _ = await _add(store, 3, 2, "Cricket final tonight")

    assert await prune_old_articles(store, NOW, 90) == 1
    async with store.read() as session:
        ids = list((await session.execute(select(Article.id).order_by(Article.id))).scalars())
    assert ids == [archive, recent]
