"""summaries.headline: the headline a language model wrote with a summary in another language.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add summaries.headline, empty for the summaries already cached."""
    op.add_column("summaries", sa.Column("headline", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop summaries.headline."""
    with op.batch_alter_table("summaries") as batch:
        batch.drop_column("headline")
