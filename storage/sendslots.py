"""The send_slots table: GCRA send slots shared by every instance, on the database's clock.

Each statement is the whole algorithm of ``bot.budget.slots.LocalSlots`` in one round trip
(one row lock, held for the statement), and times are the server's ``clock_timestamp()``, so
instances on machines whose clocks differ still agree. PostgreSQL only: SQLite runs one process.
"""

from __future__ import annotations

from sqlalchemy import text

from storage.engine import Store

__all__ = ["forget_old_slots", "hold_slot", "reserve_slot"]

_NOW = "WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t) "

_RESERVE = text(
    _NOW + "INSERT INTO send_slots AS s (bucket, tat) SELECT :bucket, now.t + :interval FROM now "
    "ON CONFLICT (bucket) DO UPDATE SET tat = greatest(s.tat, (SELECT t FROM now)) + :interval "
    "RETURNING greatest(0.0, s.tat - :interval - :burst - (SELECT t FROM now))"
)
_HOLD = text(
    _NOW + "INSERT INTO send_slots AS s (bucket, tat) SELECT :bucket, now.t + :seconds FROM now "
    "ON CONFLICT (bucket) DO UPDATE SET tat = greatest(s.tat, excluded.tat)"
)
_FORGET = text(
    "DELETE FROM send_slots WHERE tat < extract(epoch FROM clock_timestamp())::float8 - :age"
)


async def reserve_slot(store: Store, bucket: str, interval: float, burst: float) -> float:
    """Take the bucket's next slot (``burst`` seconds early at most); seconds until it."""
    params = {"bucket": bucket, "interval": interval, "burst": burst}
    async with store.autocommit() as conn:
        return float((await conn.execute(_RESERVE, params)).scalar_one())


async def hold_slot(store: Store, bucket: str, seconds: float) -> None:
    """No slot for the bucket for ``seconds`` from now."""
    async with store.autocommit() as conn:
        await conn.execute(_HOLD, {"bucket": bucket, "seconds": seconds})


async def forget_old_slots(store: Store, age: float = 60.0) -> int:
    """Delete buckets whose slot passed more than ``age`` seconds ago; how many."""
    async with store.autocommit() as conn:
        result = await conn.execute(_FORGET, {"age": age})
    return int(result.rowcount or 0)
