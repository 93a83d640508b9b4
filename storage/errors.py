"""The storage exception tree.

StorageError
├── StorageConfigError     the database URL cannot be used
├── MigrationError         the schema cannot be brought to head
├── StorageBusy            another connection held a lock past the wait: retryable
└── StorageUnavailable     the database refuses work until the operator acts
    ├── ReadOnlyStorage    the database (or its disk) cannot be written
    ├── StorageFull        the disk, or the database's size limit, is full
    ├── StorageIOError     reading or writing the file failed (failing or full disk)
    └── CannotOpen         the database cannot be opened, or its server reached

Driver errors become these at one boundary (``storage.dberrors``, used by ``Store`` for every
session the bot, the pipeline and the CLI open, and by the migrations), so a command line
prints one line and the bot logs one, instead of a traceback. Messages name the stage first
(``storage: ...``). ``retryable`` says whether the same work may succeed if simply run again.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "CannotOpen",
    "MigrationError",
    "ReadOnlyStorage",
    "StorageBusy",
    "StorageConfigError",
    "StorageError",
    "StorageFull",
    "StorageIOError",
    "StorageUnavailable",
]


class StorageError(Exception):
    """Base of every error raised by the store."""

    retryable: ClassVar[bool] = False
    """Whether running the same work again may succeed without anyone acting."""


class StorageConfigError(StorageError):
    """The database URL is malformed or names an unsupported database."""


class MigrationError(StorageError):
    """The schema could not be migrated."""


class StorageBusy(StorageError):
    """Another connection held the database (SQLite) or a row or table (PostgreSQL) locked for
    longer than this one would wait, or the server aborted a transaction that lost a race."""

    retryable = True


class StorageUnavailable(StorageError):
    """The database refuses work for a reason outside Khabar (permissions, disk, server)."""


class ReadOnlyStorage(StorageUnavailable):
    """A write was refused: the file, its directory or its disk is read-only."""


class StorageFull(StorageUnavailable):
    """A write was refused for lack of space."""


class StorageIOError(StorageUnavailable):
    """The operating system failed a read or write of the database file."""


class CannotOpen(StorageUnavailable):
    """The database file cannot be opened or created (or the server cannot be reached)."""
