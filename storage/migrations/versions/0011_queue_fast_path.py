"""Queueing a story for 100,000 chats in well under a second: a story's articles by
(story_id, published_at), and deliveries without per-row foreign-key checks.

- ``ix_articles_story_published`` replaces ``ix_articles_story``: a story's articles in time
  order come from the index. With only ``story_id`` indexed, SQLite's planner walked
  ``ix_articles_published`` (to skip a sort) whenever most articles had no story.
- ``deliveries`` loses its three foreign keys (chat, story, article). On PostgreSQL each
  inserted row fired three RI triggers (a ``SELECT … FOR KEY SHARE`` per key: 300,000 for one
  story queued for 100,000 chats, most of the 2–3.5 s it took). What they guaranteed, the code
  does (storage/models.py, ``Delivery``): rows are only inserted from rows read in the same
  statement, and the deletes and id moves that cascaded (storage/retention.py,
  storage/chats.py ``migrate_chat``) now say so themselves.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (name, referred table, column, ON DELETE, ON UPDATE) as migration 0001 made them.
_FKS: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("fk_deliveries_chat_id_chats", "chats", "chat_id", "CASCADE", "CASCADE"),
    ("fk_deliveries_story_id_stories", "stories", "story_id", "CASCADE", None),
    ("fk_deliveries_article_id_articles", "articles", "article_id", "SET NULL", None),
)


def upgrade() -> None:
    """Index a story's articles by time; drop the foreign keys of deliveries."""
    op.create_index("ix_articles_story_published", "articles", ["story_id", "published_at"])
    op.drop_index("ix_articles_story", table_name="articles")
    # SQLite cannot drop a constraint: batch mode copies the table (its indexes come along).
    with op.batch_alter_table("deliveries") as batch:
        for name, *_ in _FKS:
            batch.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    """Put the foreign keys and the story index back."""
    # Rows whose chat, story or article is gone would fail the new constraints.
    op.execute("DELETE FROM deliveries WHERE chat_id NOT IN (SELECT id FROM chats)")
    op.execute("DELETE FROM deliveries WHERE story_id NOT IN (SELECT id FROM stories)")
    op.execute(
        "UPDATE deliveries SET article_id = NULL WHERE article_id NOT IN (SELECT id FROM articles)"
    )
    with op.batch_alter_table("deliveries") as batch:
        for name, table, column, on_delete, on_update in _FKS:
            batch.create_foreign_key(
                name, table, [column], ["id"], ondelete=on_delete, onupdate=on_update
            )
    op.create_index("ix_articles_story", "articles", ["story_id"])
    op.drop_index("ix_articles_story_published", table_name="articles")
