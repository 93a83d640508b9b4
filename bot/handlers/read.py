"""/read <id>: the article card (summary in a language, image, link), the in-chat reader, other sources."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import LinkPreviewOptions, Message, Update

from bot.args import parse_id
from bot.chatprefs import ChatPrefs, chat_prefs
from bot.i18n import t, tn
from bot.render.callback import encode_callback
from bot.render.cards import card_photo
from bot.render.headlines import MAX_TITLE, headline_line, original_link, published_line, shorten
from bot.render.html import Html, bold, concat, escape, italic
from bot.render.replies import Keyboard, edit_or_reply, keyboard, message_parts, reply, reply_photo
from bot.render.split import MAX_MESSAGE_LENGTH, paginate, truncate_caption, utf16_len
from bot.services import BotData, KhabarContext
from news.summaries.service import summary_for
from news.summaries.writer import Summary
from storage import Article
from storage.articles import get_article_for
from storage.stories import story_articles

__all__ = [
    "also_reported",
    "full_text_page",
    "late_summary_edits",
    "read",
    "send_article_card",
    "show_card",
]

log = logging.getLogger(__name__)

READER_PAGE_SIZE = 3500
_READER_SLACK = 64  # direction marks added to the header lines of right-to-left pages
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def read(update: Update, context: KhabarContext) -> None:
    """``/read <id>``: show the article card in the chat's language."""
    prefs = await chat_prefs(update, context)
    args = context.args or []
    article_id = parse_id(args[0]) if len(args) == 1 else None
    if article_id is None:
        await reply(update, context, t(prefs.language, "read.usage"), lang=prefs.language)
        return
    await send_article_card(update, context, article_id, prefs, in_language=True)


@dataclass(frozen=True)
class _Shown:
    """What a card shows, read in one session: the article, every article of its story the
    chat may see (just the article when it stands alone), and its cached summary."""

    article: Article
    members: list[Article]
    cached: Summary | None


async def _read_card(
    context: KhabarContext, article_id: int, prefs: ChatPrefs, lang: str, *, in_language: bool
) -> _Shown | None:
    """The card's rows, if the chat may see the article (a feed of other chats' own: not
    found). With ``in_language``, the story's first report in ``lang`` that the chat may see
    stands in for an article in the other language when the story has one.

    One session: each costs a BEGIN and a ROLLBACK, and every statement a round trip to the
    driver's thread."""
    async with context.services.store.read() as session:
        article = await get_article_for(session, article_id, prefs.chat_id)
        if article is None:
            return None
        members: list[Article] | None = None
        if in_language and article.language != lang and article.story_id is not None:
            members = await story_articles(session, article.story_id, viewer=prefs.chat_id)
            other = next((a.id for a in members if a.language == lang), article.id)
            if other != article.id:
                article = await get_article_for(session, other, prefs.chat_id) or article
        if article.story is None or article.story.article_count < 2:
            members = [article]
        elif members is None:
            members = await story_articles(session, article.story.id, viewer=prefs.chat_id)
        cached = await context.services.summaries.cached(session, article.id, lang)
    return _Shown(article, members, cached)


def _source_key(article: Article) -> str:
    """Who published an article: its feed, or the source name of an imported one."""
    return f"feed:{article.feed_id}" if article.feed_id is not None else article.source.casefold()


def _story_lines(article: Article, members: list[Article], lang: str) -> tuple[int, list[Html]]:
    """How many other sources report the story, and "N sources (EN 3 · UR 2)" when the
    story is reported in both languages."""
    sources = {_source_key(a) for a in members}
    others = len(sources - {_source_key(article)})
    by_language = {
        x: len({_source_key(a) for a in members if a.language == x}) for x in ("en", "ur")
    }
    if not all(by_language.values()):
        return others, []
    return others, [t(lang, "read.sources_by_language", count=len(sources), **by_language)]


async def _card(
    context: KhabarContext, shown: _Shown, prefs: ChatPrefs, lang: str
) -> tuple[Html, Keyboard, asyncio.Task[Summary] | None]:
    """The card in ``lang`` with the best summary ready now, and a better one still coming."""
    article = shown.article
    result = await summary_for(context.services.summaries, article, lang, cached=shown.cached)
    text, buttons = _render_card(article, prefs, lang, result.summary, members=shown.members)
    return text, buttons, result.pending


