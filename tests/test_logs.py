"""The log redactor: secrets and token-shaped text never reach a log line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from telegram.error import InvalidToken

from bot.logs import Redactor

TOKEN = "987654321:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
PASSWORD = "hunter2-pass"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose one handler writes through a Redactor into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor([TOKEN, PASSWORD, "short"]))
    logger = logging.getLogger("tests.redactor")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_secrets_leave_messages_exceptions_and_stacks(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        logger.exception("GET https://api.telegram.org/bot%s/getMe failed", TOKEN, stack_info=True)
    logger.warning("connecting with password %s", PASSWORD)
    logger.warning("another bot's token 1234567:%s", "x" * 35)

    out = stream.getvalue()
    assert TOKEN not in out and TOKEN.split(":")[1] not in out
    assert PASSWORD not in out
    assert "x" * 35 not in out
    assert "InvalidToken: The token `<redacted>` was rejected" in out
    assert "api.telegram.org/bot<redacted>/getMe" in out


def test_short_secrets_do_not_blank_out_words(logged: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = logged
    logger.warning("a short message")
    assert stream.getvalue() == "a short message\n"
