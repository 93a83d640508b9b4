"""Own sources: /follow <url>, /unfollow, and a bare link sent in a private chat offered as one.

A followed feed is fetched once however many chats follow it, and its articles reach only those
chats (news.delivery.queue). The URL goes through the fetcher's SSRF guard, then is read once:
a site's page stands for the feed it names, the feed's own title names it, and an address that
is no feed is refused; one that cannot be read just now is followed all the same (the fetches
retry it). Each chat follows at most FOLLOW_LIMIT feeds.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update

from bot.args import is_feed_url, parse_id
from bot.chatprefs import ChatPrefs, chat_prefs, is_chat_admin
from bot.handlers.subscriptions import digest_line
from bot.i18n import t
from bot.render.callback import encode_callback
from bot.render.headlines import shorten
from bot.render.html import Html, concat
from bot.render.replies import Keyboard, edit_or_reply, reply
from bot.services import KhabarContext
from bot.wiring import make_fetcher
from news.errors import BlockedAddress, FetchError, HTTPStatusError, ParseError
from news.ingest.feedprobe import FeedProbe, NamedFeedUnreadable, probe_feed
from news.ingest.sources import LANGUAGES
from news.ingest.ssrf import check_public_url
from storage import Feed
from storage.feeds import feed_title, get_feed_by_url
from storage.follows import (
    follow_feed,
    followed_feed_ids,
    list_follows,
    unfollow_feed,
)
from storage.subscriptions import chat_digest_time

__all__ = [
    "feed_name",
    "follow_button",
    "follow_command",
    "offer_link",
    "unfollow_button",
    "unfollow_command",
]

log = logging.getLogger(__name__)

_RESOLVE_SECONDS = 10.0
_PROBE_SECONDS = 20.0  # the reader waits for the answer: a slow feed is followed unread
_NOT_THERE = frozenset({404, 410})  # the address is wrong, not the server down


def feed_name(feed: Feed) -> str:
    """A followed feed as chats see it: its title, else its host (never a URL's path or query)."""
    return shorten(feed_title(feed) or urlsplit(feed.url).hostname or "?", 60)


async def _refusal(context: KhabarContext, url: str, lang: str) -> Html | None:
    """Why the URL cannot be followed (None when it can): malformed, or the SSRF guard says no."""
    if not is_feed_url(url):
        return t(lang, "follow.invalid_url")
    allow_private = context.services.settings.fetch_allow_private
    try:
        async with asyncio.timeout(_RESOLVE_SECONDS):
            await check_public_url(url, allow_private=allow_private)
    except (FetchError, TimeoutError) as exc:
        log.info("follow: refused %s: %s", url[:200], exc)
        return t(lang, "follow.refused")
    return None


class _NotAFeed(Exception):
    """The address answers, with something that is not a feed and names none."""


async def _probe(context: KhabarContext, url: str) -> tuple[str, FeedProbe | None]:
    """The feed's address (the one given, or the feed a page names) and what it is, None when
    it cannot be read just now; raises _NotAFeed or BlockedAddress (a redirect to a private
    address)."""
    try:
        async with (
            make_fetcher(context.services.settings) as fetcher,
            asyncio.timeout(_PROBE_SECONDS),
        ):
            probe = await probe_feed(fetcher, url)
            return probe.url, probe
    except NamedFeedUnreadable as exc:
        _judge(exc.url, exc.failure)
        return exc.url, None
    except (FetchError, ParseError, TimeoutError) as exc:
        _judge(url, exc)
        return url, None


def _judge(url: str, failure: Exception) -> None:
    """Raise when the failure says the address is wrong, not that it is down just now."""
    if isinstance(failure, BlockedAddress):
        raise failure
    if isinstance(failure, ParseError) or (
        isinstance(failure, HTTPStatusError) and failure.status in _NOT_THERE
    ):
        log.info("follow: %s is not a feed: %s", url[:200], failure)
        raise _NotAFeed from failure
    log.info("follow: cannot read %s now: %s", url[:200], failure)


async def _at_cap(session: AsyncSession, chat_id: int, known: Feed | None, limit: int) -> bool:
    """Whether following ``known`` (None: a feed not stored yet) would take the chat past its
    cap, which is the chat's however many forum topics follow feeds."""
    followed = await followed_feed_ids(session, chat_id)
    return len(followed) >= limit and (known is None or known.id not in followed)


async def _follow(update: Update, context: KhabarContext, prefs: ChatPrefs, url: str) -> Html:
    """Follow ``url`` for the chat if it may; the answer to show."""
    lang = prefs.language
    limit = context.services.settings.follow_limit
    if limit == 0:
        return t(lang, "follow.off")
    if not await is_chat_admin(update, context):
        return t(lang, "group.admins_only")
    refusal = await _refusal(context, url, lang)
    if refusal is not None:
        return refusal
    async with context.services.store.read() as session:
        known = await get_feed_by_url(session, url)
        follows = await list_follows(session, prefs.chat_id, prefs.thread_id)
        at_cap = await _at_cap(session, prefs.chat_id, known, limit)
        digest = await chat_digest_time(session, prefs.chat_id)  # the follow joins it
    if known is not None and any(f.id == known.id for f in follows):
        return t(lang, "follow.already", feed=feed_name(known))
    if at_cap:
        return t(lang, "follow.too_many", max=limit)
    try:
        url, probe = await _probe(context, url)
    except BlockedAddress:
        return t(lang, "follow.refused")
    except _NotAFeed:
        return t(lang, "follow.not_a_feed")
    language = probe.language if probe and probe.language in LANGUAGES else prefs.language
    title = probe.title if probe else None
    async with context.services.store.write() as session:
        # Again, in the transaction: /follows sent together all passed the check above.
        if await _at_cap(session, prefs.chat_id, await get_feed_by_url(session, url), limit):
            return t(lang, "follow.too_many", max=limit)
        feed, new = await follow_feed(
            session,
            prefs.chat_id,
            url,
            display=(title or urlsplit(url).hostname or url)[:200],
            language=language,
            title=title,
            thread_id=prefs.thread_id,
        )
    if not new:  # the page's feed, followed here already
        return t(lang, "follow.already", feed=feed_name(feed))
    log.info("follow: chat %s follows feed %s", prefs.chat_id, feed.id)
    done = t(lang, "follow.done", feed=feed_name(feed))
    if digest is None:
        return done
    return Html(done + "\n" + digest_line(lang, digest))


async def follow_command(update: Update, context: KhabarContext) -> None:
    """``/follow <feed URL>``: the chat's own source; ``/follow`` alone lists them."""
    prefs = await chat_prefs(update, context)
    args = context.args or []
    if not args:
        text, buttons = await _listing(context, prefs)
        await reply(update, context, text, buttons=buttons, lang=prefs.language)
        return
    if len(args) != 1:
        await reply(update, context, t(prefs.language, "follow.usage"), lang=prefs.language)
        return
    text = await _follow(update, context, prefs, args[0])
    await reply(update, context, text, lang=prefs.language)


async def _listing(context: KhabarContext, prefs: ChatPrefs) -> tuple[Html, Keyboard]:
    """The feeds the chat follows, each with a button that unfollows it."""
    lang = prefs.language
    async with context.services.store.read() as session:
        feeds = await list_follows(session, prefs.chat_id, prefs.thread_id)
    if not feeds:
        return t(lang, "follow.none"), []
    lines = [t(lang, "follow.header"), ""]
    lines += [concat(f"{feed.id} · ", feed_name(feed)) for feed in feeds]
    buttons = [[(f"✕ {feed_name(feed)}", encode_callback("unfollow", feed.id))] for feed in feeds]
    return Html("\n".join([*lines, "", t(lang, "follow.footer")])), buttons


async def _unfollow(context: KhabarContext, prefs: ChatPrefs, feed: Feed | None) -> Html:
    lang = prefs.language
    if feed is None:
        return t(lang, "unfollow.not_found")
    async with context.services.store.write() as session:
        removed = await unfollow_feed(session, prefs.chat_id, feed.id, prefs.thread_id)
    key = "unfollow.done" if removed else "unfollow.not_found"
    return t(lang, key, feed=feed_name(feed))


async def unfollow_command(update: Update, context: KhabarContext) -> None:
    """``/unfollow <number | URL>`` (the number /follow and /sources show); alone, the list."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    args = context.args or []
    if len(args) != 1:
        text, buttons = await _listing(context, prefs)
        await reply(update, context, text, buttons=buttons, lang=lang)
        return
    if not await is_chat_admin(update, context):
        await reply(update, context, t(lang, "group.admins_only"), lang=lang)
        return
    feed_id = parse_id(args[0])
    async with context.services.store.read() as session:
        follows = await list_follows(session, prefs.chat_id, prefs.thread_id)
    feed = next((f for f in follows if f.id == feed_id or f.url == args[0]), None)
    await reply(update, context, await _unfollow(context, prefs, feed), lang=lang)


async def unfollow_button(update: Update, context: KhabarContext, feed_id: int) -> None:
    """A ✕ under the list of followed feeds: unfollow it and show what is left."""
    prefs = await chat_prefs(update, context)
    async with context.services.store.read() as session:
        follows = await list_follows(session, prefs.chat_id, prefs.thread_id)
    done = await _unfollow(context, prefs, next((f for f in follows if f.id == feed_id), None))
    rest, buttons = await _listing(context, prefs)
    text = Html(done + "\n\n" + rest)
    await edit_or_reply(update, context, text, buttons=buttons, lang=prefs.language)


async def offer_link(update: Update, context: KhabarContext) -> None:
    """A bare link sent in a private chat: offer to follow it as a feed (one button)."""
    message = update.effective_message
    prefs = await chat_prefs(update, context)
    url = (message.text or "").strip() if message else ""
    lang = prefs.language
    if context.services.settings.follow_limit == 0:
        await reply(update, context, t(lang, "follow.off"), lang=lang)
        return
    if not is_feed_url(url):
        await reply(update, context, t(lang, "follow.invalid_url"), lang=lang)
        return
    token = secrets.token_hex(8)
    context.bot_data.follow_links[token] = url
    buttons = [[(t(lang, "follow.offer_button"), encode_callback("follow", token))]]
    await reply(update, context, t(lang, "follow.offer"), buttons=buttons, lang=lang)


async def follow_button(update: Update, context: KhabarContext, token: str) -> None:
    """The offer's button: follow the link it was made for."""
    prefs = await chat_prefs(update, context)
    url = context.bot_data.follow_links.get(token)
    if url is None:  # an offer from before a restart, or forged data
        await reply(update, context, t(prefs.language, "error.bad_callback"), lang=prefs.language)
        return
    text = await _follow(update, context, prefs, url)
    await edit_or_reply(update, context, text, lang=prefs.language)
