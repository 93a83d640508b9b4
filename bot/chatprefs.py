"""The chat an update comes from: its row in the store (created on first contact), kept in memory
for a short while, and its rights."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.i18n import SUPPORTED_LANGUAGES
from bot.services import KhabarContext
from bot.threads import thread_of
from storage import Chat
from storage.chats import ensure_chat, get_chat, list_mutes, reactivate_chat

__all__ = ["ChatPrefs", "chat_prefs", "initial_language", "is_chat_admin", "only_language"]


@dataclass(frozen=True)
class ChatPrefs:
    """What handlers need to know about the chat they answer."""

    chat_id: int
    type: str
    language: str
    timezone: str
    is_new: bool = False
    pictures: bool = True  # picture cards (the chat may turn them off)
    mutes: tuple[str, ...] = ()
    news_languages: str = "both"  # /news: en, ur or both
    """The chat's muted words, as stored (storage.chats.list_mutes)."""
    thread_id: int | None = None
    """The forum topic the update comes from (bot.threads), whose subscriptions commands act
    on; None: the chat itself."""

    @property
    def only_language(self) -> str | None:
        """The one language of news the chat chose (/news en or ur); None for both."""
        return only_language(self.news_languages)

    @property
    def is_private(self) -> bool:
        """Whether this is a one-to-one chat with a user."""
        return self.type == ChatType.PRIVATE


def only_language(news_languages: str) -> str | None:
    """The one language of a /news setting (en or ur); None for both."""
    return news_languages if news_languages in ("en", "ur") else None


def initial_language(language_code: str | None, default: str) -> str:
    """A new chat's language: the user's Telegram language if English or Urdu, else English."""
    if not language_code:
        return default
    base = language_code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in SUPPORTED_LANGUAGES else "en"


async def chat_prefs(update: Update, context: KhabarContext) -> ChatPrefs:
    """Load the chat's preferences (with the forum topic the update comes from), registering
    the chat (or waking it up) when needed.

    An active chat's preferences are kept in memory (``BotData.chat_prefs``) for
    CHAT_CACHE_SECONDS: most commands then read nothing of the chat. A write through this
    process's store forgets the chats it changed (``Store.watch_chats``); a change made by
    another instance on the same database shows here at the latest when the copy expires."""
    prefs = await _chat_prefs(update, context)
    thread = thread_of(update)
    return prefs if thread is None else replace(prefs, thread_id=thread)


async def _chat_prefs(update: Update, context: KhabarContext) -> ChatPrefs:
    chat = update.effective_chat
    assert chat is not None
    services = context.services
    kept = context.bot_data.chat_prefs
    now = time.monotonic()
    if (entry := kept.get(chat.id)) is not None and entry[0] > now:
        return entry[1]
    async with services.store.read() as session:
        row = await get_chat(session, chat.id)
        mutes = tuple(await list_mutes(session, chat.id)) if row is not None else ()
    if row is not None and row.active:
        return _keep(context, now, _prefs_of(row, mutes))
    user = update.effective_user
    language = initial_language(
        user.language_code if user else None, services.settings.default_language
    )
    async with services.store.write() as session:
        row = await ensure_chat(
            session,
            chat.id,
            type=chat.type,
            language=language,
            timezone=services.settings.default_timezone,
            title=chat.title,
        )
        if not row.active:
            # A chat that blocked or removed the bot is writing again: push to it again.
            await reactivate_chat(session, chat.id)
    # Kept once the write is committed (and the watchers have forgotten the chat): its next
    # command reads nothing of it, as a returning chat's.
    return replace(_keep(context, now, _prefs_of(row, mutes)), is_new=True)


def _prefs_of(row: Chat, mutes: tuple[str, ...]) -> ChatPrefs:
    return ChatPrefs(
        row.id,
        row.type,
        row.language,
        row.timezone,
        pictures=row.pictures,
        mutes=mutes,
        news_languages=row.news_languages,
    )


def _keep(context: KhabarContext, now: float, prefs: ChatPrefs) -> ChatPrefs:
    """Keep the chat's preferences in memory for CHAT_CACHE_SECONDS (0: not at all)."""
    ttl = context.services.settings.chat_cache_seconds
    if ttl > 0:
        context.bot_data.chat_prefs[prefs.chat_id] = (now + ttl, prefs)
    return prefs


async def is_chat_admin(update: Update, context: KhabarContext) -> bool:
    """Whether the sender may change this chat's settings (always, in a private chat)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    # A button's message is the bot's own (in a channel its sender_chat is the channel): the
    # presser is who counts there, never the message's sender.
    if update.callback_query is None and message is not None and message.sender_chat is not None:
        # An anonymous group admin posts as the group itself; a channel post is the channel's.
        return message.sender_chat.id == chat.id
    if user is None:
        return False
    # The context lives for one update: ask Telegram once even when the button gate and the
    # handler both check (getChatMember counts against the group's 20-per-minute budget).
    memo = context.admin_memo
    if (chat.id, user.id) not in memo:
        member = await context.bot.get_chat_member(chat.id, user.id)
        memo[chat.id, user.id] = member.status in (
            ChatMemberStatus.OWNER,
            ChatMemberStatus.ADMINISTRATOR,
        )
    return memo[chat.id, user.id]
