"""/latest [topic] [n] and /topics: the newest stories, one line each, paged, the chat's language
first; the top story as a picture card above the list when it has a picture."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from telegram import Update

from bot.args import parse_count
from bot.chatprefs import ChatPrefs, chat_prefs
from bot.i18n import t
from bot.render.callback import encode_callback
from bot.render.cards import Card, card_photo, card_story, render_card
from bot.render.headlines import headline_line, other_language, topic_label, topic_list
from bot.render.html import Html
from bot.render.replies import Keyboard, edit_or_reply, reply, reply_photo
from bot.services import KhabarContext
from news.delivery.matching import unmuted_page
from news.extract.topics import TOPICS, topic_by_name
from storage import Article
from storage.articles import get_article_for, headline_columns
from storage.stories import latest_stories, story_source_counts

__all__ = ["MAX_LATEST", "latest", "latest_page", "topics"]

MAX_LATEST = 20
DEFAULT_LATEST = 10
ALL = "all"


def _parse(args: list[str]) -> tuple[str | None, int] | str:
    """(topic or None, n), or an error kind: "usage" or the unknown topic's name."""
    topic: str | None = None
    n = DEFAULT_LATEST
    rest = list(args)
    # The count may come before or after the topic: "/latest sports 5" or "/latest 5 sports".
    at = -1 if rest and rest[-1].isdigit() else 0
    if rest and rest[at].isdigit():
        count = parse_count(rest.pop(at), MAX_LATEST)
        if count is None:
            return "usage"
        n = count
    if rest:
        name = " ".join(rest)
        found = topic_by_name(name)
        if found is None:
            return name
        topic = found
    return topic, n


@dataclass(frozen=True)
class _Page:
    """One page of /latest: its stories, whether a next page follows, their source counts,
    and the whole row of the top story when it becomes a picture card."""

    items: list[Article]
    has_next: bool
    sources: dict[int, int]
    top: Article | None = None


async def _read_page(
    context: KhabarContext,
    prefs: ChatPrefs,
    topic: str | None,
    n: int,
    page: int,
    *,
    card: bool = False,
) -> _Page:
    """Page ``page`` of n stories the chat may see: the chat's language first; where those run
    out, the other language's newest fill the page up to n (marked), and there is no next page.
    With ``card``, the top story's whole row too when it becomes a picture card (_has_card).

    One session for all of it: each session costs a BEGIN and a ROLLBACK, and every statement
    round trips to the driver's thread."""
    lang = prefs.language
    # A chat that chose news in one language (/news en|ur) sees that language's stories only.
    only = prefs.only_language
    async with context.services.store.read() as session:
        columns = [headline_columns(text=bool(prefs.mutes))]  # mute words may need the text
        stories = functools.partial(
            latest_stories, session, topic=topic, options=columns, viewer=prefs.chat_id
        )
        primary = await unmuted_page(
            functools.partial(stories, language=only or lang),
            prefs.mutes,
            limit=n + 1,
            offset=page * n,
        )
        has_next = len(primary) > n
        items = primary[:n]
        if len(items) < n and only is None:
            # A story with a report in the chat's language is listed by that one: the other
            # language's first report of it (cross-language linking) is left out. At most
            # len(items) of them are, so n rows are enough.
            shown = {a.story_id for a in items if a.story_id}
            others = await unmuted_page(
                functools.partial(stories, language=other_language(lang)), prefs.mutes, limit=n
            )
            items += [a for a in others if a.story_id not in shown][: n - len(items)]
        stories_shown = [a.story_id for a in items if a.story_id]
        sources = await story_source_counts(session, stories_shown, viewer=prefs.chat_id)
        # The list read headline columns only: the card needs the link and the lead or text.
        top = (
            await get_article_for(session, items[0].id, prefs.chat_id)
            if card and _has_card(prefs, items)
            else None
        )
    return _Page(items, has_next, sources, top)


def _render(
    context: KhabarContext,
    prefs: ChatPrefs,
    topic: str | None,
    n: int,
    page: int,
    found: _Page,
    listed: list[Article],
) -> tuple[Html, Keyboard]:
    """The page as one message: a line for each of ``listed`` (the page's stories, or those
    under its picture card), a button to open each, and the page buttons."""
    lang = prefs.language
    header = (
        t(lang, "latest.header", topic=topic_label(topic, lang))
        if topic
        else t(lang, "latest.header_all")
    )
    if not listed:
        return Html(header + "\n\n" + t(lang, "latest.empty")), []
    now = context.services.clock()
    sources = found.sources
    lines = (
        [header, ""]
        + [headline_line(a, lang, now, sources=sources.get(a.story_id or 0, 1)) for a in listed]
        + ["", t(lang, "latest.read_hint")]
    )
    open_buttons = [(str(a.id), encode_callback("open", a.id)) for a in listed]
    rows: list[list[tuple[str, str]]] = [
        open_buttons[i : i + 5] for i in range(0, len(open_buttons), 5)
    ]
    nav: list[tuple[str, str]] = []
    key = topic or ALL
    if page > 0:
        nav.append((t(lang, "nav.prev"), encode_callback("latest", key, n, page - 1)))
    if found.has_next:
        nav.append((t(lang, "nav.next"), encode_callback("latest", key, n, page + 1)))
    rows.append(nav)
    return Html("\n".join(lines)), rows


