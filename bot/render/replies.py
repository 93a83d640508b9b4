"""Sending and editing replies: HTML split under Telegram's limits, keyboards attached to the
last part; picture cards, whose refused pictures are remembered."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update
from telegram.error import BadRequest

from bot.render.bidi import direction_for, rtl_paragraph
from bot.render.html import Html, is_safe_url, to_plain_text
from bot.render.split import MAX_MESSAGE_LENGTH, split_message, utf16_len
from bot.services import KhabarContext
from bot.threads import thread_of, topic_refusal
from storage.articles import refuse_image

__all__ = ["Keyboard", "edit_or_reply", "keyboard", "message_parts", "reply", "reply_photo"]

log = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[tuple[str, str]]]

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Telegram's refusals for a message that is gone or too old: send the new content instead.
_CANNOT_EDIT = ("message to edit not found", "message can't be edited")


def _label(label: str) -> str:
    # Button labels are plain text: catalog messages (Html) come back unescaped.
    return to_plain_text(label) if isinstance(label, Html) else label


def message_parts(text: str, lang: str | None) -> list[str]:
    """``text`` as the messages to send: split only when over the limit (most replies are not).

    The same result as ``split_message``, without cutting the text into atoms when it fits:
    that is most of a short reply's rendering time (scripts/bench_bot.py).
    """
    rtl = lang is not None and direction_for(lang) == "rtl"
    laid_out = rtl_paragraph(text) if rtl else text
    # split_message keeps one unit for the mark a right-to-left chunk may start with.
    if text.strip() and utf16_len(laid_out) <= MAX_MESSAGE_LENGTH - (1 if rtl else 0):
        return [laid_out]
    return split_message(text, lang=lang)


def _button(label: str, data: str) -> InlineKeyboardButton:
    # Callback data never looks like a URL (bot.render.callback), so an http(s) URL is a link.
    if is_safe_url(data):
        return InlineKeyboardButton(label, url=data)
    return InlineKeyboardButton(label, callback_data=data)


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    """Inline keyboard from rows of (label, callback data or an http(s) URL for a link button);
    None when there are no buttons."""
    built = [[_button(label, data) for label, data in row] for row in rows]
    built = [row for row in built if row]
    return InlineKeyboardMarkup(built) if built else None


async def reply(
    update: Update,
    context: KhabarContext,
    text: Html,
    *,
    buttons: Keyboard = (),
    lang: str | None = None,
    preview: bool = False,
) -> Message | None:
    """Send ``text`` to the update's chat (in its forum topic), split if long; buttons go under
    the last part."""
    chat = update.effective_chat
    if chat is None:
        return None
    thread = thread_of(update)
    parts = message_parts(text, lang)
    sent: Message | None = None
    for i, part in enumerate(parts):
        markup = keyboard(buttons) if i == len(parts) - 1 else None
        sent = await context.bot.send_message(
            chat.id,
            part,
            reply_markup=markup,
            link_preview_options=None if preview else _NO_PREVIEW,
            message_thread_id=thread,
        )
    return sent


async def reply_photo(
    update: Update,
    context: KhabarContext,
    article_id: int,
    photo: str,
    caption: Html,
    *,
    buttons: Keyboard = (),
) -> Message | None:
    """Send an article's picture card to the update's chat, in its forum topic (Telegram
    fetches ``photo`` itself);
    None when Telegram refuses the picture (a 400: a bad address, content it cannot fetch),
    which is then remembered so the article's cards go as text from now on, as pushes do."""
    chat = update.effective_chat
    if chat is None:
        return None
    try:
        return await context.bot.send_photo(
            chat.id,
            photo,
            caption=caption,
            reply_markup=keyboard(buttons),
            message_thread_id=thread_of(update),
        )
    except BadRequest as exc:
        if topic_refusal(str(exc)) is not None:
            raise  # the forum topic took nothing (deleted or closed), not the picture's fault
        log.info("reply: picture of article %s refused (%s); sending text", article_id, exc)
        async with context.services.store.write() as session:
            await refuse_image(session, article_id)
        return None


async def edit_or_reply(
    update: Update,
    context: KhabarContext,
    text: Html,
    *,
    buttons: Keyboard = (),
    lang: str | None = None,
) -> None:
    """Replace the pressed button's message with ``text`` (or send it when that cannot be done)."""
    query = update.callback_query
    message = query.message if query else None
    parts = message_parts(text, lang)
    # PTB parses the pressed message as a Message even when Telegram no longer gives it to the
    # bot (date 0, an InaccessibleMessage in the Bot API): such a message cannot be edited.
    if not isinstance(message, Message) or not message.is_accessible or len(parts) != 1:
        await reply(update, context, text, buttons=buttons, lang=lang)
        return
    markup = keyboard(buttons)
    try:
        if message.photo:
            await message.edit_caption(parts[0], reply_markup=markup)
        else:
            await message.edit_text(parts[0], reply_markup=markup, link_preview_options=_NO_PREVIEW)
    except BadRequest as exc:
        reason = str(exc).lower()
        if "not modified" in reason:
            return  # the same page pressed twice
        if not any(gone in reason for gone in _CANNOT_EDIT):
            raise
        await reply(update, context, text, buttons=buttons, lang=lang)
