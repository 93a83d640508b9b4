"""/news en|ur|both: the languages of news a chat is sent, apart from its interface (/lang)."""

from __future__ import annotations

from telegram import Update

from bot.chatprefs import chat_prefs, is_chat_admin
from bot.i18n import t
from bot.render.replies import reply
from bot.services import KhabarContext
from storage.chats import set_news_languages

__all__ = ["NEWS_CHOICES", "news"]

NEWS_CHOICES = ("en", "ur", "both")
_ALIASES = {
    "english": "en",
    "انگریزی": "en",
    "urdu": "ur",
    "اردو": "ur",
    "all": "both",
    "دونوں": "both",
    "دونو": "both",
}


def _choice(args: list[str]) -> str | None:
    """The setting the arguments name (English or Urdu words), or None."""
    if len(args) != 1:
        return None
    word = args[0].strip().casefold()
    word = _ALIASES.get(word, word)
    return word if word in NEWS_CHOICES else None


async def news(update: Update, context: KhabarContext) -> None:
    """``/news en|ur|both`` (Urdu names too); alone, says the chat's setting and how to change it."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    choice = _choice(context.args or [])
    if choice is None:
        text = t(lang, "news.usage", current=t(lang, f"news.name_{prefs.news_languages}"))
        await reply(update, context, text, lang=lang)
        return
    if not await is_chat_admin(update, context):
        await reply(update, context, t(lang, "group.admins_only"), lang=lang)
        return
    async with context.services.store.write() as session:
        await set_news_languages(session, prefs.chat_id, choice)
    await reply(update, context, t(lang, f"news.set_{choice}"), lang=lang)