async def _page(
    context: KhabarContext, prefs: ChatPrefs, topic: str | None, n: int, page: int
) -> tuple[Html, Keyboard]:
    """Page ``page`` of n stories as one text message."""
    found = await _read_page(context, prefs, topic, n, page)
    return _render(context, prefs, topic, n, page, found, found.items)


def _has_card(prefs: ChatPrefs, items: list[Article]) -> bool:
    """Whether /latest shows the page's top story as a picture card: the chat has pictures
    on, the story is in the chat's language (a card has no "(in Urdu)" mark) and has a picture
    Telegram has not refused, and other stories remain for the list under it.

    One card, not one per story: ten photos in a row would bury the chat and take ten sends of
    the chat's budget, where the list shows ten headlines at a glance. The top story is the one
    a reader looks at first; the list keeps its page buttons, which a photo's caption cannot
    become. A single story stays a text line for the same reason."""
    if not prefs.pictures or len(items) < 2 or items[0].language != prefs.language:
        return False
    return card_photo(items[0].image_url) is not None and not items[0].image_refused


def _top_card(prefs: ChatPrefs, found: _Page) -> Card | None:
    """The picture card of the page's top story, when /latest shows one (_has_card)."""
    top = found.top
    if top is None or card_photo(top.image_url) is None or top.image_refused:
        return None
    return render_card(card_story(top), prefs.language, prefs.timezone)


async def latest(update: Update, context: KhabarContext) -> None:
    """``/latest [topic] [n]``: the list, its top story as a picture card when it has one."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    parsed = _parse(context.args or [])
    if parsed == "usage":
        await reply(update, context, t(lang, "latest.usage", max=MAX_LATEST), lang=lang)
        return
    if isinstance(parsed, str):
        text = t(lang, "subscribe.unknown_topic", topic=parsed[:64], topics=topic_list(lang))
        await reply(update, context, text, lang=lang)
        return
    topic, n = parsed
    found = await _read_page(context, prefs, topic, n, 0, card=True)
    card = _top_card(prefs, found)
    listed = found.items
    if card is not None and card.photo is not None:
        top = listed[0]
        sent = await reply_photo(
            update, context, top.id, card.photo, card.caption, buttons=card.buttons
        )
        if sent is not None:  # refused: the story stays in the list, as with pictures off
            # The page buttons still count n a page: "Previous" back to page 0 lists its top
            # story too (the card is a message of its own, which an edit cannot reach).
            listed = listed[1:]
    text, buttons = _render(context, prefs, topic, n, 0, found, listed)
    await reply(update, context, text, buttons=buttons, lang=lang)


async def latest_page(
    update: Update, context: KhabarContext, topic: str, n: int, page: int
) -> None:
    """A page button under /latest (or a topic tapped in /topics, page 0)."""
    prefs = await chat_prefs(update, context)
    real_topic = None if topic == ALL else topic
    if real_topic is not None and real_topic not in TOPICS:
        await edit_or_reply(update, context, t(prefs.language, "error.bad_callback"))
        return
    text, buttons = await _page(context, prefs, real_topic, min(max(n, 1), MAX_LATEST), page)
    await edit_or_reply(update, context, text, buttons=buttons, lang=prefs.language)


async def topics(update: Update, context: KhabarContext) -> None:
    """``/topics``: each topic with its Urdu name; a tap subscribes."""
    prefs = await chat_prefs(update, context)
    lang = prefs.language
    from news.extract.topics import urdu_name

    lines = [t(lang, "topics.header"), ""]
    lines += [f"• {x.capitalize()} — {urdu_name(x)}" for x in TOPICS]
    lines += ["", t(lang, "topics.tap_hint")]
    buttons = [
        [
            (f"{x.capitalize()} · {urdu_name(x)}", encode_callback("sub", x))
            for x in TOPICS[i : i + 2]
        ]
        for i in range(0, len(TOPICS), 2)
    ]
    await reply(update, context, Html("\n".join(lines)), buttons=buttons, lang=lang)
