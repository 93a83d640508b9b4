"""/sources: the feeds and their health."""

from __future__ import annotations

from telegram import Update

from bot.chatprefs import chat_prefs
from bot.i18n import t
from bot.render import Html, bold, escape
from bot.replies import reply
from bot.services import KhabarContext
from bot.timefmt import format_age
from storage.feeds import list_feeds

__all__ = ["sources"]


async def sources(update: Update, context: KhabarContext) -> None:
    """List each enabled feed: language, topic, and whether it works."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    async with context.services.store.read() as session:
        feeds = await list_feeds(session, enabled_only=True)
    now = context.services.clock()
    lines = [t(lang, "sources.header"), ""]
    for feed in feeds:
        if feed.error_count:
            health = "⚠️ " + t(lang, "sources.failing", error=(feed.last_error or "")[:120])
        elif feed.last_ok_at is None:
            health = "⏳ " + t(lang, "sources.never_fetched")
        else:
            health = "✅ " + t(lang, "sources.ok") + f" ({format_age(feed.last_ok_at, now, lang)})"
        lines.append(
            f"{bold(str(feed.id))} · {escape(feed.title or feed.url)} [{feed.language}]\n    {health}"
        )
    if not feeds:
        lines.append(t(lang, "sources.empty"))
    await reply(update, context, Html("\n".join(lines)), lang=lang)
