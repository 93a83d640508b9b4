"""A group upgraded to a supergroup: move its row (settings, subscriptions) to the new chat id."""

from __future__ import annotations

import logging

from telegram import Update

from bot.services import KhabarContext
from storage.chats import get_chat, migrate_chat

__all__ = ["on_migrate"]

log = logging.getLogger(__name__)


async def on_migrate(update: Update, context: KhabarContext) -> None:
    """Handle either service message of an upgrade (the old group's or the new supergroup's).

    Without this the first command in the new supergroup registered it as a new chat, and the
    old row, with its subscriptions, was dropped when a push later met ChatMigrated.
    """
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    if message.migrate_to_chat_id:
        old_id, new_id = chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old_id, new_id = message.migrate_from_chat_id, chat.id
    else:
        return
    async with context.services.store.write() as session:
        if await get_chat(session, old_id) is None:
            return  # moved already (Telegram sends both messages), or never a chat of ours
        await migrate_chat(session, old_id, new_id)
    log.info("chat %s is now supergroup %s", old_id, new_id)
