"""Admin commands (ADMIN_USER_IDS, private chat only): /stats, /addfeed, /removefeed."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import wraps

from telegram import Update

from bot.args import is_feed_url, parse_id
from bot.chatprefs import ChatPrefs, chat_prefs
from bot.i18n import LANGUAGE_NAMES, t
from bot.render.headlines import topic_label
from bot.render.html import Html, escape, is_safe_url
from bot.render.replies import reply
from bot.render.timefmt import format_number
from bot.services import KhabarContext
from bot.wiring import make_fetcher
from news.extract.topics import topic_by_name
from news.ingest.feedadd import Outcome, add_probed_feed
from storage.articles import count_articles
from storage.deliveries import count_by_state
from storage.feeds import failing_feeds, get_feed_by_url, remove_feed
from storage.stats import count_chats, delivery_latencies
from storage.subscriptions import count_subscriptions

__all__ = ["addfeed", "removefeed", "stats"]

log = logging.getLogger(__name__)

AdminHandler = Callable[[Update, KhabarContext, ChatPrefs], Awaitable[None]]


def admin_only(handler: AdminHandler) -> Callable[[Update, KhabarContext], Awaitable[None]]:
    """Run ``handler`` only for configured admins, and only in a private chat."""

    @wraps(handler)
    async def wrapper(update: Update, context: KhabarContext) -> None:
        prefs = await chat_prefs(update, context)
        user = update.effective_user
        if user is None or user.id not in context.services.settings.admin_user_ids:
            await reply(update, context, t(prefs.language, "admin.only"), lang=prefs.language)
        elif not prefs.is_private:
            await reply(
                update, context, t(prefs.language, "admin.private_only"), lang=prefs.language
            )
        else:
            await handler(update, context, prefs)

    return wrapper


def _duration(seconds: float, lang: str) -> str:
    if seconds < 120:
        return f"{format_number(round(seconds), lang)} s"
    return f"{format_number(round(seconds / 60), lang)} min"


@admin_only
async def stats(update: Update, context: KhabarContext, prefs: ChatPrefs) -> None:
    """Articles, chats, subscriptions, deliveries by state, failing feeds, latency."""
    lang = prefs.language
    since = context.services.clock() - timedelta(days=1)
    async with context.services.store.read() as session:
        articles = await count_articles(session)
        chats, active = await count_chats(session)
        subs = await count_subscriptions(session)
        states = await count_by_state(session)
        failing = await failing_feeds(session)
        latencies = await delivery_latencies(session, since)
    lines: list[str] = [
        t(lang, "stats.header"),
        t(lang, "stats.articles", n=format_number(articles, lang)),
        t(lang, "stats.chats", n=f"{format_number(active, lang)}/{format_number(chats, lang)}"),
        t(lang, "stats.subscriptions", n=format_number(subs, lang)),
        t(
            lang,
            "stats.deliveries_by_state",
            states=", ".join(f"{k} {format_number(v, lang)}" for k, v in states.items()),
        ),
    ]
    if latencies:
        p50 = statistics.median(latencies)
        p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else p50
        lines.append(t(lang, "stats.latency", p50=_duration(p50, lang), p95=_duration(p95, lang)))
    lines.append(t(lang, "stats.failing_feeds", n=len(failing)))
    lines += [
        f"  {f.id} · {escape(f.title or f.url)}: {escape((f.last_error or '')[:200])}"
        for f in failing[:20]
    ]
    await reply(update, context, Html("\n".join(lines)), lang=lang)


@admin_only
async def addfeed(update: Update, context: KhabarContext, prefs: ChatPrefs) -> None:
    """``/addfeed URL [topic] [en|ur]``."""
    lang = prefs.language
    args = context.args or []
    if not args or len(args) > 3:
        await reply(update, context, t(lang, "addfeed.usage"), lang=lang)
        return
    url = args[0]
    if not is_feed_url(url):
        await reply(update, context, t(lang, "addfeed.invalid_url"), lang=lang)
        return
    topic = None
    given_lang: str | None = None
    for extra in args[1:]:
        if extra.lower() in ("en", "ur"):
            given_lang = extra.lower()
        elif (found := topic_by_name(extra)) is not None:
            topic = found
        else:
            await reply(update, context, t(lang, "addfeed.usage"), lang=lang)
            return
    async with context.services.store.read() as session:
        if await get_feed_by_url(session, url) is not None:
            await reply(update, context, t(lang, "addfeed.exists"), lang=lang)
            return
    answer = await _add_probed(context, url, given_lang, topic, lang)
    await reply(update, context, answer, lang=lang)


async def _add_probed(
    context: KhabarContext, url: str, given_lang: str | None, topic: str | None, lang: str
) -> Html:
    """Add the feed as `khabar feeds add` does (read once, what is given wins); the answer."""
    async with make_fetcher(context.services.settings) as fetcher:
        added = await add_probed_feed(context.services.store, fetcher, url, given_lang, topic)
    if added.outcome is not Outcome.ADDED:
        return t(lang, f"addfeed.{added.outcome.value}")
    if added.probe is None:
        return Html(t(lang, "addfeed.done", url=url) + "\n" + t(lang, "addfeed.added_as_given"))
    assert added.language is not None  # ADDED means English or Urdu
    return t(
        lang,
        "addfeed.done_read",
        title=escape(added.title),
        language=LANGUAGE_NAMES[added.language],
        topic=topic_label(added.topic, lang) if added.topic else t(lang, "addfeed.mixed_topics"),
    )


@admin_only
async def removefeed(update: Update, context: KhabarContext, prefs: ChatPrefs) -> None:
    """``/removefeed ID`` or ``/removefeed URL``."""
    lang = prefs.language
    args = context.args or []
    target = args[0] if len(args) == 1 else ""
    feed_id = parse_id(target)
    if feed_id is None and not is_safe_url(target):
        await reply(update, context, t(lang, "removefeed.usage"), lang=lang)
        return
    async with context.services.store.write() as session:
        if feed_id is None:
            feed = await get_feed_by_url(session, target)
            feed_id = feed.id if feed is not None else None
        removed = feed_id is not None and await remove_feed(session, feed_id)
    await reply(
        update,
        context,
        t(lang, "removefeed.done" if removed else "removefeed.not_found"),
        lang=lang,
    )
