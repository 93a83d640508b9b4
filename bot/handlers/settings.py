"""/settings: one message with every setting of a chat, each changeable with buttons.

The page may show another chat than the one it is in: a channel is configured from its admin's
private chat (/channels). Every press names the chat it changes, and is allowed only to who may
change that chat: its admins in a group, anyone in a private chat, and for a chat configured
from elsewhere, a channel's administrators (asked of Telegram, bot.admincache).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from bot.admincache import is_admin_of
from bot.chatprefs import ChatPrefs, chat_prefs, is_chat_admin
from bot.handlers.settingsmenu import SECTIONS, Section, View
from bot.i18n import t, t_notice, t_plain
from bot.render.callback import Callback, encode_callback
from bot.render.html import Html, bold, concat
from bot.render.replies import Keyboard, edit_or_reply, reply
from bot.services import KhabarContext
from storage.chats import get_chat, list_mute_rows
from storage.subscriptions import list_subscriptions

__all__ = ["MAIN", "settings_button", "settings_command", "settings_page"]

log = logging.getLogger(__name__)

MAIN = "main"
_BY_KEY = {section.key: section for section in SECTIONS}


async def _view(
    context: KhabarContext, chat_id: int, lang: str, thread_id: int | None = None
) -> View | None:
    """The chat's settings as stored (its subscriptions those of the forum topic ``thread_id``),
    or None for a chat the bot has never seen."""
    async with context.services.store.read() as session:
        chat = await get_chat(session, chat_id)
        if chat is None:
            return None
        subs = await list_subscriptions(session, chat_id, every_thread=True)
        mutes = await list_mute_rows(session, chat_id)
    return View(chat, subs, mutes, lang, thread_id)


def _title(view: View, here: bool) -> Html:
    """The page's first line: whose settings these are."""
    lang = view.lang
    if here or not view.chat.title:
        return bold(t_plain(lang, "settings.title"))
    return bold(t_plain(lang, "settings.title_of", chat=view.chat.title))


def _main_page(view: View, here: bool) -> tuple[Html, Keyboard]:
    lang, chat_id = view.lang, view.chat.id
    lines = [_title(view, here), ""]
    lines += [concat(t(lang, s.name_key), ": ", s.summary(view)) for s in SECTIONS]
    buttons = [
        (t_plain(lang, s.name_key), encode_callback("set", chat_id, s.key)) for s in SECTIONS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    lines += ["", t(lang, "settings.pick")]
    if not here:
        lines.append(t(lang, "settings.channel_commands"))
    return Html("\n".join(lines)), rows


def _section_page(view: View, section: Section) -> tuple[Html, Keyboard]:
    lang, chat_id = view.lang, view.chat.id
    lines: list[str] = [bold(t_plain(lang, section.name_key)), section.summary(view)]
    if section.hint:
        lines += ["", t(lang, section.hint)]
    choices = [
        (
            ("✓ " if c.current else "") + c.label,
            encode_callback("setv", chat_id, section.key, c.value),
        )
        for c in section.choices(view)
    ]
    width = section.columns
    rows: list[list[tuple[str, str]]] = [
        choices[i : i + width] for i in range(0, len(choices), width)
    ]
    rows.append([(t_plain(lang, "settings.back"), encode_callback("set", chat_id, MAIN))])
    return Html("\n".join(lines)), rows


def settings_page(view: View, key: str, *, here: bool) -> tuple[Html, Keyboard]:
    """The main page (``key`` MAIN) or one section's page of a chat's settings."""
    section = _BY_KEY.get(key)
    return _section_page(view, section) if section else _main_page(view, here)


async def settings_command(update: Update, context: KhabarContext) -> None:
    """``/settings``: the chat's settings, with a button for each."""
    prefs = await chat_prefs(update, context)
    view = await _view(context, prefs.chat_id, prefs.language, prefs.thread_id)
    assert view is not None  # chat_prefs registered the chat
    text, buttons = settings_page(view, MAIN, here=True)
    await reply(update, context, text, buttons=buttons, lang=prefs.language)


async def _may_configure(update: Update, context: KhabarContext, target: int) -> bool:
    """Whether the presser may change ``target``'s settings from the chat the button is in."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.id == target:
        return await is_chat_admin(update, context)
    if user is None:
        return False
    async with context.services.store.read() as session:
        row = await get_chat(session, target)
    # From elsewhere only a channel (it has no chat of its own to press buttons in).
    if row is None or row.type != ChatType.CHANNEL:
        return False
    return await is_admin_of(context, target, user.id)


async def _answer(update: Update, prefs: ChatPrefs, key: str | None = None) -> None:
    query = update.callback_query
    assert query is not None
    if key is None:
        await query.answer()
        return
    await query.answer(t_notice(prefs.language, key), show_alert=True)


async def settings_button(update: Update, context: KhabarContext, pressed: Callback) -> None:
    """A /settings button: show a page (``set``) or change a setting and show its page (``setv``)."""
    prefs = await chat_prefs(update, context)
    target, key = int(pressed.args[0]), str(pressed.args[1])
    if not await _may_configure(update, context, target):
        await _answer(update, prefs, "settings.not_allowed")
        return
    # Pressed in the chat itself: in its forum topic, if any (a channel's page has none).
    thread = prefs.thread_id if target == prefs.chat_id else None
    view = await _view(context, target, prefs.language, thread)
    section = _BY_KEY.get(key)
    if view is None or (key != MAIN and section is None):
        await _answer(update, prefs, "error.bad_callback")
        return
    if pressed.action == "setv":
        assert section is not None
        async with context.services.store.write() as session:
            applied = await section.apply(session, view, str(pressed.args[2]))
        if not applied:
            log.info("settings: refused %s=%r for chat %s", key, pressed.args[2], target)
            await _answer(update, prefs, "error.bad_callback")
            return
        lang = prefs.language
        if key == "lang" and target == prefs.chat_id:
            lang = str(pressed.args[2])  # the page answers in the language just chosen
        refreshed = await _view(context, target, lang, thread)
        assert refreshed is not None
        view = refreshed
    await _answer(update, prefs)
    text, buttons = settings_page(view, key, here=target == prefs.chat_id)
    await edit_or_reply(update, context, text, buttons=buttons, lang=view.lang)
