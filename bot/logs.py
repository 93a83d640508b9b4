"""Logging set-up: one line per event, httpx kept at WARNING, secrets never written.

Every record passes the redactor on the root handler: the configured secrets (bot token,
webhook secret, API key, database password) and anything shaped like a bot token are replaced,
in the message, in the formatted exception (PTB's InvalidToken quotes the token, httpx errors
quote URLs) and in stack information. ``redact`` does the same for lines the CLI prints itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

__all__ = ["Redactor", "add_secret", "redact", "setup_logging"]

_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
_MIN_SECRET = 6  # shorter values would blank out ordinary words; such secrets are weak anyway
_PLAIN = logging.Formatter()


class Redactor(logging.Filter):
    """Replace secrets and token-shaped text in log records; never drop a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Redact ``secret`` from now on (longest first, so no part of one is left behind)."""
        if len(secret) >= _MIN_SECRET and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every secret and token-shaped string replaced."""
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return _TOKEN.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's message, exception text and stack in place."""
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _PLAIN.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_REDACTOR = Redactor()


def add_secret(secret: str) -> None:
    """Keep ``secret`` (e.g. a generated webhook secret) out of every later log line."""
    _REDACTOR.add(secret)


def redact(text: str) -> str:
    """``text`` with the process's secrets replaced, for output that bypasses logging."""
    return _REDACTOR.redact(text)


def setup_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Configure the root logger once for the process; ``secrets`` are never written."""
    for secret in secrets:
        _REDACTOR.add(secret)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_REDACTOR)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings go through the redactor too
    # httpx logs every request URL at INFO, and the Bot API URL contains the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
