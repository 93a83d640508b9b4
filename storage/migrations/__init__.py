"""Alembic migrations of the article store, applied by ``storage.migrate``."""
