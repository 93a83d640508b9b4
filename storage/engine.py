"""Engine and session set-up for SQLite (WAL, BEGIN IMMEDIATE for writers) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.dberrors import translate_connect, translating
from storage.errors import StorageConfigError

__all__ = [
    "CHANGED_CHATS",
    "Store",
    "hide_password",
    "normalize_database_url",
    "open_store",
    "sqlite_sibling_url",
]

CHANGED_CHATS = "khabar_changed_chats"
"""The session.info key under which storage.chats notes the chats a write session changes."""

log = logging.getLogger(__name__)

_IMMEDIATE = "khabar_begin_immediate"
_SQLITE_BUSY_TIMEOUT_S = 15.0


def hide_password(raw: str) -> str:
    """The database URL as it may be shown: any password replaced by ``***``, parsable or not."""
    scheme, sep, rest = raw.partition("://")
    at = rest.rfind("@")  # a raw "@" in the password comes before the last one
    if not sep or at < 0 or ":" not in rest[:at]:
        return raw
    user = rest[:at].split(":", 1)[0]
    return f"{scheme}://{user}:***@{rest[at + 1 :]}"


def normalize_database_url(raw: str) -> URL:
    """Parse a database URL and choose the async driver (``sqlite`` → aiosqlite, ``postgresql`` → asyncpg)."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise StorageConfigError(f"cannot parse {hide_password(raw)!r} as a database URL") from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
        if url.database in (None, "", ":memory:"):
            raise StorageConfigError(
                "SQLite needs a file path, e.g. sqlite+aiosqlite:///./khabar.db"
            )
    elif backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+asyncpg")
    else:
        raise StorageConfigError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return url


def sqlite_sibling_url(raw: str, suffix: str) -> str | None:
    """The URL of an SQLite file beside ``raw``'s, its name ending in ``suffix`` before the
    extension (``./khabar.db`` → ``./khabar-console.db``); None when ``raw`` is not SQLite."""
    url = normalize_database_url(raw)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    path = PurePath(url.database)
    sibling = path.with_name(f"{path.stem}{suffix}{path.suffix}")
    # Keep a relative path's "./" spelling: PurePath drops it, and the URL then reads oddly.
    name = (
        str(sibling)
        if sibling.is_absolute() or not url.database.startswith("./")
        else f"./{sibling}"
    )
    return url.set(database=name).render_as_string(hide_password=False)


def _create_private_file(path: Path) -> None:
    """Create a new database file 0600, and its missing directory 0700, before SQLite does.

    SQLite would create the file 0644 (less the umask): readable by every local user, articles,
    chats and subscriptions alike. Its -wal and -shm files copy the database file's mode
    (os_unix.c, findCreateFileMode), so they are private too. An existing file or directory
    keeps the mode its owner gave it.
    """
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process created it just now
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    """WAL, foreign keys, busy timeout; BEGIN IMMEDIATE for write sessions (ptb-testing.md §4.8)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Stop the driver's own implicit BEGIN: it silently loses read-modify-write updates.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(_SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Store:
    """The article store: one engine, a reader and a writer session factory."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        if self.dialect != "sqlite":
            translate_connect(engine)  # SQLite opens a file: its errors are the driver's own
        writer_engine = engine.execution_options(**{_IMMEDIATE: True})
        self._reader = async_sessionmaker(engine, expire_on_commit=False)
        self._writer = async_sessionmaker(writer_engine, expire_on_commit=False)
        self._chat_watchers: list[Callable[[Collection[int]], None]] = []

    def watch_chats(self, callback: Callable[[Collection[int]], None]) -> None:
        """Call ``callback`` with the ids of the chats (settings or mutes) each committed write
        session changed: what keeps an in-memory copy of them (bot.chatprefs) true."""
        self._chat_watchers.append(callback)

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is an SQLite file."""
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads; never write through it on SQLite (a deferred BEGIN cannot upgrade)."""
        with translating(self.engine):
            async with self._reader() as session:
                yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in one write transaction (BEGIN IMMEDIATE on SQLite), committed on success.

        A database that is read-only, full, failing or cannot be opened raises StorageUnavailable;
        one locked by another connection for too long raises StorageBusy.
        """
        with translating(self.engine):
            async with self._writer() as session:
                async with session.begin():
                    yield session
                changed = session.info.pop(CHANGED_CHATS, None)
                for watcher in self._chat_watchers if changed else ():
                    watcher(changed)

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection whose statements commit themselves: one round trip each, where
        a session's BEGIN, statement and COMMIT take three (the shared send slots' hot path)."""
        with translating(self.engine):
            async with self.engine.connect() as conn:
                yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def own_connection(self) -> AsyncConnection:
        """A connection of the caller's own, out of the pool's rotation until it is closed (a
        session-level advisory lock lives as long as it); in autocommit mode."""
        with translating(self.engine):
            conn = await self.engine.connect()
            return await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def upgrade(self) -> None:
        """Bring the schema to the newest migration."""
        from storage.migrate import upgrade_to_head

        await upgrade_to_head(self.engine)

    async def close(self) -> None:
        """Dispose of the engine's connections."""
        await self.engine.dispose()


async def open_store(database_url: str, *, upgrade: bool = True, echo: bool = False) -> Store:
    """Create the engine for ``database_url`` and, unless told not to, migrate it to head."""
    url = normalize_database_url(database_url)
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": False}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": _SQLITE_BUSY_TIMEOUT_S}
    else:
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    is_uri = str(url.query.get("uri", "")).lower() in ("true", "1")
    if url.get_backend_name() == "sqlite" and url.database and not is_uri:
        await asyncio.to_thread(_create_private_file, Path(url.database))
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        _install_sqlite_hooks(engine)
    store = Store(engine)
    if upgrade:
        try:
            await store.upgrade()
        except BaseException:
            await store.close()
            raise
    return store
