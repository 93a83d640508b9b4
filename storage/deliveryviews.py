"""What the push sender reads of claimed deliveries: each with its chat, story and the article
to show (in the chat's language when the story has one the chat may see)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Article, Chat, Delivery, Story
from storage.visibility import visible_to

__all__ = ["DeliveryView", "delivery_views"]


@dataclass(frozen=True)
class DeliveryView:
    """Everything the sender needs to render and send one claimed delivery."""

    delivery_id: int
    chat_id: int
    chat_type: str
    chat_language: str
    chat_timezone: str
    quiet_start: int | None
    quiet_end: int | None
    attempts: int
    story_id: int
    story_sources: int
    article_id: int | None
    title: str
    lead: str
    source: str
    topic: str
    language: str
    published_at: datetime
    date_known: bool = True
    url: str = ""
    image_url: str | None = None
    image_refused: bool = False  # Telegram refused image_url once: never offer it again
    chat_pictures: bool = True  # the chat wants picture cards
    thread_id: int | None = None  # the forum topic it goes to (None: the chat itself)


async def delivery_views(session: AsyncSession, delivery_ids: Sequence[int]) -> list[DeliveryView]:
    """The claimed deliveries with their chat, story and article, oldest story first: the
    story's first article in the chat's language the chat may see (storage.visibility) when it
    has one by now, else the one queued."""
    if not delivery_ids:
        return []
    other = aliased(Article)
    in_chat_language = (
        select(func.min(other.id))
        .where(
            other.story_id == Delivery.story_id,
            other.language == Chat.language,
            visible_to(Chat.id, other.feed_id),
        )
        .correlate(Delivery, Chat)
        .scalar_subquery()
    )
    # The story's articles the chat may see: a report of other chats' own feed is not counted.
    counted = aliased(Article)
    reports = (
        select(func.count(counted.id))
        .where(counted.story_id == Delivery.story_id, visible_to(Chat.id, counted.feed_id))
        .correlate(Delivery, Chat)
        .scalar_subquery()
    )
    stmt = (
        select(
            Delivery.id,
            Delivery.chat_id,
            Chat.type,
            Chat.language,
            Chat.timezone,
            Chat.quiet_start,
            Chat.quiet_end,
            Delivery.attempts,
            Delivery.story_id,
            reports,
            Article.id,
            Article.title,
            Article.lead,
            Article.source,
            Article.topic,
            Article.language,
            Article.published_at,
            Article.date_known,
            Article.url,
            Article.image_url,
            Article.image_refused,
            Chat.pictures,
            Delivery.thread_id,
        )
        .join(Chat, Chat.id == Delivery.chat_id)
        .join(Story, Story.id == Delivery.story_id)
        .join(Article, Article.id == func.coalesce(in_chat_language, Delivery.article_id))
        .where(Delivery.id.in_(delivery_ids))
        .order_by(Article.published_at, Delivery.id)
    )
    rows: list[tuple[Any, ...]] = [tuple(row) for row in (await session.execute(stmt)).all()]
    return [DeliveryView(*row) for row in rows]
