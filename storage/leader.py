"""Leadership through a PostgreSQL advisory lock: one instance holds it, on a connection of its
own, for as long as that connection lives.

A session-level advisory lock (``pg_try_advisory_lock``) is released by the server the moment
its session ends: the process exits, is killed, or loses the network. So whoever holds it is
alive, and the others only have to keep trying to take it.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import Store
from storage.errors import StorageError

__all__ = ["Leadership"]

log = logging.getLogger(__name__)

_LOCK_CLASS = 0x4B48  # "KH": the first key of Khabar's advisory locks


class Leadership:
    """The advisory lock ``(_LOCK_CLASS, key)`` on the store's server, held or not."""

    def __init__(self, store: Store, key: int) -> None:
        self.store = store
        self.key = key % (2**31)
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        """Whether this instance took the lock (and has not lost its connection since)."""
        return self._conn is not None

    async def try_take(self) -> bool:
        """Take the lock if nobody holds it; True when this instance holds it now."""
        if self._conn is not None:
            return await self.still_held()
        try:
            conn = await self.store.own_connection()
        except StorageError as exc:
            log.warning("storage: cannot reach the database for the poller lock: %s", exc)
            return False
        try:
            stmt = text("SELECT pg_try_advisory_lock(:c, :k)")
            taken = bool((await conn.execute(stmt, {"c": _LOCK_CLASS, "k": self.key})).scalar())
        except (SQLAlchemyError, OSError) as exc:
            log.warning("storage: taking the poller lock failed: %s", exc)
            taken = False
        if not taken:
            await self._close(conn)
            return False
        self._conn = conn
        return True

    async def still_held(self) -> bool:
        """Whether the lock's connection still answers (if not, the server released the lock)."""
        if self._conn is None:
            return False
        try:
            await self._conn.execute(text("SELECT 1"))
            return True
        except (SQLAlchemyError, OSError) as exc:
            log.warning("storage: the poller lock's connection is gone: %s", exc)
            conn, self._conn = self._conn, None
            await self._close(conn)
            return False

    async def release(self) -> None:
        """Give the lock up (closing its connection ends the session, and so the lock)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await self._close(conn)

    @staticmethod
    async def _close(conn: AsyncConnection) -> None:
        try:
            await conn.invalidate()  # never back into the pool: the lock goes with the session
            await conn.close()
        except (SQLAlchemyError, OSError):
            pass
