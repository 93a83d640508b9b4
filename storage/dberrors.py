"""Driver errors the operator must act on, turned into the storage error tree at one boundary.

SQLite names its result codes (``sqlite3.Error.sqlite_errorname``, Python 3.11+), PostgreSQL its
SQLSTATE (Appendix A of its manual); both say the same few things: busy, read-only, full, I/O
failure, cannot open. A PostgreSQL server that cannot be reached at all gives no driver error
but the socket's own ``OSError``, so connecting is translated too (``translate_connect``).
Every other driver error passes through unchanged, for the caller (or a bug report) to see.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.errors import (
    CannotOpen,
    ReadOnlyStorage,
    StorageBusy,
    StorageError,
    StorageFull,
    StorageIOError,
)

__all__ = ["translate_connect", "translated", "translating"]

_BUSY = (
    "the database is busy: another connection kept {where} locked longer than khabar waits; "
    "try again"
)
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
_NO_DATABASE = (
    "cannot open the database {where}: the server has no database of that name (create it, "
    "or correct DATABASE_URL)"
)
_LOGIN = (
    "cannot open the database {where}: the server refused the login (check the user and "
    "password in DATABASE_URL)"
)
_UNREACHABLE = (
    "cannot reach the database server of {where} (is it running, and are the host and port "
    "in DATABASE_URL right?)"
)

_Known = tuple[type[StorageError], str]

# (SQLite result code name prefix, its message, what it becomes): the prefix covers the
# extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DIRECTORY, SQLITE_IOERR_WRITE, …).
_SQLITE: tuple[tuple[str, str, type[StorageError], str], ...] = (
    ("SQLITE_BUSY", "database is locked", StorageBusy, _BUSY),
    ("SQLITE_LOCKED", "database table is locked", StorageBusy, _BUSY),
    ("SQLITE_READONLY", "readonly database", ReadOnlyStorage, _READ_ONLY),
    ("SQLITE_FULL", "database or disk is full", StorageFull, _FULL),
    ("SQLITE_IOERR", "disk i/o error", StorageIOError, _IO),
    ("SQLITE_CANTOPEN", "unable to open database file", CannotOpen, _OPEN),
)
_POSTGRES: dict[str, _Known] = {
    "40001": (StorageBusy, _BUSY),  # serialization_failure
    "40P01": (StorageBusy, _BUSY),  # deadlock_detected
    "55P03": (StorageBusy, _BUSY),  # lock_not_available (lock_timeout, NOWAIT)
    "25006": (ReadOnlyStorage, _READ_ONLY),  # read_only_sql_transaction (or a hot standby)
    "53100": (StorageFull, _FULL),  # disk_full
    "58030": (StorageIOError, _IO),  # io_error
    "3D000": (CannotOpen, _NO_DATABASE),  # invalid_catalog_name
    "28000": (CannotOpen, _LOGIN),  # invalid_authorization_specification
    "28P01": (CannotOpen, _LOGIN),  # invalid_password
}
_POSTGRES_CLASSES: dict[str, _Known] = {
    "08": (CannotOpen, _UNREACHABLE),  # connection_exception: the connection was lost
}


def _known(orig: object) -> _Known | None:
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    message = str(orig).lower()
    for prefix, text, kind, template in _SQLITE:
        if name.startswith(prefix) or (not name and text in message):
            return kind, template
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    return _POSTGRES.get(sqlstate) or _POSTGRES_CLASSES.get(sqlstate[:2])


def translated(exc: DBAPIError, where: str) -> StorageError | None:
    """The storage error ``exc`` means, naming the database ``where``; None for any other."""
    known = _known(exc.orig)
    if known is None:
        return None
    kind, template = known
    return kind("storage: " + template.format(where=where))


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


def translate_connect(engine: AsyncEngine) -> None:
    """Make a refused or unresolvable connection to ``engine``'s server raise CannotOpen.

    Only connecting is wrapped (SQLAlchemy's ``do_connect`` event), so an OSError raised by
    other work inside a session is never taken for an unreachable server.
    """
    where = _where(engine)

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except OSError as exc:  # refused, reset, no route, unknown host: the socket's errors
            raise CannotOpen("storage: " + _UNREACHABLE.format(where=where)) from exc
