"""Cross-lingual stories: article_embeddings, stories.languages and chats.news_languages.

article_embeddings holds one compact vector per article (news.embeddings.vectors); a story
records every language it has an article in; a chat chooses the languages of its news apart
from the language of its interface (both, for every chat there is).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create article_embeddings; add and fill stories.languages and chats.news_languages."""
    op.create_table(
        "article_embeddings",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(32), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_article_embeddings_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name="pk_article_embeddings"),
    )
    op.add_column(
        "stories", sa.Column("languages", sa.String(32), nullable=False, server_default="")
    )
    op.execute("UPDATE stories SET languages = language")
    op.add_column(
        "chats",
        sa.Column("news_languages", sa.String(8), nullable=False, server_default="both"),
    )


def downgrade() -> None:
    """Drop them again."""
    # Native drops (SQLite >= 3.35), not batches: rebuilding chats or stories DROPs it, firing
    # the ON DELETE actions of subscriptions, chat_mutes and articles.
    op.drop_column("chats", "news_languages")
    op.drop_column("stories", "languages")
    op.drop_table("article_embeddings")
