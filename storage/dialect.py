"""The two places where SQLite and PostgreSQL need different SQL: insert-or-ignore and full-text match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

__all__ = ["insert_ignore", "search_filter"]


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


def search_filter(dialect: str, folded_query: str, stmt: Select[Any]) -> Select[Any]:
    """Restrict ``stmt`` (a select over Article) to rows matching the folded query."""
    if dialect == "sqlite":
        fts = text("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q)")
        return stmt.where(fts.bindparams(q=_fts5_query(folded_query)))
    vector = text(
        "to_tsvector('simple', articles.search_title || ' ' || articles.search_text)"
        " @@ plainto_tsquery('simple', :q)"
    ).bindparams(q=folded_query)
    return stmt.where(vector)
