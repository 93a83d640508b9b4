"""Khabar's article store: typed models, engine and sessions, migrations and every SQL query."""

from storage.engine import Store, hide_password, normalize_database_url, open_store
from storage.errors import (
    CannotOpen,
    MigrationError,
    ReadOnlyStorage,
    StorageBusy,
    StorageConfigError,
    StorageError,
    StorageFull,
    StorageIOError,
    StorageUnavailable,
)
from storage.models import (
    Article,
    Base,
    Chat,
    ChatMute,
    Delivery,
    DeliveryState,
    Feed,
    Story,
    Subscription,
    SummaryCache,
)

__all__ = [
    "Article",
    "Base",
    "CannotOpen",
    "Chat",
    "ChatMute",
    "Delivery",
    "DeliveryState",
    "Feed",
    "MigrationError",
    "ReadOnlyStorage",
    "StorageBusy",
    "StorageConfigError",
    "StorageError",
    "StorageFull",
    "StorageIOError",
    "StorageUnavailable",
    "Store",
    "Story",
    "Subscription",
    "SummaryCache",
    "hide_password",
    "normalize_database_url",
    "open_store",
]
