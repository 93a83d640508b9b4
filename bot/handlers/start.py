"""/start (with article deep links), /help and /lang with the language buttons."""

from __future__ import annotations

from telegram import Update

from bot.args import parse_id
from bot.chatprefs import chat_prefs, is_chat_admin
from bot.handlers.read import send_article_card
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, t
from bot.render.callback import encode_callback
from bot.render.html import Html
from bot.render.replies import Keyboard, edit_or_reply, reply
from bot.services import KhabarContext
from storage.chats import set_chat_language

__all__ = ["help_command", "lang", "lang_button", "start"]

DEEP_LINK_ARTICLE = "a_"


def language_buttons() -> Keyboard:
    """One button per language, each named in itself."""
    return [[(LANGUAGE_NAMES[code], encode_callback("lang", code)) for code in SUPPORTED_LANGUAGES]]


async def start(update: Update, context: KhabarContext) -> None:
    """Welcome the user; ``/start a_<id>`` opens that article."""
    prefs = await chat_prefs(update, context)
    args = context.args or []
    if args and args[0].startswith(DEEP_LINK_ARTICLE):
        article_id = parse_id(args[0][len(DEEP_LINK_ARTICLE) :])
        if article_id is not None:
            await send_article_card(update, context, article_id, prefs)
            return
    user = update.effective_user
    name = user.first_name if user else ""
    text = Html(
        t(prefs.language, "start.welcome", name=name)
        + "\n\n"
        + t(prefs.language, "start.choose_language")
    )
    await reply(update, context, text, buttons=language_buttons(), lang=prefs.language)


async def help_command(update: Update, context: KhabarContext) -> None:
    """List the commands."""
    prefs = await chat_prefs(update, context)
    await reply(update, context, t(prefs.language, "help.text"), lang=prefs.language)


async def _set_language(
    update: Update, context: KhabarContext, language: str
) -> tuple[Html, str, bool]:
    """Set the chat's language if the sender may: (answer, its language, whether it was set)."""
    prefs = await chat_prefs(update, context)
    if not await is_chat_admin(update, context):
        return t(prefs.language, "group.admins_only"), prefs.language, False
    async with context.services.store.write() as session:
        await set_chat_language(session, prefs.chat_id, language)
    return t(language, "lang.set"), language, True


async def lang(update: Update, context: KhabarContext) -> None:
    """``/lang en|ur``: choose the chat's language (buttons when no argument)."""
    args = context.args or []
    choice = args[0].lower() if args else ""
    aliases = {"english": "en", "urdu": "ur", "اردو": "ur", "انگریزی": "en"}
    choice = aliases.get(choice, choice)
    if choice not in SUPPORTED_LANGUAGES:
        prefs = await chat_prefs(update, context)
        text = Html(
            t(prefs.language, "lang.usage") if args else t(prefs.language, "start.choose_language")
        )
        await reply(update, context, text, buttons=language_buttons(), lang=prefs.language)
        return
    text, text_lang, _ = await _set_language(update, context, choice)
    await reply(update, context, text, lang=text_lang)


async def lang_button(update: Update, context: KhabarContext, language: str) -> None:
    """A language button was pressed: the picker becomes the confirmation."""
    text, text_lang, done = await _set_language(update, context, language)
    if done:
        await edit_or_reply(update, context, text, lang=text_lang)
    else:
        await reply(update, context, text, lang=text_lang)
