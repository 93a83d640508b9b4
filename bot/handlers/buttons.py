"""Every inline-button press: decode and validate the callback data, then route it."""

from __future__ import annotations

import logging

from telegram import Update

from bot.chatprefs import chat_prefs, is_chat_admin
from bot.handlers.follow import follow_button, unfollow_button
from bot.handlers.latest import latest_page
from bot.handlers.read import also_reported, full_text_page, send_article_card, show_card
from bot.handlers.search import search_page
from bot.handlers.settings import settings_button
from bot.handlers.start import lang_button
from bot.handlers.subscriptions import subscribe_topic_button, unsubscribe_button
from bot.i18n import t_notice
from bot.render.callback import decode_callback
from bot.services import KhabarContext

__all__ = ["on_button"]

log = logging.getLogger(__name__)

# Buttons that change the chat's settings: in groups only admins may press them.
_SETTINGS_ACTIONS = frozenset({"lang", "sub", "topic", "unsub", "follow", "unfollow"})


async def on_button(update: Update, context: KhabarContext) -> None:
    """Route a button press; data we could not have made gets a short answer and nothing else."""
    query = update.callback_query
    if query is None:
        return
    decoded = decode_callback(query.data)
    if decoded is None:
        log.info("button: refused callback data %r", (query.data or "")[:80])
        prefs = await chat_prefs(update, context)
        await query.answer(t_notice(prefs.language, "error.bad_callback"))
        return
    action, args = decoded.action, decoded.args
    if action in ("set", "setv"):  # /settings checks who may change which chat itself
        await settings_button(update, context, decoded)
        return
    if action in _SETTINGS_ACTIONS and not await is_chat_admin(update, context):
        # Only the member who pressed sees why; the message stays as it is for the admins.
        prefs = await chat_prefs(update, context)
        await query.answer(t_notice(prefs.language, "group.admins_only"), show_alert=True)
        return
    await query.answer()
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
    elif action == "follow":
        await follow_button(update, context, str(args[0]))
    elif action == "unfollow":
        await unfollow_button(update, context, int(args[0]))
    elif action == "search":
        await search_page(update, context, str(args[0]), int(args[1]))