def _render_card(
    article: Article,
    prefs: ChatPrefs,
    lang: str,
    summary: Summary,
    *,
    members: list[Article],
) -> tuple[Html, Keyboard]:
    # Across languages the headline comes with the summary (the model's, or the story's report's).
    lines = [bold(shorten(summary.headline or article.title, MAX_TITLE))]
    if article.source:
        lines.append(t(lang, "read.source", source=article.source))
    lines += [
        published_line(article, lang, prefs.timezone),
        Html(""),
        t(lang, "read.summary"),
        escape(summary.text),
    ]
    if summary.language != lang:
        lines.append(italic(t(lang, "read.summary_other_language_note")))
    others, story_lines = _story_lines(article, members, lang)
    lines += story_lines
    lines += [Html(""), original_link(article, lang)]
    text = Html("\n".join(lines))
    buttons: list[list[tuple[str, str]]] = [
        [
            (t(lang, "read.button_english"), encode_callback("summary", article.id, "en")),
            (t(lang, "read.button_urdu"), encode_callback("summary", article.id, "ur")),
        ],
        [(t(lang, "read.full_text_button"), encode_callback("read", article.id, 0))],
    ]
    # The first report in the other language, when the story has one (EMBEDDINGS links them).
    other = next((a for a in members if a.language not in (article.language, "")), None)
    if other is not None and other.language in ("en", "ur"):
        label = t(lang, f"read.other_report_{other.language}")
        buttons.append([(label, encode_callback("open", other.id))])
    if others > 0:
        buttons.append(
            [(tn(lang, "read.also_reported", others), encode_callback("also", article.id))]
        )
    return text, buttons


async def _load(context: KhabarContext, article_id: int, prefs: ChatPrefs) -> Article | None:
    """The article, if the chat may see it (a feed of other chats' own: not found)."""
    async with context.services.store.read() as session:
        return await get_article_for(session, article_id, prefs.chat_id)


async def send_article_card(
    update: Update,
    context: KhabarContext,
    article_id: int,
    prefs: ChatPrefs,
    *,
    in_language: bool = False,
) -> None:
    """Send a new message with the article's card (a photo with caption when it has an image);
    ``in_language``: see _read_card."""
    lang = prefs.language
    shown = await _read_card(context, article_id, prefs, lang, in_language=in_language)
    if shown is None:
        await reply(update, context, t(lang, "read.not_found", id=article_id), lang=lang)
        return
    article = shown.article
    text, buttons, pending = await _card(context, shown, prefs, lang)
    sent: Message | None = None
    photo = None if article.image_refused or not prefs.pictures else card_photo(article.image_url)
    if photo is not None:
        # Telegram could not fetch the image: the card still goes out, as text (below).
        caption = Html(truncate_caption(text, lang=lang))
        sent = await reply_photo(update, context, article.id, photo, caption, buttons=buttons)
    if sent is None:
        sent = await reply(update, context, text, buttons=buttons, lang=lang)
    if sent is not None:
        _remember_card(context, sent, lang)
        if pending is not None:
            _edit_when_ready(context, sent, shown, prefs, lang, pending)


async def show_card(update: Update, context: KhabarContext, article_id: int, lang: str) -> None:
    """A language button on a card: edit that message to show the card in ``lang``."""
    prefs = await chat_prefs(update, context)
    shown = await _read_card(context, article_id, prefs, lang, in_language=False)
    if shown is None:
        await edit_or_reply(update, context, t(prefs.language, "read.not_found", id=article_id))
        return
    text, buttons, pending = await _card(context, shown, prefs, lang)
    message = update.callback_query.message if update.callback_query else None
    if isinstance(message, Message) and message.photo:
        text = Html(truncate_caption(text, lang=lang))
    await edit_or_reply(update, context, text, buttons=buttons, lang=lang)
    if isinstance(message, Message) and message.is_accessible:
        _remember_card(context, message, lang)
        if pending is not None:
            _edit_when_ready(context, message, shown, prefs, lang, pending)


def late_summary_edits(bot_data: BotData) -> list[asyncio.Task[None]]:
    """The card edits still waiting for a summary from the language model."""
    return list(bot_data.late_summary_edits)


def _remember_card(context: KhabarContext, message: Message, lang: str) -> None:
    """Note the language a card message was last asked in (a late summary must match it)."""
    context.bot_data.card_languages[message.chat_id, message.message_id] = lang


