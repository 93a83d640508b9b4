"""End to end: when the store fails, the user reads a short message in their language and the
operator one log line; the bot carries on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import Settings
from storage import open_store
from storage.chats import ensure_chat
from tests.bot_harness import PRIVATE, BotHarness, make_settings
from tests.fakes import FakeTelegramAPI
from tests.storage_helpers import impatient_store, locked, shown

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
NEW_URDU_CHAT = PRIVATE + 2
STORAGE_EN = "Sorry, my news store is not working right now. Please try again later."
STORAGE_UR = (
    "معذرت، ابھی میرا خبروں کا ذخیرہ کام نہیں کر رہا۔ براہ کرم کچھ دیر بعد دوبارہ کوشش کریں۔"
)
BUSY_EN = "Sorry, I'm busy right now. Please try again in a moment."


def _handler_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the error handler logged at WARNING or above."""
    return [r for r in caplog.records if r.name == "bot.handlers.fallback"]


class TestReadOnlyStore:
    """The database became read-only (a read-only mount, a full quota turned read-only)."""

    @pytest.fixture
    async def bot_settings(self, fake_api: FakeTelegramAPI, tmp_path: Path) -> Settings:
        """Settings whose database two chats know already, opened read-only."""
        db = tmp_path / "khabar.db"
        store = await open_store(f"sqlite+aiosqlite:///{db}")
        try:
            async with store.write() as session:
                for chat_id, language in ((PRIVATE, "en"), (URDU_CHAT, "ur")):
                    await ensure_chat(
                        session, chat_id, type="private", language=language, timezone="UTC"
                    )
        finally:
            await store.close()
        return make_settings(fake_api, f"sqlite+aiosqlite:///file:{db}?mode=ro&uri=true")

    async def test_a_write_that_fails_is_one_localized_message_and_one_log_line(
        self, bot: BotHarness, caplog: pytest.LogCaptureFixture, tmp_path: Path
    ) -> None:
        bot.expect_errors()
        caplog.set_level(logging.WARNING, logger="bot.handlers.fallback")

        english = await bot.send(PRIVATE, "/subscribe world")
        urdu = await bot.send(URDU_CHAT, "/subscribe world", language_code="ur")
        # A chat the store cannot even register: the user's Telegram language decides.
        new_urdu = await bot.send(NEW_URDU_CHAT, "/help", language_code="ur")
        reading = await bot.send(PRIVATE, "/subscriptions")  # reads still work

        assert (english.text, urdu.text, new_urdu.text) == (STORAGE_EN, STORAGE_UR, STORAGE_UR)
        assert "world" not in reading.text and reading.text != STORAGE_EN
        lines = [(r.levelname, r.getMessage(), r.exc_info) for r in _handler_log(caplog)]
        where = f"file:{tmp_path / 'khabar.db'}"
        expected = (
            "failed: storage: the database is read-only: cannot write to "
            f"{where} (check the permissions of the file and its directory, and that the disk "
            "is not mounted read-only)"
        )
        assert [(level, message.split(" ", 2)[2], exc) for level, message, exc in lines] == [
            ("ERROR", expected, None)
        ] * 3


async def test_a_busy_store_asks_the_user_to_try_again(
    bot: BotHarness, caplog: pytest.LogCaptureFixture, database_url: str
) -> None:
    bot.expect_errors()
    caplog.set_level(logging.WARNING, logger="bot.handlers.fallback")
    await bot.send(PRIVATE, "/start")  # the chat is known before the lock
    patient = bot.services.store
    bot.services.store = impatient_store(database_url)
    try:
        async with locked(database_url, "subscriptions"):
            busy = await bot.send(PRIVATE, "/subscribe world")
        again = await bot.send(PRIVATE, "/subscribe world")
    finally:
        await bot.services.store.close()
        bot.services.store = patient

    assert busy.text == BUSY_EN
    assert "world" in again.text.lower() and again.text != BUSY_EN
    (record,) = _handler_log(caplog)
    assert record.levelname == "WARNING"  # it passes by itself; nothing for the operator to do
    assert record.getMessage().endswith(
        f"failed: storage: the database is busy: another connection kept {shown(database_url)} "
        "locked longer than khabar waits; try again"
    )
    assert record.exc_info is None
