"""A real PTB client towards the fake Bot API, for the fake's own tests: shared chat ids and a
keyboard, and the ``fake`` and ``bot`` fixtures.

Test modules import the fixtures by name (``from tests.fakes.telegram_client import bot, fake``),
so they are defined in that module and take precedence over the ``bot`` fixture that
tests/bot_harness.py registers as a plugin for the bot's end-to-end tests.
"""

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegramAPI

__all__ = ["BUTTON", "CHAT", "GROUP", "LONG_POLL", "bot", "fake"]

CHAT = 1001
LONG_POLL = 60  # seconds: far longer than any wake-up takes, however slow the machine
GROUP = -1001234567890
BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    """A running fake Bot API with default settings."""
    async with FakeTelegramAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegramAPI) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the fake."""
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b
