"""What no command handler took: unknown commands, the per-chat command limit, the error handler."""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict, deque

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.chatprefs import chat_prefs, initial_language
from bot.i18n import t
from bot.push.gone import chat_is_gone, retire_chat
from bot.render.replies import reply
from bot.services import KhabarContext
from storage import StorageError

__all__ = ["CommandLimiter", "on_error", "unknown_command"]

log = logging.getLogger(__name__)


async def unknown_command(update: Update, context: KhabarContext) -> None:
    """A command we do not know: a short hint (in groups only when addressed to us)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or not message.text:
        return
    command = message.text.split(maxsplit=1)[0]
    if chat.type != "private":
        _, _, addressee = command.partition("@")
        if addressee.lower() != (context.bot.username or "").lower():
            return  # another bot's command, or one not meant for us
    prefs = await chat_prefs(update, context)
    await reply(update, context, t(prefs.language, "error.unknown_command"), lang=prefs.language)


class CommandLimiter:
    """At most ``limit`` commands and button presses per chat per ``window`` seconds."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: defaultdict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}

    def allow(self, chat_id: int, now: float) -> bool:
        """Record one request; False when the chat is over its limit."""
        seen = self._seen[chat_id]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True

    async def __call__(self, update: Update, context: KhabarContext) -> None:
        """A handler in group -1: stop over-limit updates before any command runs."""
        chat = update.effective_chat
        message = update.effective_message
        text = message.text if message and message.text else ""
        # A private chat's words are a search (bot.handlers.plaintext), and cost as much.
        is_request = text.startswith("/") or bool(text and chat and chat.type == "private")
        if chat is None or not (is_request or update.callback_query):
            return
        now = time.monotonic()
        if self.allow(chat.id, now):
            return
        if update.callback_query:
            await update.callback_query.answer()
        elif self._warned.get(chat.id, 0.0) <= now - self.window:
            self._warned[chat.id] = now
            prefs = await chat_prefs(update, context)
            await reply(
                update, context, t(prefs.language, "error.rate_limited"), lang=prefs.language
            )
        log.info("limit: chat %s over %s commands per %.0f s", chat.id, self.limit, self.window)
        raise ApplicationHandlerStop


async def on_error(update: object, context: KhabarContext) -> None:
    """Log any error with the update id; tell the user something went wrong, briefly.

    A chat that refused a reply because it blocked or removed the bot (a 403, or "chat not
    found") is retired as a push's refusal retires it, and sent nothing more. A storage error
    (the database busy, read-only, full, unreachable) is one log line without a traceback, and
    the user reads that the news store is busy or out of reach rather than "something went
    wrong"."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is not None and isinstance(error, TelegramError) and chat_is_gone(error):
        try:
            await retire_chat(
                context.services.store, chat.id, str(error), during=f"update {update_id}"
            )
        except Exception as exc:  # the store may be down too; never let the error handler raise
            log.warning("update %s: could not deactivate chat %s: %r", update_id, chat.id, exc)
        return
    if isinstance(error, StorageError):
        # The message names the database and what to do; a traceback would say nothing more.
        level = logging.WARNING if error.retryable else logging.ERROR
        log.log(level, "update %s failed: %s", update_id, error)
        key = "error.storage_busy" if error.retryable else "error.storage"
    else:
        log.error("update %s failed: %r", update_id, error, exc_info=error)
        key = "error.generic"
    if isinstance(update, Update) and update.effective_chat is not None:
        await _tell_user(update, context, key)


async def _language(update: Update, context: KhabarContext) -> str:
    """The chat's language, or its user's Telegram language when the store cannot say."""
    try:
        return (await chat_prefs(update, context)).language
    except Exception:  # the store itself may be what failed
        log.debug("error handler: no chat preferences for update %s", update.update_id)
    user = update.effective_user
    settings = context.services.settings
    return initial_language(user.language_code if user else None, settings.default_language)


async def _tell_user(update: Update, context: KhabarContext, key: str) -> None:
    """Answer a failed update with the message ``key``; never raise."""
    try:
        lang = await _language(update, context)
        if update.callback_query:
            # The button handler usually answered the query already; a second answer is refused.
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        await reply(update, context, t(lang, key), lang=lang)
    except Exception as exc:  # never let the error handler raise
        log.warning("update %s: could not tell the user about the error: %r", update.update_id, exc)
