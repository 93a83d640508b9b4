"""Forum topics: subscriptions.thread_id and deliveries.thread_id (NULL: the chat itself), part of
their unique keys, so a story reaches a chat once per topic that subscribed to it.

The keys become unique indexes on ``coalesce(thread_id, 0)``: SQL's NULLs never clash in a
unique constraint (PostgreSQL's NULLS NOT DISTINCT is 15+ and SQLite has none), and 0 is never a
topic's id (topics are message ids, from 1). ``ON CONFLICT DO NOTHING`` without a target, as
``storage.dialect.insert_ignore`` and ``queue_story`` write it, honours them on both.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# (table, old unique constraint, its columns, new unique index, its columns)
_KEYS = (
    (
        "subscriptions",
        "uq_subscriptions_chat_id",
        ["chat_id", "kind", "value"],
        "uq_subscriptions_chat_thread",
        ["chat_id", "coalesce(thread_id, 0)", "kind", "value"],
    ),
    (
        "deliveries",
        "uq_deliveries_chat_id",
        ["chat_id", "story_id"],
        "uq_deliveries_chat_story_thread",
        ["chat_id", "story_id", "coalesce(thread_id, 0)"],
    ),
)


def upgrade() -> None:
    """Add the thread_id columns and make them part of both unique keys."""
    for table, old, _, new, columns in _KEYS:
        # A batch: SQLite drops a constraint only by rebuilding the table. Neither table is
        # referred to by another, so the rebuild's DROP fires no ON DELETE action.
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
            batch.drop_constraint(old, type_="unique")
        # After the batch: a later batch's reflection would not carry an expression index over.
        op.create_index(new, table, [sa.text(c) for c in columns], unique=True)


def downgrade() -> None:
    """Keep one row per old key (the chat's own, else the first topic's), drop the columns."""
    for table, old, old_columns, new, _ in reversed(_KEYS):
        key = " AND ".join(f"o.{c} = {table}.{c}" for c in old_columns)
        op.execute(
            f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {table} o WHERE {key}"
            f" AND (coalesce(o.thread_id, 0), o.id) < (coalesce({table}.thread_id, 0), {table}.id))"
        )
        op.drop_index(new, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.create_unique_constraint(old, old_columns)
            batch.drop_column("thread_id")
