"""Migrations: an empty database reaches head; a database of the previous revision keeps its rows."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import open_store
from storage.articles import search_articles
from storage.migrate import alembic_config, current_revision, head_revision, upgrade_to

pytestmark = pytest.mark.fresh_database


async def _add_feed(conn: AsyncConnection, language: str) -> None:
    """Feed 1, written as the schema of any revision takes it."""
    await conn.execute(
        text(
            "INSERT INTO feeds (id, url, title, language, fetch_pages, enabled, error_count,"
            " created_at) VALUES (1, 'https://x.example/feed', 'X', :language, false, true, 0,"
            " '2026-01-01 00:00:00')"
        ),
        {"language": language},
    )


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_empty_database_reaches_head(database_url: str) -> None:
    store = await open_store(database_url)
    try:
        assert await current_revision(store.engine) == head_revision()
        await store.upgrade()  # a second upgrade is a no-op
        assert await current_revision(store.engine) == head_revision()
    finally:
        await store.close()


async def test_previous_revision_upgrades_with_rows_intact(database_url: str) -> None:
    store = await open_store(database_url, upgrade=False)
    try:
        await upgrade_to(store.engine, "0001")
        async with store.engine.begin() as conn:
            await _add_feed(conn, "ur")
            await conn.execute(
                text(
                    "INSERT INTO articles (id, canonical_url, url, feed_id, source, title, text,"
                    " lead, language, topic, published_at, fetched_at, content_hash, simhash)"
                    " VALUES (1, 'https://x.example/1', 'https://x.example/1', 1, 'X',"
                    " 'كراچي کی خبر', 'متن', '', 'ur', 'pakistan', '2026-01-01 00:00:00',"
                    " '2026-01-01 00:00:00', 'h1', 0)"
                )
            )
        assert await current_revision(store.engine) == "0001"
        await store.upgrade()
        assert await current_revision(store.engine) == head_revision()
        async with store.read() as s:
            found = await search_articles(s, "کراچی")
            feed_title = (await s.execute(text("SELECT title FROM feeds WHERE id = 1"))).scalar()
        assert [a.id for a in found] == [1]
        assert found[0].title == "كراچي کی خبر"
        assert feed_title == "X"
    finally:
        await store.close()


async def test_repeated_guids_of_one_feed_are_kept_as_rows_without_the_guid(
    database_url: str,
) -> None:
    store = await open_store(database_url, upgrade=False)
    try:
        await upgrade_to(store.engine, "0006")
        async with store.engine.begin() as conn:
            await _add_feed(conn, "en")
            for n, feed in ((1, "1"), (2, "1"), (3, "NULL"), (4, "NULL")):
                await conn.execute(
                    text(
                        "INSERT INTO articles (id, canonical_url, url, guid, feed_id, source,"
                        " title, text, lead, language, topic, published_at, fetched_at,"
                        f" content_hash, simhash) VALUES ({n}, 'https://x.example/{n}',"
                        f" 'https://x.example/{n}', 'urn:1', {feed}, 'X', 'Title {n}', '', '',"
                        " 'en', 'world', '2026-01-01 00:00:00', '2026-01-01 00:00:00',"
                        f" 'h{n}', 0)"
                    )
                )
        await store.upgrade()
        async with store.read() as s:
            rows = (await s.execute(text("SELECT id, guid FROM articles ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "urn:1"), (2, None), (3, "urn:1"), (4, "urn:1")]
    finally:
        await store.close()


async def test_deliveries_keep_their_rows_when_their_foreign_keys_go(database_url: str) -> None:
    store = await open_store(database_url, upgrade=False)
    try:
        await upgrade_to(store.engine, "0010")
        async with store.engine.begin() as conn:
            for sql in (
                "INSERT INTO chats (id, type, language, timezone, active, created_at, updated_at)"
                " VALUES (7, 'private', 'en', 'UTC', true, '2026-01-01', '2026-01-01')",
                "INSERT INTO stories (id, title, topic, language, simhash, article_count,"
                " first_published_at, created_at, updated_at) VALUES (3, 'T', 'world', 'en', 0,"
                " 1, '2026-01-01', '2026-01-01', '2026-01-01')",
                "INSERT INTO deliveries (id, chat_id, story_id, state, attempts, created_at,"
                " due_at, updated_at) VALUES (9, 7, 3, 'queued', 0, '2026-01-01', '2026-01-01',"
                " '2026-01-01')",
            ):
                await conn.execute(text(sql))
        await store.upgrade()
        async with store.engine.begin() as conn:
            rows = (await conn.execute(text("SELECT id, chat_id, story_id FROM deliveries"))).all()
            # No foreign key left: a row for a chat not (yet) stored is accepted.
            await conn.execute(
                text(
                    "INSERT INTO deliveries (chat_id, story_id, state, attempts, created_at,"
                    " due_at, updated_at) VALUES (8, 3, 'queued', 0, '2026-01-01', '2026-01-01',"
                    " '2026-01-01')"
                )
            )
        assert [tuple(r) for r in rows] == [(9, 7, 3)]
    finally:
        await store.close()


_CHILD_ROWS = {
    "subscriptions": "SELECT id, chat_id FROM subscriptions ORDER BY id",
    "chat_mutes": "SELECT id, chat_id FROM chat_mutes",
    "deliveries": "SELECT id, chat_id, story_id, article_id FROM deliveries",
    "summaries": "SELECT id, article_id FROM summaries",
    "articles": "SELECT id, feed_id, story_id FROM articles",
}


async def test_downgrades_keep_the_rows_of_child_tables(database_url: str) -> None:
    """Dropping a column of chats, stories, articles or feeds must not delete (or cascade to)
    the rows referring to them: SQLite's table rebuild would DROP the parent table, firing
    every ON DELETE action of its children, and take the search triggers with it."""
    store = await open_store(database_url)
    try:
        async with store.engine.begin() as conn:
            for sql in (
                "INSERT INTO feeds (id, url, title, language, fetch_pages, enabled, error_count,"
                " created_at) VALUES (1, 'https://x.example/feed', 'X', 'en', false, true, 0,"
                " '2026-01-01 00:00:00')",
                "INSERT INTO stories (id, title, topic, language, simhash, article_count,"
                " first_published_at, created_at, updated_at) VALUES (3, 'T', 'world', 'en', 0,"
                " 1, '2026-01-01', '2026-01-01', '2026-01-01')",
                "INSERT INTO articles (id, canonical_url, url, feed_id, source, title, text,"
                " lead, language, topic, published_at, fetched_at, content_hash, simhash,"
                " story_id, search_title, search_text) VALUES (1, 'https://x.example/1',"
                " 'https://x.example/1', 1, 'X', 'Rain', 'Rain falls', '', 'en', 'world',"
                " '2026-01-01', '2026-01-01', 'h1', 0, 3, 'rain', 'rain falls')",
                "INSERT INTO chats (id, type, language, timezone, active, created_at, updated_at)"
                " VALUES (7, 'private', 'en', 'UTC', true, '2026-01-01', '2026-01-01')",
                "INSERT INTO chat_mutes (id, chat_id, word) VALUES (4, 7, 'cricket')",
                "INSERT INTO subscriptions (id, chat_id, kind, value, display, mode, created_at)"
                " VALUES (5, 7, 'topic', 'world', 'World', 'instant', '2026-01-01')",
                "INSERT INTO subscriptions (id, chat_id, kind, value, display, mode, feed_id,"
                " created_at) VALUES (6, 7, 'feed', '1', 'X', 'instant', 1, '2026-01-01')",
                "INSERT INTO deliveries (id, chat_id, story_id, article_id, state, attempts,"
                " created_at, due_at, updated_at) VALUES (9, 7, 3, 1, 'queued', 0, '2026-01-01',"
                " '2026-01-01', '2026-01-01')",
                "INSERT INTO summaries (id, article_id, language, backend, text, created_at)"
                " VALUES (2, 1, 'en', 'extractive', 'Rain falls.', '2026-01-01')",
            ):
                await conn.execute(text(sql))
        async with store.engine.begin() as conn:
            await conn.run_sync(_downgrade, "0002")
        async with store.engine.connect() as conn:
            if conn.dialect.name == "sqlite":  # the search index is still kept in sync
                triggers = (
                    await conn.execute(
                        text(
                            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                            " AND tbl_name = 'articles' ORDER BY name"
                        )
                    )
                ).scalars()
                assert list(triggers) == ["articles_fts_ad", "articles_fts_ai", "articles_fts_au"]
        async with store.engine.begin() as conn:
            await conn.run_sync(_downgrade, "0001")
        assert await current_revision(store.engine) == "0001"
        async with store.engine.connect() as conn:
            kept = {
                table: [tuple(r) for r in (await conn.execute(text(sql))).all()]
                for table, sql in _CHILD_ROWS.items()
            }
        assert kept == {
            "subscriptions": [(5, 7), (6, 7)],
            "chat_mutes": [(4, 7)],
            "deliveries": [(9, 7, 3, 1)],
            "summaries": [(2, 1)],
            "articles": [(1, 1, 3)],
        }
    finally:
        await store.close()


async def test_downgrading_forum_threads_keeps_one_row_per_chat(database_url: str) -> None:
    """0015's downgrade: the old keys hold again, the chat's own row kept over its topics'."""
    store = await open_store(database_url)
    try:
        async with store.engine.begin() as conn:
            for sql in (
                "INSERT INTO chats (id, type, language, timezone, active, created_at, updated_at)"
                " VALUES (7, 'supergroup', 'en', 'UTC', true, '2026-01-01', '2026-01-01')",
                "INSERT INTO stories (id, title, topic, language, simhash, article_count,"
                " first_published_at, created_at, updated_at) VALUES (3, 'T', 'world', 'en', 0,"
                " 1, '2026-01-01', '2026-01-01', '2026-01-01')",
            ):
                await conn.execute(text(sql))
            for n, thread in ((1, "9"), (2, "NULL"), (3, "5")):
                await conn.execute(
                    text(
                        "INSERT INTO subscriptions (id, chat_id, kind, value, display, mode,"
                        f" created_at, thread_id) VALUES ({n}, 7, 'topic', 'world', 'World',"
                        f" 'instant', '2026-01-01', {thread})"
                    )
                )
                await conn.execute(
                    text(
                        "INSERT INTO deliveries (id, chat_id, story_id, state, attempts,"
                        f" created_at, due_at, updated_at, thread_id) VALUES ({n}, 7, 3, 'queued',"
                        f" 0, '2026-01-01', '2026-01-01', '2026-01-01', {thread})"
                    )
                )
        async with store.engine.begin() as conn:
            await conn.run_sync(_downgrade, "0014")
        async with store.engine.connect() as conn:
            kept = [
                (await conn.execute(text(f"SELECT id FROM {table}"))).scalars().all()
                for table in ("subscriptions", "deliveries")
            ]
        assert kept == [[2], [2]]
        await store.upgrade()
        assert await current_revision(store.engine) == head_revision()
    finally:
        await store.close()
