"""Driver errors become the storage error tree once, in ``storage``, on SQLite and PostgreSQL.

Each case makes the real condition: a lock another connection holds, a read-only transaction,
a database the server lacks, a port where no server listens.
"""

from __future__ import annotations

import ast
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from storage import CannotOpen, ReadOnlyStorage, StorageBusy, Store, open_store
from storage.feeds import FeedIn, add_feed, list_feeds
from tests.conftest import PG_BASE_URL
from tests.khabar_process import run_khabar
from tests.storage_helpers import impatient_store, locked, raw_store, shown

REPO = Path(__file__).resolve().parent.parent
NEEDS_POSTGRES = pytest.mark.skipif(
    not PG_BASE_URL, reason="needs KHABAR_TEST_DATABASE_URL (PostgreSQL)"
)


async def _add_feed(store: Store, n: int = 1) -> None:
    async with store.write() as session:
        await add_feed(session, FeedIn(f"https://example.com/{n}/rss", "Example", "en"))


async def test_a_database_locked_by_another_connection_is_busy_and_retryable(
    store: Store, database_url: str
) -> None:
    # An impatient writer: SQLite gives up at once, PostgreSQL after a 1 ms lock wait.
    impatient = impatient_store(database_url)
    try:
        async with locked(database_url, "feeds"):
            with pytest.raises(StorageBusy) as raised:
                await _add_feed(impatient)
        await _add_feed(impatient)  # the lock is gone: the same work now succeeds
    finally:
        await impatient.close()

    assert str(raised.value) == (
        f"storage: the database is busy: another connection kept {shown(database_url)} "
        "locked longer than khabar waits; try again"
    )
    assert raised.value.retryable
    async with store.read() as session:
        assert [f.url for f in await list_feeds(session)] == ["https://example.com/1/rss"]


async def test_a_read_only_transaction_is_read_only_storage(
    store: Store, database_url: str
) -> None:
    if store.is_sqlite:
        path = make_url(database_url).database
        read_only = raw_store(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true", uri=True)
    else:  # as on a hot standby, or a database an administrator set read-only
        read_only = raw_store(database_url, server_settings={"default_transaction_read_only": "on"})
    try:
        with pytest.raises(ReadOnlyStorage, match=r"^storage: the database is read-only: "):
            await _add_feed(read_only)
        async with read_only.read() as session:
            assert await list_feeds(session) == []  # reading still works
    finally:
        await read_only.close()
    assert not ReadOnlyStorage.retryable


@NEEDS_POSTGRES
async def test_a_database_the_server_lacks_cannot_be_opened() -> None:
    base = make_url(PG_BASE_URL)
    missing = base.set(database=f"{base.database}_missing_{os.getpid()}")
    url = missing.render_as_string(hide_password=False)

    with pytest.raises(CannotOpen) as raised:
        await open_store(url)

    assert str(raised.value) == (
        f"storage: cannot open the database {shown(url)}: the server has no database of that "
        "name (create it, or correct DATABASE_URL)"
    )


@contextmanager
def _closed_port() -> Iterator[int]:
    """A loopback port held by a socket that never listens: connecting there is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_a_server_that_refuses_connections_cannot_be_opened() -> None:
    with _closed_port() as port:
        url = f"postgresql+asyncpg://khabar:s3cret@127.0.0.1:{port}/khabar"
        with pytest.raises(CannotOpen) as raised:
            await open_store(url)

    assert str(raised.value) == (
        f"storage: cannot reach the database server of postgresql+asyncpg://khabar:***@"
        f"127.0.0.1:{port}/khabar (is it running, and are the host and port in DATABASE_URL "
        "right?)"
    )
    assert isinstance(raised.value.__cause__, ConnectionRefusedError)


def test_the_cli_says_so_in_one_line(tmp_path: Path) -> None:
    with _closed_port() as port:
        url = f"postgresql://khabar:s3cret@127.0.0.1:{port}/khabar"
        result = run_khabar("db", "upgrade", env={"DATABASE_URL": url}, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"khabar: storage: cannot reach the database server of postgresql+asyncpg://khabar:***@"
        f"127.0.0.1:{port}/khabar (is it running, and are the host and port in DATABASE_URL "
        "right?)"
    ]


# Where connections may be opened: every other module goes through Store.read()/write(), whose
# sessions translate driver errors (storage/engine.py), or through the migrations.
_OPENERS = {"storage/engine.py", "storage/migrate.py"}


def _opens_connections(path: Path) -> list[int]:
    """Lines that make a session factory or engine, or open an engine's connection."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        on = func.value if isinstance(func, ast.Attribute) else None
        on_engine = isinstance(on, ast.Attribute | ast.Name) and "engine" in ast.unparse(on)
        if name in ("async_sessionmaker", "AsyncSession", "create_async_engine") or (
            name in ("connect", "begin") and on_engine
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "path",
    sorted(
        p
        for package in ("bot", "news", "storage")
        for p in (REPO / package).rglob("*.py")
        if str(p.relative_to(REPO)) not in _OPENERS and "migrations" not in p.parts
    ),
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_sessions_are_opened_only_by_the_store(path: Path) -> None:
    assert _opens_connections(path) == []
