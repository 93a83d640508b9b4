"""Whether a user administers a chat the update does not come from (a channel configured from a
private chat): asked of Telegram with getChatMember and kept for a minute."""

from __future__ import annotations

import logging
import time

from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden

from bot.services import KhabarContext

__all__ = ["ADMIN_ANSWER_SECONDS", "is_admin_of"]

log = logging.getLogger(__name__)

# Brief: a demoted admin loses access within a minute, and a settings page of ten taps asks
# Telegram once (getChatMember counts against the chat's 20-a-minute budget).
ADMIN_ANSWER_SECONDS = 60.0
_ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def is_admin_of(context: KhabarContext, chat_id: int, user_id: int) -> bool:
    """Whether ``user_id`` is the owner or an administrator of ``chat_id`` (False when the bot
    cannot ask: it was removed, or the chat is gone)."""
    answers = context.bot_data.admin_answers
    now = time.monotonic()
    cached = answers.get((chat_id, user_id))
    if cached is not None and cached[0] > now:
        return cached[1]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden) as exc:
        log.info("admins: cannot ask chat %s about user %s: %s", chat_id, user_id, exc)
        return False
    admin = member.status in _ADMINS
    answers[chat_id, user_id] = (now + ADMIN_ANSWER_SECONDS, admin)
    return admin
