"""/search <words>: full-text search over the store (Urdu folded), muted headlines left out, paged."""

from __future__ import annotations

import functools
import secrets

from telegram import Update

from bot.args import phrase_of
from bot.chatprefs import ChatPrefs, chat_prefs
from bot.i18n import t
from bot.render.callback import encode_callback
from bot.render.headlines import headline_line
from bot.render.html import Html
from bot.render.replies import Keyboard, edit_or_reply, reply
from bot.services import KhabarContext
from news.delivery.matching import unmuted_page
from news.embeddings.crosssearch import search_both_languages
from storage.articles import headline_columns

__all__ = ["MAX_QUERY", "search", "search_page", "search_typed_words"]

MAX_QUERY = 200
PAGE_SIZE = 8


def _remember(context: KhabarContext, query: str) -> str:
    """Keep the query under a short token: callback data is too small to carry it."""
    token = secrets.token_hex(4)
    context.bot_data.search_queries[token] = query
    return token


async def _page(
    context: KhabarContext, prefs: ChatPrefs, query: str, token: str, page: int
) -> tuple[Html, Keyboard]:
    lang = prefs.language
    services = context.services
    # Full text and, with embeddings on, the nearest recent articles in either language.
    found = await unmuted_page(
        functools.partial(
            search_both_languages,
            services.store,
            services.vectors,
            query,
            services.clock(),
            viewer=prefs.chat_id,  # a feed of the chat's own shows here, another's does not
            language=lang,  # a story by its report in the chat's language, where it has one
            options=[headline_columns(text=bool(prefs.mutes))],  # mute words may need the text
        ),
        prefs.mutes,
        limit=PAGE_SIZE + 1,
        offset=page * PAGE_SIZE,
    )
    if not found:
        return t(lang, "search.empty"), []
    now = context.services.clock()
    items = found[:PAGE_SIZE]
    # The heading quotes the words itself: the user's own quotes would double them.
    lines = [t(lang, "search.header", query=phrase_of([query])), ""] + [
        headline_line(a, lang, now) for a in items
    ]
    rows: list[list[tuple[str, str]]] = [
        [(str(a.id), encode_callback("open", a.id)) for a in items[i : i + 4]]
        for i in range(0, len(items), 4)
    ]
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append((t(lang, "nav.prev"), encode_callback("search", token, page - 1)))
    if len(found) > PAGE_SIZE:
        nav.append((t(lang, "nav.next"), encode_callback("search", token, page + 1)))
    rows.append(nav)
    return Html("\n".join(lines)), rows


async def search(update: Update, context: KhabarContext) -> None:
    """``/search <words>``."""
    await _search(update, context, " ".join(context.args or []).strip(), typed=False)


async def search_typed_words(update: Update, context: KhabarContext, query: str) -> None:
    """Words sent without a command (bot.handlers.plaintext), searched as /search would."""
    await _search(update, context, query, typed=True)


async def _search(update: Update, context: KhabarContext, query: str, *, typed: bool) -> None:
    """The first page of ``query``'s results. Words typed without a command that cannot be
    searched, or find nothing ("hello"), are answered with what the bot takes (the hint);
    /search's own are answered with its usage."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    hint = t(lang, "text.hint") if typed else None
    # Only punctuation ('/search "') leaves nothing to match, and an empty FTS5 query is an error.
    if not any(ch.isalnum() for ch in query) or len(query) > MAX_QUERY:
        await reply(update, context, hint or t(lang, "search.usage"), lang=lang)
        return
    text, buttons = await _page(context, prefs, query, _remember(context, query), 0)
    if hint is not None and not buttons:  # no buttons: nothing was found
        text = Html(text + "\n\n" + hint)
    await reply(update, context, text, buttons=buttons, lang=lang)


async def search_page(update: Update, context: KhabarContext, token: str, page: int) -> None:
    """A page button under search results."""
    prefs = await chat_prefs(update, context)
    query = context.bot_data.search_queries.get(token)
    if query is None:
        await edit_or_reply(update, context, t(prefs.language, "error.bad_callback"))
        return
    text, buttons = await _page(context, prefs, query, token, page)
    await edit_or_reply(update, context, text, buttons=buttons, lang=prefs.language)
