"""The SQLite store's files on disk: who may read them, and what a broken disk looks like."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine

from storage import StorageFull, Store, open_store
from storage.feeds import FeedIn, add_feed
from tests.khabar_process import TIMEOUT, clean_env, run_khabar


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start with (022): new files would be world-readable."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("usual_umask")
async def test_new_database_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "data" / "khabar.db"
    store = await open_store(f"sqlite+aiosqlite:///{db}")
    try:
        async with store.write() as session:
            await add_feed(session, FeedIn("https://example.com/rss", "Example", "en", "world"))
        # While a connection is open the write-ahead log and shared-memory index exist.
        modes = {p.name: _mode(p) for p in db.parent.iterdir()}
    finally:
        await store.close()

    assert modes == {"khabar.db": 0o600, "khabar.db-wal": 0o600, "khabar.db-shm": 0o600}
    assert _mode(db.parent) == 0o700


@pytest.mark.usefixtures("usual_umask")
async def test_an_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o750)
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'khabar.db'}")
    await store.close()

    assert _mode(folder) == 0o750
    assert _mode(folder / "khabar.db") == 0o600


async def test_a_full_database_raises_storage_full(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'khabar.db'}"
    await (await open_store(url)).close()
    # SQLite's own size cap gives the same SQLITE_FULL as a full disk, without filling one.
    engine = create_async_engine(url)

    @event.listens_for(engine.sync_engine, "connect")
    def _cap(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    store = Store(engine)
    try:
        with pytest.raises(StorageFull, match=r"^storage: the disk is full: cannot write to "):
            async with store.write() as session:
                for n in range(50):
                    await add_feed(session, FeedIn(f"https://e.com/{n}/" + "x" * 2000, "E", "en"))
    finally:
        await store.close()


def test_a_read_only_database_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "khabar.db"
    upgraded = run_khabar("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{db}"}, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    # mode=ro gives SQLite's "attempt to write a readonly database", as a read-only mount does
    # (and as a file without write permission does for anyone but root, who runs this test).
    read_only = f"sqlite+aiosqlite:///file:{db}?mode=ro&uri=true"
    page = Path(__file__).parent / "data" / "pages" / "en-simple.txt"
    result = run_khabar("import", str(page), env={"DATABASE_URL": read_only}, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"khabar: storage: the database is read-only: cannot write to file:{db} (check the "
        "permissions of the file and its directory, and that the disk is not mounted read-only)"
    ]


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    result = run_khabar(
        "db", "upgrade", env={"DATABASE_URL": f"sqlite:///{tmp_path}"}, cwd=tmp_path
    )

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"khabar: storage: cannot open the database {tmp_path} (is the path a file khabar may "
        "create or write, in a directory that exists?)"
    ]


def test_a_write_past_the_file_size_limit_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "khabar.db"
    env = {"DATABASE_URL": f"sqlite:///{db}", "PYTHONDONTWRITEBYTECODE": "1"}
    assert run_khabar("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    text = tmp_path / "long.txt"
    paragraph = "The council said on Monday that the new bridge would open next month. " * 20
    text.write_text("A long report\n\n" + "\n\n".join([paragraph] * 300), encoding="utf-8")
    # The file size limit (ulimit -f) makes the kernel refuse the write (EFBIG), as a failing
    # or full disk refuses it: SQLite says "disk I/O error".
    limit = max(db.stat().st_size, 32768) + 128 * 1024
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, runpy, sys; "
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
            f"sys.argv = ['khabar', 'import', {str(text)!r}]; "
            "runpy.run_module('bot', run_name='__main__')",
        ],
        cwd=tmp_path,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"khabar: storage: disk I/O error on {db} (is the disk full or failing?)"
    )
    assert "Traceback" not in result.stderr
