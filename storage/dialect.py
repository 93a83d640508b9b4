"""The two places where SQLite and PostgreSQL need different SQL: insert-or-ignore and full-text match."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    column,
    literal_column,
    select,
    table,
    text,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from storage.models import Article

__all__ = ["insert_ignore", "insert_ignore_rows", "search_ids"]


def insert_ignore(
    session: AsyncSession, table: Table, values: dict[str, Any] | Sequence[dict[str, Any]]
) -> Insert:
    """An INSERT that skips rows clashing with any unique constraint (ON CONFLICT DO NOTHING)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(table).values(values).on_conflict_do_nothing()
    return postgresql.insert(table).values(values).on_conflict_do_nothing()


@functools.cache
def insert_ignore_rows(dialect: str, table: Table) -> Insert:
    """insert_ignore without values, built once per dialect and table: execute it with the
    row as parameters. Binding a row's 20 values into a new statement, and keying that for
    the compiled cache, cost more than running the INSERT (0.3 ms of an article's 0.75)."""
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    return insert(table).on_conflict_do_nothing()


def _fts5_query(folded: str) -> str:
    """Quote each word so user input can never be read as FTS5 syntax; all words must match."""
    words = [w.replace('"', "") for w in folded.split()]
    return " ".join(f'"{w}"' for w in words if w)


# A word with fewer matches than this is looked up through the GIN index (see search_ids).
_RARE_MATCHES = 2000


@functools.lru_cache(maxsize=16)
def _fts5_statement(where: ColumnElement[bool] | None) -> Select[int]:
    """The SQLite search of search_ids with this condition (built once per condition object)."""
    fts = table("articles_fts", column("rowid"))
    return (
        select(fts.c.rowid)
        .select_from(fts.join(Article, Article.id == fts.c.rowid))
        .where(literal_column("articles_fts").op("MATCH")(bindparam("match")))
        .where(true() if where is None else where)
        .order_by(fts.c.rowid.desc())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


async def search_ids(
    session: AsyncSession,
    folded_query: str,
    limit: int,
    offset: int,
    *,
    where: ColumnElement[bool] | None = None,
    params: Mapping[str, object] | None = None,
) -> list[int]:
    """Ids of articles matching every word of the folded query (and the condition ``where`` on
    their row, such as storage.visibility's, with the values of its bound ``params``), newest
    stored first. Give the same ``where`` object each time (one per shape): the SQLite
    statement is kept per condition.

    SQLite: FTS5 walks its index backwards by rowid and stops at the limit (each hit's article
    read by its key for ``where``). PostgreSQL: walking the primary key newest-first
    is instant for common words but scans most of the table for a rare one (seconds on a
    million rows), and the planner cannot tell them apart; so a cheap probe (at most
    _RARE_MATCHES rows through the GIN index) decides, and rare words are collected through the
    index and then sorted."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        match = _fts5_query(folded_query)
        if not match:
            return []
        values = {**(params or {}), "match": match, "limit": limit, "offset": offset}
        return list((await session.execute(_fts5_statement(where), values)).scalars())
    # asyncpg prepares statements, and after a few runs PostgreSQL may switch to a generic plan
    # that ignores the word's frequency: plan each search for its own word.
    await session.execute(_CUSTOM_PLANS)
    found = await session.execute(_PROBE, {"q": folded_query, "cap": _RARE_MATCHES})
    rare = found.scalar_one() < _RARE_MATCHES
    values = {**(params or {}), "q": folded_query, "limit": limit, "offset": offset}
    return list((await session.execute(_tsquery_statement(where, rare), values)).scalars())


_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")
_MATCHES = "search_vector @@ plainto_tsquery('simple', :q)"
_PROBE = text(
    f"SELECT count(*) FROM (SELECT 1 FROM articles WHERE {_MATCHES} LIMIT :cap) AS found"
).bindparams(bindparam("q", type_=String), bindparam("cap", type_=Integer))


@functools.lru_cache(maxsize=32)
def _tsquery_statement(where: ColumnElement[bool] | None, rare: bool) -> Select[int]:
    """The PostgreSQL search of search_ids with this condition, for a rare word or a common one
    (built once per condition object)."""
    hits = select(Article.id).where(
        text(_MATCHES).bindparams(bindparam("q", type_=String)),
        true() if where is None else where,
    )
    if rare:
        found = hits.cte("found").prefix_with("MATERIALIZED")
        ordered = select(found.c.id).order_by(found.c.id.desc())
    else:
        ordered = hits.order_by(Article.id.desc())
    return ordered.limit(bindparam("limit", type_=Integer)).offset(
        bindparam("offset", type_=Integer)
    )
