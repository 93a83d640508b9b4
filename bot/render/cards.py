"""Picture cards: a story as a photo with a caption (bold title, source · local time, a short
summary cut at a sentence) and Read, Original and Share buttons; the same card goes as text
when Telegram refuses the picture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from bot.i18n import t
from bot.render.bidi import direction_for, rtl_paragraph
from bot.render.callback import encode_callback
from bot.render.html import Html, bold, escape, is_safe_url, italic, to_plain_text
from bot.render.replies import Keyboard
from bot.render.split import MAX_CAPTION_LENGTH, utf16_len
from bot.render.timefmt import format_datetime_local
from news.summaries.budget import Budget, trim_to_budget
from news.summaries.sentences import split_sentences
from storage import Article

__all__ = [
    "MAX_IMAGE_URL",
    "SUMMARY_WORDS",
    "Card",
    "CardStory",
    "card_photo",
    "card_story",
    "render_card",
]

SUMMARY_WORDS = 60
# Telegram fetches the picture itself; an address longer than this is no picture we offer.
MAX_IMAGE_URL = 1024
_TITLE_CHARS = 200
_SHARE = "https://t.me/share/url"


@dataclass(frozen=True)
class CardStory:
    """What a card shows of one story."""

    article_id: int
    title: str
    source: str
    published_at: datetime
    date_known: bool
    summary: str
    url: str
    image_url: str | None


@dataclass(frozen=True)
class Card:
    """A rendered card: the caption (Telegram HTML), its buttons, and the picture to send it
    with (None: send it as text)."""

    caption: Html
    buttons: Keyboard
    photo: str | None


def card_photo(image_url: str | None) -> str | None:
    """The picture's address when Telegram may be asked to fetch it: http(s), of sane length."""
    if image_url is None or len(image_url) > MAX_IMAGE_URL or not is_safe_url(image_url):
        return None
    return image_url


def card_story(article: Article, *, pictures: bool = True) -> CardStory:
    """What a card shows of a stored article: its lead (else the start of its text) as the
    summary, and its picture unless Telegram refused it before or ``pictures`` is off."""
    photo = None if article.image_refused or not pictures else card_photo(article.image_url)
    return CardStory(
        article.id,
        article.title,
        article.source,
        article.published_at,
        article.date_known,
        article.lead or article.text[:600],
        article.url or article.canonical_url,
        photo,
    )


def _caption(lines: list[str], lang: str) -> Html:
    text = "\n".join(lines)
    return Html(rtl_paragraph(text) if direction_for(lang) == "rtl" else text)


def _fits(caption: Html) -> bool:
    """Telegram counts a caption's length after entity parsing: the text without the tags."""
    return utf16_len(to_plain_text(caption).strip()) <= MAX_CAPTION_LENGTH


def _buttons(story: CardStory, lang: str) -> Keyboard:
    row = [(t(lang, "card.read_button"), encode_callback("open", story.article_id))]
    if is_safe_url(story.url):
        row.append((t(lang, "card.original_button"), story.url))
        share = f"{_SHARE}?url={quote(story.url, safe='')}&text={quote(story.title[:200])}"
        row.append((t(lang, "card.share_button"), share))
    return [row]


def render_card(story: CardStory, lang: str, tz: str, *, breaking: bool = False) -> Card:
    """The story's card in ``lang``, its time in ``tz``; the caption within Telegram's 1,024."""
    title = story.title if len(story.title) <= _TITLE_CHARS else story.title[:_TITLE_CHARS] + "…"
    when = (
        format_datetime_local(story.published_at, lang, tz)
        if story.date_known
        else t(lang, "date.unknown")
    )
    head = [t(lang, "push.breaking")] if breaking else []
    head += [bold(title), italic(" · ".join(x for x in (story.source, when) if x))]
    sentences = split_sentences(trim_to_budget(story.summary, Budget(max_words=SUMMARY_WORDS)))
    while True:
        body = ["", escape(" ".join(sentences))] if sentences else []
        caption = _caption(head + body, lang)
        if _fits(caption) or not sentences:
            break
        sentences.pop()  # one sentence fewer until the caption fits
    return Card(caption, _buttons(story, lang), card_photo(story.image_url))
