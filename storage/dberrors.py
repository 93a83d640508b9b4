"""Driver errors the operator must act on, turned into the storage error tree at one boundary.

SQLite names its result codes (``sqlite3.Error.sqlite_errorname``, Python 3.11+), PostgreSQL its
SQLSTATE; both say the same few things: read-only, full, I/O failure, cannot open. Every other
driver error passes through unchanged, for the caller (or a bug report) to see.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.errors import (
    CannotOpen,
    ReadOnlyStorage,
    StorageFull,
    StorageIOError,
    StorageUnavailable,
)

__all__ = ["translated", "translating"]

_READ_ONLY = (
    "the database is read-only: cannot write to {where} (check the permissions of the file and "
    "its directory, and that the disk is not mounted read-only)"
)
_FULL = "the disk is full: cannot write to {where}"
_IO = "disk I/O error on {where} (is the disk full or failing?)"
_OPEN = (
    "cannot open the database {where} (is the path a file khabar may create or write, "
    "in a directory that exists?)"
)

# (SQLite result code name prefix, its message, what it becomes): the prefix covers the
# extended codes (SQLITE_READONLY_DIRECTORY, SQLITE_IOERR_WRITE, SQLITE_CANTOPEN_ISDIR, …).
_SQLITE: tuple[tuple[str, str, type[StorageUnavailable], str], ...] = (
    ("SQLITE_READONLY", "readonly database", ReadOnlyStorage, _READ_ONLY),
    ("SQLITE_FULL", "database or disk is full", StorageFull, _FULL),
    ("SQLITE_IOERR", "disk i/o error", StorageIOError, _IO),
    ("SQLITE_CANTOPEN", "unable to open database file", CannotOpen, _OPEN),
)
# PostgreSQL SQLSTATEs (Appendix A of its manual): read_only_sql_transaction, disk_full, io_error.
_POSTGRES: dict[str, tuple[type[StorageUnavailable], str]] = {
    "25006": (ReadOnlyStorage, _READ_ONLY),
    "53100": (StorageFull, _FULL),
    "58030": (StorageIOError, _IO),
}


def translated(exc: DBAPIError, where: str) -> StorageUnavailable | None:
    """The storage error ``exc`` means, naming the database ``where``; None for any other."""
    orig = exc.orig
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    message = str(orig).lower()
    for prefix, text, kind, template in _SQLITE:
        if name.startswith(prefix) or (not name and text in message):
            return kind("storage: " + template.format(where=where))
    known = _POSTGRES.get(str(getattr(orig, "sqlstate", "") or ""))
    if known is not None:
        kind, template = known
        return kind("storage: " + template.format(where=where))
    return None


def _where(engine: AsyncEngine) -> str:
    """The database as an operator knows it: SQLite's file, or the URL without its password."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


@contextlib.contextmanager
def translating(engine: AsyncEngine) -> Iterator[None]:
    """Raise the storage error a driver error of ``engine`` means (the original as its cause)."""
    try:
        yield
    except DBAPIError as exc:
        found = translated(exc, _where(engine))
        if found is None:
            raise
        raise found from exc
