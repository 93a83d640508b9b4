"""A Bot API stand-in for the local console: python-telegram-bot's requests answered in-process.

The console runs the real Application and handlers; only the transport differs. Each outgoing
call (sendMessage, editMessageText, …) is answered here and shown on the terminal instead of
going to Telegram, so the console needs no token and no network.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

__all__ = ["ConsoleBotAPI", "ConsoleButton", "ConsoleMessage"]

CONSOLE_BOT_ID = 1000
CONSOLE_BOT_USERNAME = "khabar_console_bot"


@dataclass
class ConsoleButton:
    """One inline button as the console numbers it."""

    label: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class ConsoleMessage:
    """A message the bot sent into the console chat, as it is now (after edits)."""

    message_id: int
    chat_id: int
    text: str
    photo: str | None = None
    buttons: list[list[ConsoleButton]] = field(default_factory=list)
    edited: bool = False


def _buttons(markup: Any) -> list[list[ConsoleButton]]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or []
    return [
        [
            ConsoleButton(
                label=str(b.get("text", "")),
                callback_data=b.get("callback_data"),
                url=b.get("url"),
            )
            for b in row
        ]
        for row in rows
    ]


class ConsoleBotAPI(BaseRequest):
    """Answers the Bot API methods the bot calls and hands each message to ``show``."""

    def __init__(self, show: Callable[[ConsoleMessage], None]) -> None:
        self._show = show
        self._next_id = 1
        self.messages: dict[int, ConsoleMessage] = {}

    @property
    def read_timeout(self) -> float | None:
        """No network, so no read timeout."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    def _message_json(self, message: ConsoleMessage) -> dict[str, Any]:
        return {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": {"id": message.chat_id, "type": "private", "first_name": "You"},
            "from": {
                "id": CONSOLE_BOT_ID,
                "is_bot": True,
                "first_name": "Khabar",
                "username": CONSOLE_BOT_USERNAME,
            },
            "text": message.text,
        }

    def _send(self, params: dict[str, Any], *, text_key: str) -> dict[str, Any]:
        message = ConsoleMessage(
            message_id=self._next_id,
            chat_id=int(params.get("chat_id", 0)),
            text=str(params.get(text_key, "")),
            photo=str(params["photo"]) if "photo" in params else None,
            buttons=_buttons(params.get("reply_markup")),
        )
        self._next_id += 1
        self.messages[message.message_id] = message
        self._show(message)
        return self._message_json(message)

    def _edit(self, params: dict[str, Any], *, text_key: str | None) -> dict[str, Any] | bool:
        message = self.messages.get(int(params.get("message_id", 0)))
        if message is None:
            return True
        if text_key is not None and text_key in params:
            message.text = str(params[text_key])
        if "reply_markup" in params:
            message.buttons = _buttons(params.get("reply_markup"))
        message.edited = True
        self._show(message)
        return self._message_json(message)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": CONSOLE_BOT_ID,
                "is_bot": True,
                "first_name": "Khabar",
                "username": CONSOLE_BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "sendMessage":
            return self._send(params, text_key="text")
        if method == "sendPhoto":
            return self._send(params, text_key="caption")
        if method == "editMessageText":
            return self._edit(params, text_key="text")
        if method == "editMessageCaption":
            return self._edit(params, text_key="caption")
        if method == "editMessageReplyMarkup":
            return self._edit(params, text_key=None)
        if method == "answerCallbackQuery" and params.get("text"):
            self._show(ConsoleMessage(0, 0, f"({params['text']})"))
        if method == "getMyCommands":
            return []
        if method == "getChatMember":
            return {
                "status": "creator",
                "user": {"id": params.get("user_id", 1), "is_bot": False, "first_name": "You"},
                "is_anonymous": False,
            }
        return True

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer one Bot API call locally."""
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        result = self._answer(api_method, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()
