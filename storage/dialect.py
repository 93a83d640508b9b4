"""The two places where SQLite and PostgreSQL need different SQL: insert-or-ignore and full-text match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, TextClause, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

__all__ = ["insert_ignore", "search_ids"]


def insert_ignore(
    session: AsyncSession, table: Table, values: dict[str, Any] | Sequence[dict[str, Any]]
) -> Insert:
    """An INSERT that skips rows clashing with any unique constraint (ON CONFLICT DO NOTHING)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(table).values(values).on_conflict_do_nothing()
    return postgresql.insert(table).values(values).on_conflict_do_nothing()


def _fts5_query(folded: str) -> str:
    """Quote each word so user input can never be read as FTS5 syntax; all words must match."""
    words = [w.replace('"', "") for w in folded.split()]
    return " ".join(f'"{w}"' for w in words if w)


def search_ids(dialect: str, folded_query: str, limit: int, offset: int) -> TextClause | None:
    """SQL for the ids of articles matching every word of the folded query, newest stored first.

    Ordering by id (storage order) lets SQLite's FTS5 walk its index backwards and stop at the
    limit instead of sorting every match, which keeps common words fast on a large store."""
    if dialect == "sqlite":
        match = _fts5_query(folded_query)
        if not match:
            return None
        return text(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q "
            "ORDER BY rowid DESC LIMIT :limit OFFSET :offset"
        ).bindparams(q=match, limit=limit, offset=offset)
    return text(
        "SELECT id FROM articles WHERE search_vector @@ plainto_tsquery('simple', :q) "
        "ORDER BY id DESC LIMIT :limit OFFSET :offset"
    ).bindparams(q=folded_query, limit=limit, offset=offset)
