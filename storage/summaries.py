"""Queries on the summary cache: one text per (article, language, backend)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_ignore
from storage.models import SummaryCache
from storage.types import utcnow

__all__ = ["get_summary", "put_summary"]


async def get_summary(
    session: AsyncSession, article_id: int, language: str, backends: tuple[str, ...]
) -> SummaryCache | None:
    """The cached summary from the first of ``backends`` that has one."""
    stmt = select(SummaryCache).where(
        SummaryCache.article_id == article_id,
        SummaryCache.language == language,
        SummaryCache.backend.in_(backends),
    )
    found = {s.backend: s for s in (await session.execute(stmt)).scalars()}
    return next((found[b] for b in backends if b in found), None)


async def put_summary(
    session: AsyncSession,
    article_id: int,
    language: str,
    backend: str,
    text: str,
    headline: str | None = None,
) -> None:
    """Cache a summary and its headline (a second write of the same key is ignored)."""
    values = {
        "article_id": article_id,
        "language": language,
        "backend": backend,
        "text": text,
        "headline": headline,
        "created_at": utcnow(),
    }
    await session.execute(insert_ignore(session, SummaryCache.__table__, values))  # type: ignore[arg-type]
