"""/subscribe, /unsubscribe and /subscriptions: topics and keyword phrases, instant or digest; in
a forum supergroup, those of the forum topic (thread) the command is written in."""

from __future__ import annotations

from datetime import time

from telegram import Update

from bot.args import phrase_of
from bot.chatprefs import ChatPrefs, chat_prefs, is_chat_admin
from bot.i18n import t
from bot.render.callback import encode_callback
from bot.render.headlines import topic_label, topic_list
from bot.render.html import Html
from bot.render.phrases import phrase_label, subscription_label
from bot.render.replies import Keyboard, edit_or_reply, reply
from bot.render.timefmt import format_clock, parse_clock
from bot.services import KhabarContext
from news.delivery.rules import rule_for
from news.extract.topics import topic_by_name
from storage import Subscription
from storage.subscriptions import (
    chat_digest_time,
    count_subscriptions,
    list_subscriptions,
    subscribe,
    unsubscribe,
    unsubscribe_all,
)

__all__ = [
    "MAX_PHRASE",
    "MAX_SUBSCRIPTIONS",
    "digest_line",
    "subscribe_command",
    "subscribe_topic_button",
    "subscriptions_command",
    "unsubscribe_button",
    "unsubscribe_command",
]

MAX_PHRASE = 100
MAX_SUBSCRIPTIONS = 50  # per chat, all its topics: each keyword is matched against every new story
_QUOTES = ('"', "“", "'", "«")
_ALL = ("all", "سب", "تمام")


async def _admin_or_refuse(update: Update, context: KhabarContext, prefs: ChatPrefs) -> bool:
    if await is_chat_admin(update, context):
        return True
    await reply(update, context, t(prefs.language, "group.admins_only"), lang=prefs.language)
    return False


def digest_line(lang: str, minutes: int) -> Html:
    """The line that says a subscription comes in a digest at ``minutes`` after midnight."""
    return t(lang, "subscriptions.mode_digest", time=format_clock(time(*divmod(minutes, 60)), lang))


def _split_digest(args: list[str]) -> tuple[list[str], int | None] | None:
    """Strip a trailing ``digest HH:MM`` (or ``digest``) from the arguments; None when malformed."""
    if len(args) >= 2 and args[-2].lower() in ("digest", "ڈائجسٹ"):
        clock = parse_clock(args[-1])
        if clock is None:
            return None
        return args[:-2], clock.hour * 60 + clock.minute
    if args and args[-1].lower() in ("digest", "ڈائجسٹ"):
        return args[:-1], 8 * 60
    return args, None


async def _follow(
    context: KhabarContext,
    prefs: ChatPrefs,
    kind: str,
    value: str,
    display: str,
    digest_at: int | None,
) -> Html:
    """Subscribe the chat and say so; an existing subscription keeps its mode unless one is given."""
    lang = prefs.language
    async with context.services.store.read() as session:
        subs = await list_subscriptions(session, prefs.chat_id, prefs.thread_id)
        total = await count_subscriptions(session, prefs.chat_id)
        # A chat whose subscriptions all come in one digest (/digest HH:MM) adds new ones to
        # it, as a followed feed joins it: /digest off makes them instant again.
        chat_digest = (
            None if digest_at is not None else await chat_digest_time(session, prefs.chat_id)
        )
    exists = any(s.kind == kind and s.value == value for s in subs)
    if not exists and digest_at is None:
        digest_at = chat_digest
    what = subscription_label(kind, value, display, lang)
    if exists and digest_at is None:
        return t(lang, "subscribe.already", what=what)
    if not exists and total >= MAX_SUBSCRIPTIONS:
        return t(lang, "subscribe.too_many", max=MAX_SUBSCRIPTIONS)
    async with context.services.store.write() as session:
        await subscribe(
            session,
            prefs.chat_id,
            kind=kind,
            value=value,
            display=display,
            mode="instant" if digest_at is None else "digest",
            digest_time=digest_at,
            thread_id=prefs.thread_id,
        )
    if exists:
        text = t(lang, "subscribe.already", what=what)
    elif kind == "topic":
        text = t(lang, "subscribe.done_topic", topic=what)
    else:
        text = t(lang, "subscribe.done_keyword", phrase=phrase_label(display, lang))
    if digest_at is not None:
        text = Html(text + "\n" + digest_line(lang, digest_at))
    return text


