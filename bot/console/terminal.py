"""The local console: the real bot and handlers in a terminal, as one private chat."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import itertools
import json
import logging
import re
import shutil
import sys
import textwrap
import time
from collections.abc import Iterator
from typing import IO, Any

from telegram import Update

from bot.app import build_application
from bot.background import Background
from bot.config import Settings
from bot.console.demo import import_demo_articles
from bot.console.request import (
    CONSOLE_BOT_USERNAME,
    ConsoleBotAPI,
    ConsoleButton,
    ConsoleMessage,
)
from bot.i18n import t, t_plain
from bot.render.bidi import strip_marks
from bot.render.html import to_plain_text
from bot.services import KhabarApp
from bot.wiring import open_services
from storage import normalize_database_url
from storage.engine import sqlite_sibling_url

__all__ = ["CONSOLE_CHAT_ID", "Console", "console_database_url", "run_console"]

log = logging.getLogger(__name__)

CONSOLE_CHAT_ID = 1
# Where the console keeps its chat and demo news when CONSOLE_DATABASE_URL is unset and the bot's
# database is not an SQLite file (a PostgreSQL server is not ours to add databases to).
DEFAULT_CONSOLE_DATABASE_URL = "sqlite+aiosqlite:///./khabar-console.db"
_QUIT = ("/quit", "/exit", "quit", "exit")
_PRESS = re.compile(r"(?:[0-9]+\.)?[0-9]+")  # "2", or "5.2": button 2 of message 5


def _pressable(message: ConsoleMessage) -> list[ConsoleButton]:
    """A message's buttons that send callback data, in the order the console numbers them."""
    return [button for row in message.buttons for button in row if button.callback_data]


class Console:
    """Turns typed lines into updates and the bot's messages into terminal output."""

    def __init__(
        self, application: KhabarApp, api: ConsoleBotAPI, out: IO[str], *, language: str
    ) -> None:
        self.application = application
        self.api = api
        self.out = out
        self.language = language
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)
        self._newest = 0  # the newest message shown with buttons to press
        self._user = {
            "id": CONSOLE_CHAT_ID,
            "is_bot": False,
            "first_name": getpass.getuser() or "You",
            "language_code": language,
        }

    def show(self, message: ConsoleMessage) -> None:
        """Print a message from the bot, numbering its buttons from [1] so they can be pressed.

        A message with buttons has its number at the end of the rule above it: "2" presses
        button 2 of the newest such message (sent or edited), "5.2" button 2 of message 5."""
        width = min(shutil.get_terminal_size((100, 20)).columns, 100)
        if message.message_id == 0:
            print(message.text, file=self.out, flush=True)
            return
        pressable = _pressable(message)
        number = f" {message.message_id}" if pressable else ""
        rule = "─" * (width - len(number)) + number
        print(rule + (" (edited)" if message.edited else ""), file=self.out)
        if message.photo:
            print(f"[image: {message.photo}]", file=self.out)
        body = to_plain_text(message.text).replace("\u200f", "").replace("\u200e", "")
        for line in body.splitlines() or [""]:
            print(textwrap.fill(line, width) if line else "", file=self.out)
        pressed = itertools.count(1)
        for row in message.buttons:
            labels = [
                f"[{next(pressed)}] {button.label}"
                if button.callback_data
                else f"[{button.label}: {button.url}]"
                for button in row
                if button.callback_data or button.url
            ]
            if labels:
                print("  ".join(labels), file=self.out)
        if pressable:
            self._newest = message.message_id
        print(file=self.out, flush=True)

    def _message_update(self, text: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {
                "id": CONSOLE_CHAT_ID,
                "type": "private",
                "first_name": self._user["first_name"],
            },
            "from": self._user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    def _button_update(self, typed: str) -> dict[str, Any] | None:
        """The callback query for "N" (the newest message's button N) or "M.N" (message M's)."""
        message_text, _, button_text = typed.rpartition(".")
        message_id = int(message_text) if message_text else self._newest
        shown = self.api.messages.get(message_id)
        buttons = _pressable(shown) if shown is not None else []
        number = int(button_text)
        if shown is None or not 1 <= number <= len(buttons):
            return None
        data = buttons[number - 1].callback_data
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {
                "id": CONSOLE_CHAT_ID,
                "type": "private",
                "first_name": self._user["first_name"],
            },
            "from": {
                "id": 1000,
                "is_bot": True,
                "first_name": "Khabar",
                "username": CONSOLE_BOT_USERNAME,
            },
            "text": shown.text,
        }
        if shown.photo:
            message["photo"] = [
                {"file_id": "console", "file_unique_id": "console", "width": 1, "height": 1}
            ]
            message["caption"] = shown.text
            del message["text"]
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": self._user,
                "chat_instance": "console",
                "data": data,
                "message": message,
            },
        }

    async def handle_line(self, line: str) -> bool:
        """Feed one typed line to the bot; False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        if line.lower() in _QUIT:
            return False
        pressing = _PRESS.fullmatch(line) is not None
        raw = self._button_update(line) if pressing else self._message_update(line)
        if raw is None:
            note = t_plain(self.language, "console.no_button", button=line)
            print(strip_marks(note), file=self.out, flush=True)
            return True
        update = Update.de_json(json.loads(json.dumps(raw)), self.application.bot)
        await self.application.process_update(update)
        return True


def console_database_url(settings: Settings) -> str:
    """The console's own database: CONSOLE_DATABASE_URL, else a file beside the bot's SQLite
    file (``khabar.db`` → ``khabar-console.db``), else ``./khabar-console.db``."""
    return (
        settings.console_database_url
        or sqlite_sibling_url(settings.database_url, "-console")
        or DEFAULT_CONSOLE_DATABASE_URL
    )


def _where(database_url: str) -> str:
    """The database as a person reads it: the file's path, or the URL without its password."""
    url = normalize_database_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


