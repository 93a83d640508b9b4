"""Chats that are gone: Telegram's answers that mean so, and retiring such a chat (one rule for
pushes and for replies to commands and buttons)."""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden, TelegramError

from storage import Store
from storage.chats import deactivate_chat
from storage.deliveries import skip_chat_deliveries

__all__ = ["chat_is_gone", "retire_chat"]

log = logging.getLogger(__name__)

# Telegram's answers that mean the chat is gone for good (ptb-testing.md §1.7); 403s always are.
_GONE = (
    "chat not found",
    "user is deactivated",
    "bot was blocked",
    "bot was kicked",
    "chat was deleted",
    "group chat was deactivated",
    "peer_id_invalid",
)


def chat_is_gone(exc: BaseException | None) -> bool:
    """Whether Telegram's refusal means the chat blocked or removed the bot, or no longer exists."""
    if isinstance(exc, Forbidden):
        return True
    reason = str(exc).lower()
    return isinstance(exc, BadRequest) and any(gone in reason for gone in _GONE)


async def retire_chat(store: Store, chat_id: int, exc: TelegramError, *, during: str) -> None:
    """Stop pushing to a chat that is gone and skip what is queued for it; its subscriptions
    stay, and the chat is active again when it next writes (bot.chatprefs)."""
    reason = str(exc)
    log.info("%s: chat %s is gone (%s); deactivated", during, chat_id, reason)
    async with store.write() as session:
        await deactivate_chat(session, chat_id, reason)
        await skip_chat_deliveries(session, chat_id, reason)
