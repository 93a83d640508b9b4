"""articles.date_known: False when the feed gave no usable publication date (published_at then
holds the fetch time).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add articles.date_known, true for the articles already stored."""
    op.add_column(
        "articles",
        sa.Column("date_known", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    """Drop articles.date_known."""
    # Not a batch: rebuilding articles would DROP it, firing the ON DELETE actions of the tables
    # referring to it and dropping its search triggers. SQLite (>= 3.35) drops it natively.
    op.drop_column("articles", "date_known")
