"""Chats that are gone: whether Telegram's answer means so (bot.push.outcomes decides, for pushes
and for replies to commands and buttons alike), and retiring such a chat."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram.error import TelegramError

from bot.push.outcomes import Attempt, Gone, classify
from storage import Store
from storage.chats import deactivate_chat
from storage.deliveries import skip_chat_deliveries

__all__ = ["chat_is_gone", "retire_chat"]

log = logging.getLogger(__name__)


def chat_is_gone(exc: BaseException | None) -> bool:
    """Whether Telegram's refusal means the chat blocked or removed the bot, or no longer exists."""
    if not isinstance(exc, TelegramError):
        return False
    return isinstance(classify(exc, Attempt(datetime.now(UTC))), Gone)


async def retire_chat(store: Store, chat_id: int, reason: str, *, during: str) -> None:
    """Stop pushing to a chat that is gone and skip what is queued for it; its subscriptions
    stay, and the chat is active again when it next writes (bot.chatprefs)."""
    log.info("%s: chat %s is gone (%s); deactivated", during, chat_id, reason)
    async with store.write() as session:
        await deactivate_chat(session, chat_id, reason)
        await skip_chat_deliveries(session, chat_id, reason)
