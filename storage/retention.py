"""Deleting articles (old ones, the demo set, or a chat's own feed's that goes) with their
summaries, deliveries and stories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Article, Delivery, Story

__all__ = ["delete_articles_under", "delete_feed_articles", "prune_articles_batch"]


async def _delete(session: AsyncSession, rows: Sequence[tuple[int, int | None]]) -> int:
    """Delete these (article id, story id) rows; fix or drop their stories; return how many.

    Summaries go with them (ON DELETE CASCADE), the FTS index follows through its triggers,
    stories left without articles are deleted (their deliveries with them) and the others get
    their article count corrected. Deliveries have no foreign keys (storage/models.py,
    Delivery): their article is unset and their story's rows deleted here."""
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    story_ids = sorted({r[1] for r in rows if r[1] is not None})
    await session.execute(delete(Article).where(Article.id.in_(ids)))
    await session.execute(
        update(Delivery).where(Delivery.article_id.in_(ids)).values(article_id=None)
    )
    if story_ids:
        remaining = (
            select(func.count(Article.id)).where(Article.story_id == Story.id).scalar_subquery()
        )
        await session.execute(
            update(Story).where(Story.id.in_(story_ids)).values(article_count=remaining)
        )
        empty = select(Story.id).where(Story.id.in_(story_ids), Story.article_count == 0)
        await session.execute(delete(Delivery).where(Delivery.story_id.in_(empty)))
        await session.execute(delete(Story).where(Story.id.in_(empty)))
    return len(ids)


async def prune_articles_batch(session: AsyncSession, cutoff: datetime, batch: int) -> int:
    """Delete up to ``batch`` articles Khabar stored before ``cutoff``; return how many.

    Stored, not published: an archive imported today is kept RETENTION_DAYS from today."""
    rows = (
        await session.execute(
            select(Article.id, Article.story_id)
            .where(Article.fetched_at < cutoff)
            .order_by(Article.fetched_at, Article.id)
            .limit(batch)
        )
    ).all()
    return await _delete(session, [(r[0], r[1]) for r in rows])


async def delete_articles_under(session: AsyncSession, url_prefix: str, batch: int) -> int:
    """Delete up to ``batch`` articles whose canonical URL starts with ``url_prefix``."""
    rows = (
        await session.execute(
            select(Article.id, Article.story_id)
            .where(Article.canonical_url.startswith(url_prefix, autoescape=True))
            .order_by(Article.id)
            .limit(batch)
        )
    ).all()
    return await _delete(session, [(r[0], r[1]) for r in rows])


async def delete_feed_articles(session: AsyncSession, feed_ids: Sequence[int]) -> int:
    """Delete every article of these feeds; return how many.

    For the feeds only chats followed, when they go: unlinked (feed_id NULL) their articles
    would count as everyone's, and show in /latest and /search to chats that never followed
    them (storage.visibility)."""
    if not feed_ids:
        return 0
    rows = (
        await session.execute(
            select(Article.id, Article.story_id).where(Article.feed_id.in_(list(feed_ids)))
        )
    ).all()
    return await _delete(session, [(r[0], r[1]) for r in rows])
