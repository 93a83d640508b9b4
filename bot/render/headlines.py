"""Formatting of stored articles for chats: topic labels, headline lines, the /read card."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import t, t_plain, tn
from bot.render.html import Html, bold, concat, escape, italic, join, link
from bot.render.timefmt import format_age, format_datetime_local
from news.extract.topics import TOPICS, urdu_name
from storage import Article

__all__ = [
    "MAX_HEADLINE_TITLE",
    "MAX_TITLE",
    "headline_line",
    "original_link",
    "other_language",
    "published_line",
    "shorten",
    "topic_label",
    "topic_list",
]

MAX_TITLE = 300  # on a card and atop the reader: a feed's runaway title must not fill a message
MAX_HEADLINE_TITLE = 150  # in lists, so 20 headlines still fit one message
MAX_SOURCE = 60


def shorten(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def other_language(lang: str) -> str:
    """The other of the two languages."""
    return "en" if lang == "ur" else "ur"


def topic_label(topic: str, lang: str) -> str:
    """A topic's name in the chat's language."""
    if topic not in TOPICS:
        return topic
    return urdu_name(topic) if lang == "ur" else topic.capitalize()


def topic_list(lang: str) -> str:
    """Every topic, named in the chat's language with the other name beside it."""
    separator = "، " if lang == "ur" else ", "
    return separator.join(
        f"{topic_label(x, lang)} ({x})" if lang == "ur" else f"{x} ({urdu_name(x)})" for x in TOPICS
    )


def headline_line(article: Article, lang: str, now: datetime, *, sources: int = 1) -> Html:
    """One headline: its id (what /read takes), title, source, age and how many more sources
    report its story (``sources`` counts them all); marked when in the other language."""
    mark = (
        Html(" " + t(lang, "latest.other_language_mark")) if article.language != lang else Html("")
    )
    source = shorten(article.source or "", MAX_SOURCE)
    meta = [escape(source)] if source else []
    meta.append(escape(_age(article, now, lang)))
    if sources > 1:
        meta.append(tn(lang, "latest.more_sources", sources - 1))
    return concat(
        bold(f"{article.id}"),
        " · ",
        escape(shorten(article.title, MAX_HEADLINE_TITLE)),
        mark,
        Html("\n    "),
        italic(join(" · ", meta)),
    )


def _age(article: Article, now: datetime, lang: str) -> str:
    """How long ago it was published, or "date unknown" (its stored time is only its fetch)."""
    if not article.date_known:
        return t_plain(lang, "date.unknown")
    return format_age(article.published_at, now, lang)


def published_line(article: Article, lang: str, tz: str) -> Html:
    """When the article was published, in the chat's language and timezone."""
    if not article.date_known:
        return t(lang, "read.published", when=t(lang, "date.unknown"))
    return t(lang, "read.published", when=format_datetime_local(article.published_at, lang, tz))


def original_link(article: Article, lang: str) -> Html:
    """A link to the article on its publisher's site."""
    return link(article.url or article.canonical_url, t(lang, "read.original_link"))
