"""Chat preferences: /timezone, /digest, /quiet, /mute and /unmute."""

from __future__ import annotations

from telegram import Update

from bot.args import phrase_of
from bot.chatprefs import ChatPrefs, chat_prefs, is_chat_admin
from bot.i18n import t, tn
from bot.render.html import Html, concat
from bot.render.phrases import phrase_label
from bot.render.replies import reply
from bot.render.timefmt import format_clock, parse_clock, parse_clock_span, resolve_timezone
from bot.services import KhabarContext
from news.delivery.rules import rule_for
from storage.chats import add_mute, remove_mute, set_chat_timezone, set_quiet_hours
from storage.subscriptions import set_digest_time

__all__ = ["digest", "mute", "quiet", "timezone", "unmute"]

MAX_MUTE = 50


async def _admin_or_refuse(update: Update, context: KhabarContext, prefs: ChatPrefs) -> bool:
    """Whether the sender may change the chat's settings; refuse in one line when not."""
    if await is_chat_admin(update, context):
        return True
    await reply(update, context, t(prefs.language, "group.admins_only"), lang=prefs.language)
    return False


async def timezone(update: Update, context: KhabarContext) -> None:
    """``/timezone Area/City``."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    args = context.args or []
    if len(args) != 1:
        await reply(update, context, t(lang, "timezone.usage"), lang=lang)
        return
    zone = resolve_timezone(args[0])
    if zone is None:
        await reply(update, context, t(lang, "timezone.unknown", tz=args[0][:64]), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    async with context.services.store.write() as session:
        await set_chat_timezone(session, prefs.chat_id, zone)
    await reply(update, context, t(lang, "timezone.done", tz=zone), lang=lang)


async def digest(update: Update, context: KhabarContext) -> None:
    """``/digest HH:MM`` (or ``/digest off``): every subscription as one daily digest (or instant),
    replacing each one's own mode and time; the reply says how many changed."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    args = context.args or []
    off = len(args) == 1 and args[0].lower() in ("off", "بند")
    clock = parse_clock(args[0]) if len(args) == 1 and not off else None
    if clock is None and not off:
        await reply(update, context, t(lang, "digest.usage"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    minutes = None if clock is None else clock.hour * 60 + clock.minute
    async with context.services.store.write() as session:
        changed = await set_digest_time(session, prefs.chat_id, minutes)
    if not changed:
        text = t(lang, "digest.nothing")
    elif clock is None:
        text = tn(lang, "digest.off", changed)
    else:
        text = tn(lang, "digest.done", changed, time=format_clock(clock, lang))
    await reply(update, context, text, lang=lang)


async def quiet(update: Update, context: KhabarContext) -> None:
    """``/quiet HH:MM-HH:MM`` or ``/quiet off``."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    raw = " ".join(context.args or []).strip()
    if raw.lower() in ("off", "بند"):
        if not await _admin_or_refuse(update, context, prefs):
            return
        async with context.services.store.write() as session:
            await set_quiet_hours(session, prefs.chat_id, None, None)
        await reply(update, context, t(lang, "quiet.off"), lang=lang)
        return
    span = parse_clock_span(raw)
    start, end = span or (None, None)
    if start is None or end is None or start == end:
        await reply(update, context, t(lang, "quiet.usage"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    async with context.services.store.write() as session:
        await set_quiet_hours(
            session, prefs.chat_id, start.hour * 60 + start.minute, end.hour * 60 + end.minute
        )
    text = t(lang, "quiet.done", start=format_clock(start, lang), end=format_clock(end, lang))
    await reply(update, context, text, lang=lang)


async def mute(update: Update, context: KhabarContext) -> None:
    """``/mute <word | "phrase"> [-word]``: hide stories that contain it, unless they contain an
    excluded word (news.delivery.rules); ``/mute`` alone lists."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    word = phrase_of(context.args or [])
    if not context.args:
        await reply(update, context, _mute_list(prefs), lang=lang)
        return
    if not word or len(word) > MAX_MUTE:
        await reply(update, context, t(lang, "mute.usage"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    rule = rule_for(" ".join(context.args), word)
    if rule is None:
        await reply(update, context, t(lang, "mute.usage"), lang=lang)
        return
    async with context.services.store.write() as session:
        await add_mute(session, prefs.chat_id, rule[0])
    await reply(update, context, t(lang, "mute.done", word=phrase_label(rule[1], lang)), lang=lang)


def _mute_list(prefs: ChatPrefs) -> Html:
    """The chat's muted words, one a line, or how to mute one."""
    lang = prefs.language
    words = prefs.mutes  # chat_prefs read them (a write to them forgets the cached copy)
    if not words:
        return t(lang, "mute.none")
    lines = [t(lang, "mute.list_header"), ""] + [concat("• ", word) for word in words]
    return Html("\n".join([*lines, "", t(lang, "mute.list_footer")]))


async def unmute(update: Update, context: KhabarContext) -> None:
    """``/unmute <word>``."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    word = phrase_of(context.args or [])
    if not word or len(word) > MAX_MUTE:
        await reply(update, context, t(lang, "unmute.usage"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    async with context.services.store.write() as session:
        rule = rule_for(" ".join(context.args or []), word)
        removed = rule is not None and await remove_mute(session, prefs.chat_id, rule[0])
    key = "unmute.done" if removed else "unmute.not_found"
    await reply(update, context, t(lang, key, word=phrase_label(word, lang)), lang=lang)
