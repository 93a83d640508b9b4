"""`khabar import` end to end: what its closing line says, and an old archive outliving the next start."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from news.extract.topics import TOPICS
from news.retention import prune_old_articles
from storage import Article, Delivery, open_store
from storage.articles import search_articles
from tests.factories import add_chats
from tests.khabar_process import run_khabar

ARCHIVE = """<?xml version="1.0"?><rss version="2.0"><channel><title>Archive</title>
<link>https://archive.example/</link>
<item><title>Flood waters recede in Sindh as relief camps close</title>
<link>https://archive.example/2024/floods</link><pubDate>Mon, 02 Sep 2024 08:00:00 +0000</pubDate>
<description>Flood waters receded across Sindh on Monday and the last relief camps closed, officials
said, as families returned to their villages to rebuild.</description></item>
<item><title>Karachi port handles record cargo in August</title>
<link>https://archive.example/2024/port</link><pubDate>Tue, 03 Sep 2024 09:30:00 +0000</pubDate>
<description>Karachi port handled a record volume of cargo in August, the port authority said on
Tuesday, crediting new cranes and longer working hours.</description></item>
</channel></rss>
"""


def _kept_until(days: int) -> set[str]:
    today = date.today()
    return {(today + timedelta(days=days + extra)).isoformat() for extra in (-1, 0, 1)}


async def test_an_old_archive_is_kept_and_the_closing_line_says_so(tmp_path: Path) -> None:
    (tmp_path / "archive.xml").write_text(ARCHIVE)
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'khabar.db'}"
    env = {"DATABASE_URL": database_url, "RETENTION_DAYS": "30"}

    result = run_khabar("import", "archive.xml", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    closing = result.stdout.strip().splitlines()[-1]
    head, until = closing.rsplit(" ", 1)
    assert head == (
        "imported 2 new articles, 0 duplicates, 0 failed; "
        "2 published more than RETENTION_DAYS (30) days ago are kept until"
    )
    assert until in _kept_until(30)
    # What `khabar run` does when it starts, and every hour after.
    store = await open_store(database_url)
    try:
        assert await prune_old_articles(store, datetime.now(UTC), 30) == 0
        async with store.read() as session:
            assert (await session.execute(select(func.count(Article.id)))).scalar_one() == 2
    finally:
        await store.close()


def test_a_recent_import_has_the_plain_closing_line(tmp_path: Path) -> None:
    recent = ARCHIVE.replace("2024", str(date.today().year + 1)).replace(
        "<pubDate>", "<pubDate>x"
    )  # no usable date: nothing is known to be old
    (tmp_path / "recent.xml").write_text(recent)
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}", "RETENTION_DAYS": "30"}

    result = run_khabar("import", "recent.xml", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1] == "imported 2 new articles, 0 duplicates, 0 failed"
    )


async def test_an_import_is_searchable_and_never_pushed(tmp_path: Path) -> None:
    """Like a new feed's backlog: an archive is old news, so no subscriber is alerted to it."""
    (tmp_path / "archive.xml").write_text(ARCHIVE)
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'khabar.db'}"
    store = await open_store(database_url)
    try:
        # Subscribed to every topic long before the import: any queued story would reach it.
        await add_chats(
            store, [1, -2], topics=TOPICS, subscribed_at=datetime(2020, 1, 1, tzinfo=UTC)
        )
    finally:
        await store.close()

    result = run_khabar("import", "archive.xml", env={"DATABASE_URL": database_url}, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    store = await open_store(database_url)
    try:
        async with store.read() as session:
            found = await search_articles(session, "Karachi port")
            queued = (await session.execute(select(func.count(Delivery.id)))).scalar_one()
    finally:
        await store.close()
    assert [a.title for a in found] == ["Karachi port handles record cargo in August"]
    assert queued == 0
