"""End-to-end harness: the real Application, polling a fake Bot API on 127.0.0.1, on a real store.

Test modules load it with ``pytest_plugins = ["tests.bot_harness"]`` and ask for ``bot``:

    async def test_help(bot: BotHarness) -> None:
        reply = await bot.send(PRIVATE, "/help")
        assert "/latest" in reply.text

``send`` and ``press`` push an update to the fake, wait until the Application has finished with
it (the fake confirmed it and ``update_queue.join()`` returned) and give back what the bot did in
between. Every test fails at teardown if the error handler ran or the fake refused a call, unless
the test said it expected that (``bot.expect_errors()``).

PYTEST_DONT_REWRITE: test modules import names from here before pytest loads it as a plugin, so
pytest could not rewrite its asserts anyway and would warn (an error under warnings-as-errors).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application
from bot.budget.budget import SendBudget
from bot.budget.limits import SendLimits
from bot.config import Settings, load_settings
from bot.services import KhabarApp, Services
from bot.wiring import open_services
from storage import Store
from tests.factories import NOW  # the bot's clock in these tests
from tests.fakes import DEFAULT_TOKEN, Call, FakeTelegramAPI
from tests.fakes.telegram_objects import command_entities, make_chat_json, make_user_json

__all__ = [
    "ADMIN_ID",
    "GROUP",
    "GROUP_ADMIN",
    "GROUP_MEMBER",
    "NOW",
    "PRIVATE",
    "BotHarness",
    "Exchange",
    "bot",
    "bot_settings",
    "fake_api",
    "make_settings",
    "plain",
    "running_app",
    "services",
]

PRIVATE = 1001  # a private chat; its user has the same id
ADMIN_ID = 777  # in ADMIN_USER_IDS
GROUP = -1001234567890
GROUP_ADMIN = 5001
GROUP_MEMBER = 5002
ANONYMOUS_ADMIN_BOT = 1087968824  # Telegram's GroupAnonymousBot, the "from" of anonymous admins

SETTLE_TIMEOUT = 30.0  # generous: settle returns as soon as the bot is done, however slow
# Right-to-left and isolate marks the bot adds to Urdu text (bot.render.bidi); tests compare without them.
_BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Text as the user reads it, without the invisible direction marks."""
    return _BIDI_MARKS.sub("", text)


@dataclass
class Exchange:
    """What the bot did for one update: its API calls and the new messages in the chat."""

    calls: list[Call]
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def methods(self) -> list[str]:
        """The Bot API methods called, in order."""
        return [call.method for call in self.calls]

    @property
    def text(self) -> str:
        """Every new message's text or caption as shown to the user, joined by blank lines."""
        return "\n\n".join(plain(m.get("text") or m.get("caption") or "") for m in self.messages)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data or URL) of every button of the new messages."""
        return [
            (plain(b["text"]), b.get("callback_data") or b.get("url") or "")
            for m in self.messages
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]

    def button(self, label: str) -> str:
        """The callback data of the first button whose label contains ``label``."""
        for text, data in self.buttons:
            if label in text:
                return data
        raise AssertionError(f"no button {label!r} in {self.buttons}")

    def params(self, method: str) -> list[dict[str, Any]]:
        """The params of each call of ``method``."""
        return [call.params for call in self.calls if call.method == method]


class _ErrorLog(logging.Handler):
    """Collects what the bot's error handler logs (one record per failed update)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class BotHarness:
    """Drives a running Application through the fake Bot API and reports what it did."""

    def __init__(self, fake: FakeTelegramAPI, app: KhabarApp, services: Services) -> None:
        self.fake = fake
        self.app = app
        self.services = services
        self.errors = _ErrorLog()
        self._errors_expected = False

    @property
    def store(self) -> Store:
        """The bot's store."""
        return self.services.store

    def expect_errors(self) -> None:
        """Allow the error handler to run and the fake to refuse calls in this test."""
        self._errors_expected = True

    async def settle(self, update_id: int) -> None:
        """Wait until the Application has taken the update and finished every update it took."""
        async with asyncio.timeout(SETTLE_TIMEOUT):
            # The fake has no event for "confirmed by an offset"; poll it briefly.
            while any(u["update_id"] == update_id for u in self.fake.pending_updates):  # noqa: ASYNC110
                await asyncio.sleep(0.002)
            await self.app.update_queue.join()

    async def _exchange(
        self, chat_id: int, update: dict[str, Any], mark: int, seen: int
    ) -> Exchange:
        await self.settle(update["update_id"])
        calls = [c for c in self.fake.calls[mark:] if c.method != "getUpdates"]
        return Exchange(calls, self.fake.messages(chat_id)[seen:])

    async def send(self, chat_id: int, text: str, **kwargs: Any) -> Exchange:
        """A user sends ``text`` in the chat (kwargs as FakeTelegramAPI.push_text)."""
        mark, seen = len(self.fake.calls), len(self.fake.messages(chat_id))
        update = self.fake.push_text(chat_id, text, **kwargs)
        return await self._exchange(chat_id, update, mark, seen)

    async def send_as_group(self, chat_id: int, text: str) -> Exchange:
        """An anonymous group admin sends ``text``: Telegram shows the group as the sender."""
        mark, seen = len(self.fake.calls), len(self.fake.messages(chat_id))
        chat = make_chat_json(chat_id)
        anonymous = make_user_json(ANONYMOUS_ADMIN_BOT, first_name="Group", is_bot=True)
        anonymous["username"] = "GroupAnonymousBot"
        message = self.fake.state.add_message(
            chat_id, anonymous, text=text, sender_chat=chat, entities=command_entities(text)
        )
        update = self.fake.push_update({"message": message})
        return await self._exchange(chat_id, update, mark, seen)

    async def send_service(self, chat_id: int, **fields: Any) -> Exchange:
        """Telegram posts a service message in the chat (``migrate_to_chat_id=…`` and the like)."""
        mark, seen = len(self.fake.calls), len(self.fake.messages(chat_id))
        sender = make_user_json(GROUP_ADMIN, first_name="Admin")
        message = self.fake.state.add_message(chat_id, sender, **fields)
        update = self.fake.push_update({"message": message})
        return await self._exchange(chat_id, update, mark, seen)

    async def deliver(self, chat_id: int, push: Callable[[], dict[str, Any]]) -> Exchange:
        """``push`` queues an update of any kind; what the bot did in ``chat_id`` for it."""
        mark, seen = len(self.fake.calls), len(self.fake.messages(chat_id))
        return await self._exchange(chat_id, push(), mark, seen)

    async def press(self, chat_id: int, data: str, message_id: int, **kwargs: Any) -> Exchange:
        """A user presses a button with ``data`` under the bot's message ``message_id``."""
        mark, seen = len(self.fake.calls), len(self.fake.messages(chat_id))
        update = self.fake.push_callback(chat_id, data, message_id, **kwargs)
        return await self._exchange(chat_id, update, mark, seen)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The bot's message as the chat shows it now (after edits)."""
        for message in self.fake.messages(chat_id):
            if message["message_id"] == message_id:
                return message
        raise AssertionError(f"no bot message {message_id} in chat {chat_id}")

    def refused_calls(self) -> list[Call]:
        """Calls the fake answered with an error."""
        accepted = {id(params) for params in self.fake.sent()}
        return [
            c for c in self.fake.calls if c.method != "getUpdates" and id(c.params) not in accepted
        ]

    def check_clean(self) -> None:
        """Fail when the error handler ran or a call was refused, unless that was expected."""
        if self._errors_expected:
            return
        failures = [r.getMessage() for r in self.errors.records]
        refused = [(c.method, c.params) for c in self.refused_calls()]
        assert (failures, refused) == ([], [])


