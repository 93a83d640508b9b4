"""/sources: the feeds and their health (their URLs and errors for admins only), with the chat's
own (/follow) marked; other chats' own feeds are not listed."""

from __future__ import annotations

from urllib.parse import urlsplit

from telegram import Update

from bot.chatprefs import chat_prefs
from bot.i18n import t
from bot.render.html import Html, bold, escape
from bot.render.replies import reply
from bot.render.timefmt import format_age
from bot.services import KhabarContext
from storage import Feed
from storage.feeds import feed_title, list_feeds
from storage.follows import followed_feed_ids

__all__ = ["sources"]


def _public_name(feed: Feed) -> str:
    """The feed's own title, else its host: a URL may carry a key or a password in it."""
    return feed_title(feed) or urlsplit(feed.url).hostname or "?"


async def sources(update: Update, context: KhabarContext) -> None:
    """List each enabled feed: language, topic, and whether it works."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    user = update.effective_user
    # Fetch errors name URLs, hosts and status lines: for the operator, in a private chat.
    admin = (
        prefs.is_private
        and user is not None
        and user.id in context.services.settings.admin_user_ids
    )
    async with context.services.store.read() as session:
        feeds = await list_feeds(session, enabled_only=True)
        mine = await followed_feed_ids(session, prefs.chat_id)
    # A feed a chat follows of its own is that chat's business (the operator sees them all).
    feeds = [f for f in feeds if f.shared or f.id in mine or admin]
    now = context.services.clock()
    lines = [t(lang, "sources.header"), ""]
    for feed in feeds:
        if feed.error_count and admin:
            health = "⚠️ " + t(lang, "sources.failing", error=(feed.last_error or "")[:120])
        elif feed.error_count:
            health = "⚠️ " + t(lang, "sources.unavailable")
        elif feed.last_ok_at is None:
            health = "⏳ " + t(lang, "sources.never_fetched")
        else:
            health = "✅ " + t(lang, "sources.ok") + f" ({format_age(feed.last_ok_at, now, lang)})"
        name = (feed.title or feed.url) if admin else _public_name(feed)
        own = f" · {t(lang, 'sources.followed')}" if feed.id in mine else ""
        lines.append(f"{bold(str(feed.id))} · {escape(name)} [{feed.language}]{own}\n    {health}")
    if not feeds:
        lines.append(t(lang, "sources.empty"))
    await reply(update, context, Html("\n".join(lines)), lang=lang)
