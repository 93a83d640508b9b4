"""Channels: the bot made (or unmade) a channel's administrator, and /channels in a private chat.

Telegram sends ``my_chat_member`` when the bot's status in a chat changes. A channel where the
bot became an administrator is recorded with who did it; that user configures it from their
private chat (/channels, then the same /settings pages as any chat), and commands posted in
the channel itself work as in any chat. Removing the bot deactivates the channel: its settings
stay for when it is added again.
"""

from __future__ import annotations

import logging

from telegram import ChatMemberAdministrator, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden

from bot.chatprefs import chat_prefs, initial_language
from bot.handlers.settings import MAIN
from bot.i18n import t
from bot.push.gone import retire_chat
from bot.render.callback import encode_callback
from bot.render.headlines import shorten
from bot.render.html import Html, concat
from bot.render.replies import reply
from bot.services import KhabarContext
from storage.chats import channels_added_by, get_chat, record_channel

__all__ = ["channels_command", "on_my_chat_member"]

log = logging.getLogger(__name__)

_GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
REMOVED = "removed from the channel"


def _may_post(change: ChatMemberUpdated) -> bool:
    member = change.new_chat_member
    return isinstance(member, ChatMemberAdministrator) and bool(member.can_post_messages)


async def _tell(context: KhabarContext, user_id: int, key: str, title: str, fallback: str) -> None:
    """Write to the user in their private chat with the bot (if they ever opened it)."""
    async with context.services.store.read() as session:
        private = await get_chat(session, user_id)
    lang = private.language if private is not None else fallback
    try:
        await context.bot.send_message(user_id, t(lang, key, channel=title))
    except (Forbidden, BadRequest) as exc:  # never started the bot: nothing to say it with
        log.info("channels: cannot tell user %s about a channel: %s", user_id, exc)


async def on_my_chat_member(update: Update, context: KhabarContext) -> None:
    """The bot's status in a channel changed: record it, wake it up or deactivate it."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.CHANNEL:
        return  # groups are greeted elsewhere; this handler only knows channels
    chat, user = change.chat, change.from_user
    settings = context.services.settings
    title = shorten(chat.title or str(chat.id), 200)
    language = initial_language(user.language_code, settings.default_language)
    status = change.new_chat_member.status
    if status == ChatMemberStatus.ADMINISTRATOR:
        async with context.services.store.write() as session:
            await record_channel(
                session,
                chat.id,
                title=chat.title,
                added_by=user.id if not user.is_bot else None,
                language=language,
                timezone=settings.default_timezone,
            )
        log.info("channels: admin of channel %s (by user %s)", chat.id, user.id)
        key = "channels.added" if _may_post(change) else "channels.cannot_post"
        await _tell(context, user.id, key, title, language)
        return
    async with context.services.store.read() as session:
        row = await get_chat(session, chat.id)
    if row is None:
        return
    await retire_chat(context.services.store, chat.id, REMOVED, during="channels")
    if row.added_by is not None and status in _GONE:
        await _tell(context, row.added_by, "channels.removed", title, language)


async def channels_command(update: Update, context: KhabarContext) -> None:
    """``/channels`` (private chats): the channels this user added the bot to, each a button
    that opens its settings."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    user = update.effective_user
    if not prefs.is_private or user is None:
        await reply(update, context, t(lang, "channels.private_only"), lang=lang)
        return
    async with context.services.store.read() as session:
        channels = await channels_added_by(session, user.id)
    if not channels:
        await reply(update, context, t(lang, "channels.none"), lang=lang)
        return
    lines = [t(lang, "channels.header"), ""]
    buttons = []
    for channel in channels:
        name = shorten(channel.title or str(channel.id), 60)
        if channel.active:
            lines.append(concat("• ", name))
            buttons.append([(name, encode_callback("set", channel.id, MAIN))])
        else:
            lines.append(concat("• ", name, " — ", t(lang, "channels.inactive")))
    lines += ["", t(lang, "channels.footer")]
    await reply(update, context, Html("\n".join(lines)), buttons=buttons, lang=lang)
