"""Inline mode: ``@bot words`` in any chat answers with matching recent stories (the /search
search, both languages; no words: the latest headlines), paged with next_offset.

Operators enable it once with @BotFather (/setinline); the README says how.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.chatprefs import initial_language, only_language
from bot.i18n import t
from bot.render.cards import card_photo, card_story, render_card
from bot.render.headlines import original_link, shorten
from bot.render.html import Html, to_plain_text
from bot.render.timefmt import format_age
from bot.services import KhabarContext
from news.delivery.matching import unmuted_page
from news.embeddings.crosssearch import search_both_languages
from storage import Article
from storage.articles import search_articles
from storage.chats import get_chat, list_mutes
from storage.stories import latest_stories

__all__ = ["CACHE_SECONDS", "PAGE_SIZE", "inline_query"]

log = logging.getLogger(__name__)

PAGE_SIZE = 10
CACHE_SECONDS = 30  # news changes by the minute: Telegram may reuse an answer only briefly
_MAX_OFFSET = 200
_MAX_QUERY = 200
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _offset(raw: str) -> int:
    """The page start Telegram sent back (our own next_offset); anything else is the start."""
    return int(raw) if raw.isdigit() and int(raw) <= _MAX_OFFSET else 0


def _result(article: Article, lang: str, tz: str, now: datetime) -> InlineQueryResultArticle:
    """One story as an article result: its message carries headline, summary and link."""
    story = card_story(article, pictures=False)  # a text message: the thumbnail shows it
    message = Html(render_card(story, lang, tz).caption + "\n\n" + original_link(article, lang))
    when = format_age(article.published_at, now, lang) if article.date_known else ""
    thumbnail = None if article.image_refused else card_photo(article.image_url)
    return InlineQueryResultArticle(
        id=str(article.id),
        title=shorten(article.title, 200),
        description=" · ".join(x for x in (article.source, when) if x),
        thumbnail_url=thumbnail,
        input_message_content=InputTextMessageContent(
            message, parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW
        ),
    )


async def _stories(
    context: KhabarContext, user_id: int, query: str, offset: int
) -> tuple[list[Article], str | None, str | None]:
    """One page (and one more) of stories for the query, with the user's stored chat language
    and timezone when the user has a private chat with the bot (their mutes and news
    languages apply then, and the feeds they follow there show; no one else's own feeds ever
    do)."""
    async with context.services.store.read() as session:
        row = await get_chat(session, user_id)
        mutes = await list_mutes(session, user_id) if row is not None else []
        viewer = user_id if row is not None else None
        # /news en or ur: only that language's stories; "both" (and no chat): either.
        language = None if row is None else only_language(row.news_languages)
        words = any(ch.isalnum() for ch in query)
        found: list[Article] = []
        if not words or language is not None:
            listing = (
                functools.partial(search_articles, session, query, viewer=viewer, language=language)
                if words
                else functools.partial(latest_stories, session, viewer=viewer, language=language)
            )
            found = await unmuted_page(listing, mutes, limit=PAGE_SIZE + 1, offset=offset)
    if words and language is None:
        # Both languages: the /search search (its own session), a story once, by its report
        # in the reader's language where it has one.
        services = context.services
        both = functools.partial(
            search_both_languages,
            services.store,
            services.vectors,
            query,
            services.clock(),
            viewer=viewer,
            language=row.language if row is not None else None,
        )
        found = await unmuted_page(both, mutes, limit=PAGE_SIZE + 1, offset=offset)
    if row is None:
        return found, None, None
    return found, row.language, row.timezone


async def inline_query(update: Update, context: KhabarContext) -> None:
    """Answer an inline query with up to PAGE_SIZE stories and the offset of the next page."""
    inline = update.inline_query
    if inline is None:
        return
    settings = context.services.settings
    query = inline.query.strip()[:_MAX_QUERY]
    offset = _offset(inline.offset)
    found, stored_lang, stored_tz = await _stories(context, inline.from_user.id, query, offset)
    lang = stored_lang or initial_language(
        inline.from_user.language_code, settings.default_language
    )
    tz = stored_tz or settings.default_timezone
    now = context.services.clock()
    results = [_result(a, lang, tz, now) for a in found[:PAGE_SIZE]]
    button = None
    if not results and offset == 0:
        text = to_plain_text(t(lang, "inline.nothing_found"))
        button = InlineQueryResultsButton(text=text, start_parameter="inline")
    try:
        await inline.answer(
            results,
            cache_time=CACHE_SECONDS,
            # Answers differ by the user's stored language and mutes, or their Telegram language.
            is_personal=stored_lang is not None or lang != settings.default_language,
            next_offset=str(offset + PAGE_SIZE) if len(found) > PAGE_SIZE else "",
            button=button,
        )
    except BadRequest as exc:  # the user typed on: the query is too old to answer
        log.info("inline: query from user %s not answered: %s", inline.from_user.id, exc)
