"""Real storage failures for tests: a lock another connection holds, a writer that will not wait."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage import Store, open_store

__all__ = ["impatient_store", "locked", "raw_store", "shown"]


def shown(url: str) -> str:
    """The database as storage messages name it: SQLite's file, or the URL without password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


def raw_store(url: str, **connect_args: Any) -> Store:
    """A store on ``url`` with the driver's connect arguments, not migrated, no pragmas."""
    return Store(create_async_engine(url, connect_args=connect_args))


def impatient_store(url: str) -> Store:
    """A store that gives up on a held lock at once (SQLite) or after 1 ms (PostgreSQL)."""
    if url.startswith("sqlite"):
        return raw_store(url, timeout=0)
    return raw_store(url, server_settings={"lock_timeout": "1"})


@asynccontextmanager
async def locked(url: str, table: str) -> AsyncIterator[None]:
    """Hold SQLite's write lock, or PostgreSQL's exclusive lock on ``table``, until exit."""
    holder = await open_store(url)
    try:
        async with holder.write() as session:
            if holder.is_sqlite:
                await session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock
            else:
                await session.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        await holder.close()
