"""Groups: the bot greets a group once when it is added (in the group's language, with how to
subscribe, and in a forum that each topic subscribes on its own), and a group that had removed
it is pushed to again.

Telegram sends ``my_chat_member`` when the bot's status in a chat changes; channels are handled
by bot.handlers.channels, in a handler group of their own.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden

from bot.chatprefs import chat_prefs
from bot.i18n import t
from bot.render.headlines import shorten
from bot.render.html import Html
from bot.services import KhabarContext

__all__ = ["on_group_member"]

log = logging.getLogger(__name__)

_GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
_OUT = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
_IN = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.RESTRICTED)


async def on_group_member(update: Update, context: KhabarContext) -> None:
    """The bot's status in a group changed: when it was just added, greet the group once."""
    change = update.my_chat_member
    if change is None or change.chat.type not in _GROUPS:
        return
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if old not in _OUT or new not in _IN:
        return  # a promotion, a restriction, or the bot leaving: nothing to say
    chat = change.chat
    # Registered (or active again) as any chat a command comes from: a group added again
    # keeps the language it chose; a new one takes the adding user's.
    language = (await chat_prefs(update, context)).language
    title = shorten(chat.title or "", 200)
    greeting = t(language, "group.greeting", group=title)
    if chat.is_forum:
        greeting = Html(greeting + "\n\n" + t(language, "group.greeting_forum"))
    try:
        await context.bot.send_message(chat.id, greeting)
    except (Forbidden, BadRequest) as exc:  # may not write there (a read-only group)
        log.info("groups: cannot greet group %s: %s", chat.id, exc)
        return
    log.info("groups: added to group %s by user %s", chat.id, change.from_user.id)
