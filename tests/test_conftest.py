"""The test fixtures themselves: concurrent test runs must not share a PostgreSQL database."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import PG_BASE_URL, PG_URL


@pytest.mark.skipif(not PG_URL, reason="needs KHABAR_TEST_DATABASE_URL (PostgreSQL)")
async def test_each_session_has_its_own_postgres_database() -> None:
    configured = make_url(PG_BASE_URL).database
    assert make_url(PG_URL).database == f"{configured}_{os.getpid()}"
    engine = create_async_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            current = (await conn.exec_driver_sql("SELECT current_database()")).scalar_one()
    finally:
        await engine.dispose()
    assert current == f"{configured}_{os.getpid()}"
