"""Logging set-up: one line per event, httpx kept at WARNING, the bot token never written."""

from __future__ import annotations

import logging
import re

__all__ = ["TokenFilter", "setup_logging"]

_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class TokenFilter(logging.Filter):
    """Replace anything shaped like a bot token in a record with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's message in place; never drop it."""
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg = _TOKEN.sub("<token>", message)
            record.args = None
        return True


def setup_logging(level: str) -> None:
    """Configure the root logger once for the process."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(TokenFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the Bot API URL contains the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
