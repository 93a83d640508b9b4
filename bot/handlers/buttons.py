"""Every inline-button press: decode and validate the callback data, then route it."""

from __future__ import annotations

import logging

from telegram import Update

from bot.chatprefs import chat_prefs
from bot.handlers.latest import latest_page
from bot.handlers.read import also_reported, full_text_page, send_article_card, show_card
from bot.handlers.search import search_page
from bot.handlers.start import lang_button
from bot.handlers.subscriptions import subscribe_topic_button, unsubscribe_button
from bot.i18n import t
from bot.render_callback import decode_callback
from bot.services import KhabarContext

__all__ = ["on_button"]

log = logging.getLogger(__name__)


async def on_button(update: Update, context: KhabarContext) -> None:
    """Route a button press; data we could not have made gets a short answer and nothing else."""
    query = update.callback_query
    if query is None:
        return
    decoded = decode_callback(query.data)
    if decoded is None:
        log.info("button: refused callback data %r", (query.data or "")[:80])
        prefs = await chat_prefs(update, context)
        await query.answer(t(prefs.language, "error.bad_callback").replace("\u200f", ""))
        return
    await query.answer()
    action, args = decoded.action, decoded.args
    if action == "lang":
        await lang_button(update, context, str(args[0]))
    elif action == "open":
        await send_article_card(update, context, int(args[0]), await chat_prefs(update, context))
    elif action == "summary":
        await show_card(update, context, int(args[0]), str(args[1]))
    elif action == "read":
        await full_text_page(update, context, int(args[0]), int(args[1]))
    elif action == "also":
        await also_reported(update, context, int(args[0]))
    elif action == "latest":
        await latest_page(update, context, str(args[0]), int(args[1]), int(args[2]))
    elif action in ("sub", "topic"):
        await subscribe_topic_button(update, context, str(args[0]))
    elif action == "unsub":
        await unsubscribe_button(update, context, int(args[0]))
    elif action == "search":
        await search_page(update, context, str(args[0]), int(args[1]))
