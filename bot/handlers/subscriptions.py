"""/subscribe, /unsubscribe and /subscriptions: topics and keyword phrases, instant or digest."""

from __future__ import annotations

from telegram import Update

from bot.args import phrase_of
from bot.chatprefs import ChatPrefs, chat_prefs, is_chat_admin
from bot.headlines import topic_label, topic_list
from bot.i18n import t
from bot.render import Html
from bot.render_callback import encode_callback
from bot.replies import edit_or_reply, reply
from bot.services import KhabarContext
from bot.timefmt import format_clock, parse_clock
from news.topics import topic_by_name
from storage.subscriptions import list_subscriptions, subscribe, unsubscribe, unsubscribe_all
from storage.textnorm import normalize_for_search

__all__ = [
    "MAX_PHRASE",
    "subscribe_command",
    "subscribe_topic_button",
    "subscriptions_command",
    "unsubscribe_button",
    "unsubscribe_command",
]

MAX_PHRASE = 100


async def _admin_or_refuse(update: Update, context: KhabarContext, prefs: ChatPrefs) -> bool:
    if await is_chat_admin(update, context):
        return True
    await reply(update, context, t(prefs.language, "group.admins_only"), lang=prefs.language)
    return False


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
    if not phrase:
        await reply(update, context, t(lang, "subscribe.usage"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    # Unquoted words name a topic (English or Urdu); a quoted phrase is a keyword subscription.
    quoted = " ".join(words).strip()[:1] in ('"', "“", "'", "«")
    topic = None if quoted else topic_by_name(phrase)
    if topic is None and not quoted:
        unknown = t(lang, "subscribe.unknown_topic", topic=phrase, topics=topic_list(lang))
        await reply(update, context, Html(unknown + "\n" + t(lang, "subscribe.usage")), lang=lang)
        return
    mode = "digest" if digest_at is not None else "instant"
    async with context.services.store.write() as session:
        if topic is not None:
            created = await subscribe(
                session,
                prefs.chat_id,
                kind="topic",
                value=topic,
                display=topic,
                mode=mode,
                digest_time=digest_at,
            )
        else:
            created = await subscribe(
                session,
                prefs.chat_id,
                kind="keyword",
                value=normalize_for_search(phrase),
                display=phrase,
                mode=mode,
                digest_time=digest_at,
            )
    what = topic_label(topic, lang) if topic else f"“{phrase}”"
    if not created and digest_at is None:
        text = t(lang, "subscribe.already", what=what)
    elif topic is not None:
        text = t(lang, "subscribe.done_topic", topic=topic_label(topic, lang))
    else:
        text = t(lang, "subscribe.done_keyword", phrase=phrase)
    if digest_at is not None:
        from datetime import time

        text = Html(
            text
            + "\n"
            + t(
                lang,
                "subscriptions.mode_digest",
                time=format_clock(time(digest_at // 60, digest_at % 60), lang),
            )
        )
    await reply(update, context, text, lang=lang)


async def subscribe_topic_button(update: Update, context: KhabarContext, topic: str) -> None:
    """A topic tapped in /topics: subscribe to it."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    found = topic_by_name(topic)
    if found is None:
        await reply(update, context, t(lang, "error.bad_callback"), lang=lang)
        return
    if not await _admin_or_refuse(update, context, prefs):
        return
    async with context.services.store.write() as session:
        created = await subscribe(session, prefs.chat_id, kind="topic", value=found, display=found)
    label = topic_label(found, lang)
    text = (
        t(lang, "subscribe.done_topic", topic=label)
        if created
        else t(lang, "subscribe.already", what=label)
    )
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
    async with context.services.store.write() as session:
        if phrase.lower() in ("all", "سب", "تمام"):
            await unsubscribe_all(session, prefs.chat_id)
            done = t(lang, "unsubscribe.all_done")
        else:
            topic = topic_by_name(phrase)
            removed = False
            if topic is not None:
                removed = await unsubscribe(session, prefs.chat_id, kind="topic", value=topic)
            if not removed:
                removed = await unsubscribe(
                    session, prefs.chat_id, kind="keyword", value=normalize_for_search(phrase)
                )
            what = topic_label(topic, lang) if topic else f"“{phrase}”"
            done = t(lang, "unsubscribe.done" if removed else "unsubscribe.not_found", what=what)
    await reply(update, context, done, lang=lang)


async def subscriptions_command(update: Update, context: KhabarContext) -> None:
    """``/subscriptions``: what the chat follows, with a remove button for each."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    async with context.services.store.read() as session:
        subs = await list_subscriptions(session, prefs.chat_id)
    if not subs:
        await reply(update, context, t(lang, "subscriptions.empty"), lang=lang)
        return
    from datetime import time

    lines = [t(lang, "subscriptions.header"), ""]
    buttons = []
    for s in subs:
        label = (
            t(lang, "subscriptions.topic", topic=topic_label(s.value, lang))
            if s.kind == "topic"
            else t(lang, "subscriptions.keyword", phrase=s.display)
        )
        if s.mode == "digest" and s.digest_time is not None:
            mode = t(
                lang,
                "subscriptions.mode_digest",
                time=format_clock(time(s.digest_time // 60, s.digest_time % 60), lang),
            )
        else:
            mode = t(lang, "subscriptions.mode_instant")
        lines.append(f"• {label}\n  {mode}")
        buttons.append(
            [
                (
                    f"✕ {topic_label(s.value, lang) if s.kind == 'topic' else s.display[:30]}",
                    encode_callback("unsub", s.id),
                )
            ]
        )
    await reply(update, context, Html("\n".join(lines)), buttons=buttons, lang=lang)


async def unsubscribe_button(update: Update, context: KhabarContext, subscription_id: int) -> None:
    """A remove button under /subscriptions."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    if not await _admin_or_refuse(update, context, prefs):
        return
    async with context.services.store.read() as session:
        subs = {s.id: s for s in await list_subscriptions(session, prefs.chat_id)}
    sub = subs.get(subscription_id)
    if sub is None:
        await edit_or_reply(update, context, t(lang, "error.bad_callback"), lang=lang)
        return
    async with context.services.store.write() as session:
        await unsubscribe(session, prefs.chat_id, kind=sub.kind, value=sub.value)
    what = topic_label(sub.value, lang) if sub.kind == "topic" else f"“{sub.display}”"
    await edit_or_reply(update, context, t(lang, "unsubscribe.done", what=what), lang=lang)
