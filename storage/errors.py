"""The storage exception tree.

StorageError
├── StorageConfigError   the database URL cannot be used
└── MigrationError       the schema cannot be brought to head
"""

from __future__ import annotations

__all__ = ["MigrationError", "StorageConfigError", "StorageError"]


class StorageError(Exception):
    """Base of every error raised by the store."""


class StorageConfigError(StorageError):
    """The database URL is malformed or names an unsupported database."""


class MigrationError(StorageError):
    """The schema could not be migrated."""
