"""Full-text search over the folded title and text (SQLite FTS5, PostgreSQL GIN).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.textnorm import normalize_for_search

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BACKFILL_BATCH = 2000

# External-content FTS5 over the folded columns, kept in sync by triggers (sqlite.org/fts5.html §4.4.3).
_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        search_title, search_text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, search_title, search_text)
        VALUES (new.id, new.search_title, new.search_text);
    END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, search_title, search_text)
        VALUES ('delete', old.id, old.search_title, old.search_text);
    END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF search_title, search_text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, search_title, search_text)
        VALUES ('delete', old.id, old.search_title, old.search_text);
        INSERT INTO articles_fts(rowid, search_title, search_text)
        VALUES (new.id, new.search_title, new.search_text);
    END""",
]

_PG_INDEX = (
    "CREATE INDEX ix_articles_search ON articles USING gin "
    "(to_tsvector('simple', search_title || ' ' || search_text))"
)


def _backfill() -> None:
    """Fill the folded copies of rows written before this revision."""
    bind = op.get_bind()
    last_id = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, title, text FROM articles WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last_id, "n": _BACKFILL_BATCH},
        ).all()
        if not rows:
            return
        bind.execute(
            sa.text("UPDATE articles SET search_title = :t, search_text = :x WHERE id = :id"),
            [
                {"id": r.id, "t": normalize_for_search(r.title), "x": normalize_for_search(r.text)}
                for r in rows
            ],
        )
        last_id = rows[-1].id


def upgrade() -> None:
    """Add the folded columns, backfill them and index them."""
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("search_title", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    # Backfill before the triggers exist: the update trigger would delete index entries that
    # were never inserted, which corrupts an external-content FTS5 table.
    _backfill()
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
        op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    else:
        op.execute(_PG_INDEX)


def downgrade() -> None:
    """Drop the index and the folded columns."""
    if op.get_bind().dialect.name == "sqlite":
        for name in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
    # Native drops (SQLite >= 3.35), not a batch: rebuilding articles would DROP it, firing the
    # ON DELETE actions of every table referring to it (summaries, deliveries).
    op.drop_column("articles", "search_text")
    op.drop_column("articles", "search_title")