def make_settings(fake: FakeTelegramAPI, database_url: str, **overrides: object) -> Settings:
    """Settings as production reads them, aimed at the fake and the test database."""
    values: dict[str, object] = {
        "telegram_bot_token": fake.token,
        "telegram_api_base_url": fake.base_url,
        "database_url": database_url,
        "admin_user_ids": str(ADMIN_ID),
        "default_language": "en",
        "default_timezone": "Asia/Karachi",
        "summary_backend": "extractive",
        "webhook_url": None,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeTelegramAPI]:
    """A running fake Bot API."""
    async with FakeTelegramAPI(DEFAULT_TOKEN) as fake:
        yield fake


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str) -> Settings:
    """Settings for the bot under test."""
    return make_settings(fake_api, database_url)


@pytest.fixture
async def services(bot_settings: Settings) -> AsyncIterator[Services]:
    """The services as production opens them, with the clock fixed at NOW."""
    async with open_services(bot_settings) as opened:
        opened.clock = lambda: NOW
        # Tests send a chat many commands in a row: its own interval (1.6 s private, 3.3 s in
        # groups) would make each wait; tests/test_send_budget.py keeps those limits.
        opened.budget = SendBudget(SendLimits(bot_settings.send_rate, 0.0, 0.0))
        yield opened


async def _start_polling(app: KhabarApp) -> None:
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()


async def _stop_polling(app: KhabarApp) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()


@pytest.fixture
async def running_app(services: Services) -> AsyncIterator[KhabarApp]:
    """The production Application, polling the fake (ptb-testing.md §1.2 manual form)."""
    app = build_application(services)
    async with app:
        await _start_polling(app)
        try:
            yield app
        finally:
            await _stop_polling(app)


@pytest.fixture
def bot(
    fake_api: FakeTelegramAPI, running_app: KhabarApp, services: Services
) -> Iterator[BotHarness]:
    """The harness over the running bot; checks at teardown that nothing failed unexpectedly."""
    harness = BotHarness(fake_api, running_app, services)
    logger = logging.getLogger("bot.handlers.fallback")
    logger.addHandler(harness.errors)
    try:
        yield harness
    finally:
        logger.removeHandler(harness.errors)
    harness.check_clean()


def tmp_database_url(tmp_path: Path, name: str = "khabar.db") -> str:
    """An SQLite URL for a file in tmp_path."""
    return f"sqlite+aiosqlite:///{tmp_path / name}"