async def subscribe_command(update: Update, context: KhabarContext) -> None:
    """``/subscribe <topic | "phrase"> [digest HH:MM]``."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    split = _split_digest(context.args or [])
    if split is None or not split[0]:
        await reply(update, context, t(lang, "subscribe.usage"), lang=lang)
        return
    words, digest_at = split
    phrase = phrase_of(words)
    if len(phrase) > MAX_PHRASE:
        await reply(update, context, t(lang, "subscribe.too_long", max=MAX_PHRASE), lang=lang)
        return
    # Unquoted words name a topic (English or Urdu); a quoted phrase is a keyword subscription,
    # with more words, phrases or -word exclusions after it a keyword rule (news.delivery.rules).
    raw = " ".join(words).strip()
    quoted = raw.startswith(_QUOTES)
    keyword = rule_for(raw, phrase)
    if not phrase or keyword is None:
        await reply(update, context, t(lang, "subscribe.usage"), lang=lang)
        return
    topic = None if quoted else topic_by_name(phrase)
    if topic is None and not quoted:
        unknown = t(lang, "subscribe.unknown_topic", topic=phrase, topics=topic_list(lang))
        await reply(update, context, Html(unknown + "\n" + t(lang, "subscribe.usage")), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    if topic is not None:
        text = await _follow(context, prefs, "topic", topic, topic, digest_at)
    else:
        text = await _follow(context, prefs, "keyword", keyword[0], keyword[1], digest_at)
    await reply(update, context, text, lang=lang)


async def subscribe_topic_button(update: Update, context: KhabarContext, topic: str) -> None:
    """A topic tapped in /topics: subscribe to it (a digest subscription stays a digest)."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    found = topic_by_name(topic)
    if found is None:
        await reply(update, context, t(lang, "error.bad_callback"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    text = await _follow(context, prefs, "topic", found, found, None)
    await reply(update, context, text, lang=lang)


async def unsubscribe_command(update: Update, context: KhabarContext) -> None:
    """``/unsubscribe <topic | phrase | all>``."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    phrase = phrase_of(context.args or [])
    if not phrase or len(phrase) > MAX_PHRASE:
        await reply(update, context, t(lang, "unsubscribe.usage"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    chat_id, thread = prefs.chat_id, prefs.thread_id
    async with context.services.store.write() as session:
        if phrase.lower() in _ALL:
            await unsubscribe_all(session, chat_id, thread)
            done = t(
                lang, "unsubscribe.all_done" if thread is None else "unsubscribe.all_done_thread"
            )
        else:
            topic = topic_by_name(phrase)
            removed = False
            if topic is not None:
                removed = await unsubscribe(
                    session, chat_id, kind="topic", value=topic, thread_id=thread
                )
            if not removed:
                keyword = rule_for(" ".join(context.args or []), phrase)
                removed = keyword is not None and await unsubscribe(
                    session, chat_id, kind="keyword", value=keyword[0], thread_id=thread
                )
            what = topic_label(topic, lang) if topic else phrase_label(phrase, lang)
            done = t(lang, "unsubscribe.done" if removed else "unsubscribe.not_found", what=what)
    await reply(update, context, done, lang=lang)


def _listing(lang: str, subs: list[Subscription], thread: int | None) -> tuple[Html, Keyboard]:
    """The subscriptions of the chat (or of its forum topic ``thread``) with a remove button
    for each."""
    if thread is not None and not subs:
        return Html(
            t(lang, "subscriptions.empty_thread") + "\n" + t(lang, "subscriptions.thread_note")
        ), []
    if not subs:
        return t(lang, "subscriptions.empty"), []
    lines = [
        t(lang, "subscriptions.header" if thread is None else "subscriptions.header_thread"),
        "",
    ]
    buttons = []
    for s in subs:
        if s.kind == "topic":
            label = t(lang, "subscriptions.topic", topic=topic_label(s.value, lang))
        elif s.kind == "feed":
            label = t(lang, "subscriptions.feed", feed=s.display)
        else:
            label = t(lang, "subscriptions.keyword", phrase=phrase_label(s.display, lang))
        if s.mode == "digest" and s.digest_time is not None:
            mode = digest_line(lang, s.digest_time)
        else:
            mode = t(lang, "subscriptions.mode_instant")
        lines.append(f"• {label}\n  {mode}")
        name = topic_label(s.value, lang) if s.kind == "topic" else s.display[:30]
        buttons.append([(f"✕ {name}", encode_callback("unsub", s.id))])
    if thread is not None:
        lines += ["", t(lang, "subscriptions.thread_note")]
    return Html("\n".join(lines)), buttons


async def subscriptions_command(update: Update, context: KhabarContext) -> None:
    """``/subscriptions``: what the chat (or the forum topic) follows, with a remove button for
    each."""
    prefs = await chat_prefs(update, context)
    async with context.services.store.read() as session:
        subs = await list_subscriptions(session, prefs.chat_id, prefs.thread_id)
    text, buttons = _listing(prefs.language, subs, prefs.thread_id)
    await reply(update, context, text, buttons=buttons, lang=prefs.language)


async def unsubscribe_button(update: Update, context: KhabarContext, subscription_id: int) -> None:
    """A remove button under /subscriptions: remove it and show what is left."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    if not await _admin_or_refuse(update, context, prefs):
        return
    thread = prefs.thread_id
    async with context.services.store.read() as session:
        subs = {s.id: s for s in await list_subscriptions(session, prefs.chat_id, thread)}
    sub = subs.pop(subscription_id, None)
    if sub is None:
        # Removed already (a second tap), or another chat's (or topic's) id in forged data.
        text, buttons = _listing(lang, list(subs.values()), thread)
        await edit_or_reply(update, context, text, buttons=buttons, lang=lang)
        return
    async with context.services.store.write() as session:
        await unsubscribe(session, prefs.chat_id, kind=sub.kind, value=sub.value, thread_id=thread)
    done = t(
        lang, "unsubscribe.done", what=subscription_label(sub.kind, sub.value, sub.display, lang)
    )
    rest, buttons = _listing(lang, list(subs.values()), thread)
    await edit_or_reply(update, context, Html(done + "\n\n" + rest), buttons=buttons, lang=lang)