def _edit_when_ready(
    context: KhabarContext,
    message: Message,
    shown: _Shown,
    prefs: ChatPrefs,
    lang: str,
    pending: asyncio.Task[Summary],
) -> None:
    """When the summary still being written lands, put it on the card (unless it moved on).

    The summary service answers with the extractive summary when the language model is slower
    than SUMMARY_WAIT; its answer then replaces that one in place. Not an Application task:
    stopping the bot must not wait for a model, and the service cancels it on close.
    """
    key = (message.chat_id, message.message_id)
    article = shown.article

    async def edit() -> None:
        try:
            summary = await pending
        except Exception as exc:  # the service logged why; the card keeps what it shows
            log.info("read: late summary of article %s failed: %r", article.id, exc)
            return
        cards = context.bot_data.card_languages
        if summary.language != lang or cards.get(key) != lang:
            return  # not better, or the reader switched language meanwhile
        try:
            text, buttons = _render_card(article, prefs, lang, summary, members=shown.members)
            if message.photo:
                await message.edit_caption(
                    truncate_caption(text, lang=lang), reply_markup=keyboard(buttons)
                )
            elif len(parts := message_parts(text, lang)) == 1:
                await message.edit_text(
                    parts[0], reply_markup=keyboard(buttons), link_preview_options=_NO_PREVIEW
                )
        except Exception as exc:  # deleted meanwhile, or the bot is stopping: keep the card
            log.info("read: could not put the late summary on %s: %r", key, exc)

    task = asyncio.create_task(edit(), name=f"late summary {article.id}")
    tasks = context.bot_data.late_summary_edits
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def full_text_page(
    update: Update, context: KhabarContext, article_id: int, page: int
) -> None:
    """The in-chat reader: one page of the article's text with previous/next buttons."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    article = await _load(context, article_id, prefs)
    if article is None:
        await edit_or_reply(update, context, t(lang, "read.not_found", id=article_id))
        return
    title = bold(shorten(article.title, MAX_TITLE))
    footer = Html("\n\n" + original_link(article, lang))
    # Every page, with the title, page line and link, must fit one message so the buttons can
    # edit it in place; split_message counts tags and the link's URL too, so this is safe.
    longest_header = concat(title, "\n", t(lang, "read.page", page=9999, pages=9999), "\n\n")
    room = MAX_MESSAGE_LENGTH - utf16_len(longest_header) - utf16_len(footer) - _READER_SLACK
    body = escape(article.text or article.lead)
    pages = paginate(body, max(min(READER_PAGE_SIZE, room), 500), article.language)
    page = min(page, len(pages) - 1)
    header = concat(title, "\n", t(lang, "read.page", page=page + 1, pages=len(pages)), "\n\n")
    nav: list[tuple[str, str]] = []
    if page > 0:
        nav.append((t(lang, "nav.prev"), encode_callback("read", article.id, page - 1)))
    if page + 1 < len(pages):
        nav.append((t(lang, "nav.next"), encode_callback("read", article.id, page + 1)))
    back = [
        (t(lang, "read.button_english"), encode_callback("summary", article.id, "en")),
        (t(lang, "read.button_urdu"), encode_callback("summary", article.id, "ur")),
    ]
    text = Html(header + pages[page])
    if page + 1 < len(pages):
        footer = Html("")
    message = update.callback_query.message if update.callback_query else None
    if isinstance(message, Message) and message.photo:
        # A photo caption cannot hold a page of text: open the reader as a new message.
        await reply(
            update, context, Html(text + footer), buttons=[nav, back], lang=article.language
        )
        return
    await edit_or_reply(
        update, context, Html(text + footer), buttons=[nav, back], lang=article.language
    )


async def also_reported(update: Update, context: KhabarContext, article_id: int) -> None:
    """The other sources of the article's story, each with its id."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    article = await _load(context, article_id, prefs)
    if article is None or article.story_id is None:
        await edit_or_reply(update, context, t(lang, "read.not_found", id=article_id))
        return
    async with context.services.store.read() as session:
        members = [
            a
            for a in await story_articles(session, article.story_id, viewer=prefs.chat_id)
            if a.id != article.id
        ]
    now = context.services.clock()
    lines = [tn(lang, "read.also_reported", len(members))]
    lines += [headline_line(a, lang, now) for a in members]
    buttons = [
        [(str(a.id), encode_callback("open", a.id)) for a in members[i : i + 5]]
        for i in range(0, len(members), 5)
    ]
    await reply(update, context, Html("\n".join(lines)), buttons=buttons, lang=lang)
