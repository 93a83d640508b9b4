"""The SQLite store's files on disk: who may read them, and what a broken disk looks like."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import open_store
from storage.feeds import FeedIn, add_feed


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
