"""Chats that are gone: whether Telegram's answer means so (bot.push.outcomes decides, for pushes
and for replies to commands and buttons alike), and retiring such a chat, or one forum topic
of a chat."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram.error import TelegramError

from bot.push.outcomes import Attempt, Gone, classify
from storage import Store
from storage.chats import deactivate_chat
from storage.deliveries import skip_chat_deliveries, skip_thread_deliveries
from storage.subscriptions import unsubscribe_all

__all__ = ["chat_is_gone", "retire_chat", "retire_thread"]

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


async def retire_thread(
    store: Store, chat_id: int, thread_id: int, reason: str, *, closed: bool, during: str
) -> None:
    """Stop pushing to a forum topic that Telegram refused, skipping what is queued for it; the
    chat and its other topics go on.

    A deleted topic loses its subscriptions: it never comes back (a topic's id is its first
    message's, never reused), and nothing else would stop each new story being tried there. A
    closed topic keeps them: its admins may reopen it, and a closed topic only costs one refused
    message per story meanwhile, while re-subscribing after reopening is easily forgotten."""
    async with store.write() as session:
        skipped = await skip_thread_deliveries(session, chat_id, thread_id, reason)
        removed = 0 if closed else await unsubscribe_all(session, chat_id, thread_id)
    log.info(
        "%s: topic %s of chat %s is %s (%s); %d queued skipped, %d subscriptions removed",
        during,
        thread_id,
        chat_id,
        "closed" if closed else "gone",
        reason,
        skipped,
        removed,
    )