async def _read_lines(stream: IO[str]) -> Any:
    while True:
        line = await asyncio.to_thread(stream.readline)
        if not line:
            return
        yield line


@contextlib.contextmanager
def _quiet_logs(settings: Settings) -> Iterator[None]:
    """Keep the terminal for the conversation while the console runs: offline, every feed fetch
    fails, and saying so on each pass would bury the bot's answers. LOG_LEVEL=DEBUG shows
    everything. The previous levels come back afterwards."""
    if settings.log_level == "DEBUG":
        yield
        return
    loggers = {name: logging.getLogger(name) for name in ("", "news", "telegram")}
    saved = {name: logger.level for name, logger in loggers.items()}
    loggers[""].setLevel(logging.WARNING)
    loggers["news"].setLevel(logging.ERROR)
    loggers["telegram"].setLevel(logging.ERROR)
    try:
        yield
    finally:
        for name, logger in loggers.items():
            logger.setLevel(saved[name])


async def run_console(
    settings: Settings,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    background: bool = True,
) -> int:
    """Run the console until /quit or end of input."""
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    # The console's chat, subscriptions and demo news stay out of the bot's database.
    settings = settings.model_copy(update={"database_url": console_database_url(settings)})
    with _quiet_logs(settings):
        return await _run_console(settings, stdin, out, background)


async def _run_console(settings: Settings, stdin: IO[str], out: IO[str], background: bool) -> int:
    async with open_services(settings) as services:
        embeddings = services.embeddings if services.embeddings.enabled else None
        imported = await import_demo_articles(services.store, embeddings)
        if imported:
            log.info("console: imported %d demo articles", imported)
        console: Console | None = None

        def show(message: ConsoleMessage) -> None:
            assert console is not None
            console.show(message)

        api = ConsoleBotAPI(show)
        application = build_application(
            services, request=api, with_updater=False, rate_limiter=False
        )
        console = Console(application, api, out, language=settings.default_language)
        async with application:
            await application.start()
            # Pushes go through the console transport too, so they print as they arrive.
            runner = Background(services, application.bot) if background else None
            if runner is not None:
                await runner.start()
            lang = settings.default_language
            print(t(lang, "console.banner").replace("\u200f", ""), file=out, flush=True)
            where = t_plain(lang, "console.storage", path=_where(settings.database_url))
            print(where.replace("\u200f", ""), file=out, flush=True)
            async for line in _read_lines(stdin):
                if not await console.handle_line(line):
                    break
            if runner is not None:
                await runner.stop()
            await application.stop()
    return 0
