"""Schema migrations: upgrade a store to head (or to a given revision) with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.dberrors import translating
from storage.errors import MigrationError, StorageError

__all__ = ["alembic_config", "current_revision", "head_revision", "upgrade_to", "upgrade_to_head"]

_MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at the bundled migrations."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision shipped with this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade_to(engine: AsyncEngine, revision: str) -> None:
    """Upgrade the schema to ``revision``, in one transaction."""
    try:
        with translating(engine):
            async with engine.begin() as connection:
                await connection.run_sync(_upgrade, revision)
    except StorageError:
        raise  # busy, read-only, full or unopenable says more than "cannot upgrade"
    except Exception as exc:
        raise MigrationError(f"migrate: cannot upgrade to {revision}: {exc}") from exc


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Upgrade to the newest revision unless the database is already there."""
    if await current_revision(engine) == head_revision():
        return
    await upgrade_to(engine, "head")


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with translating(engine):
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
