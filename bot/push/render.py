"""How pushed stories look: one story with its lead, or one digest-style message for a backlog."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import t, tn
from bot.push.localize import PushText
from bot.render.bidi import direction_for
from bot.render.callback import encode_callback
from bot.render.cards import Card, CardStory, card_photo, render_card
from bot.render.headlines import topic_label
from bot.render.html import Html, bold, escape, italic
from bot.render.replies import Keyboard
from bot.render.split import split_message, truncate_caption, utf16_len
from storage.deliveryviews import DeliveryView

__all__ = ["BACKLOG_SHOWN", "push_card", "render_backlog", "render_push", "render_story"]

BACKLOG_SHOWN = 15
_LEAD_CHARS = 600
_TITLE_CHARS = 200
# Room under Telegram's 4096 for the RLM marks an Urdu message gets when it is sent.
_MAX_UNITS = 3800
_SHORT = 2000  # characters: at most 4000 UTF-16 units, no need to measure or split


def render_story(
    view: DeliveryView, *, breaking: bool, local: PushText | None = None
) -> tuple[Html, Keyboard]:
    """A single pushed story: title, source and topic, the lead, and a button to read it;
    across languages the headline and summary in the chat's language when ``local`` has them."""
    lang = view.chat_language
    lines: list[str] = []
    if breaking:
        lines.append(t(lang, "push.breaking"))
    lines.append(bold(local.headline if local else view.title))
    # A story with no report in the chat's language yet comes in the other, labelled so
    # (unless the summary service gave its headline and summary in the chat's language).
    translated = local is not None and local.translated
    other = t(lang, "push.other_language_label") if view.language != lang and not translated else ""
    meta = " · ".join(x for x in (other, view.source, topic_label(view.topic, lang)) if x)
    lines.append(italic(meta))
    lead = local.summary if local else view.lead
    if lead:
        lines += ["", truncate_caption(escape(lead), _LEAD_CHARS)]
    if view.story_sources > 1:
        lines.append(tn(lang, "read.also_reported", view.story_sources - 1))
    buttons: Keyboard = []
    if view.article_id is not None:
        lines += ["", f"/read {view.article_id}"]
        buttons = [[(t(lang, "read.full_text_button"), encode_callback("open", view.article_id))]]
    return Html("\n".join(lines)), buttons


def _ranked(views: Sequence[DeliveryView]) -> list[DeliveryView]:
    """The top stories first: reported by the most sources, then the newest."""
    return sorted(views, key=lambda v: (-v.story_sources, -v.published_at.timestamp(), v.story_id))


def _line(view: DeliveryView) -> str:
    title = view.title if len(view.title) <= _TITLE_CHARS else view.title[:_TITLE_CHARS] + "…"
    return f"{bold(str(view.article_id))} · {escape(title)}"


def render_backlog(views: Sequence[DeliveryView]) -> tuple[Html, Keyboard]:
    """Many stories for one chat at once (a digest, or the backlog after quiet hours): one
    message with the top stories of each topic, and a button per story to read it."""
    lang = views[0].chat_language
    shown = _ranked(views)[:BACKLOG_SHOWN]
    by_topic: dict[str, list[DeliveryView]] = {}
    for v in shown:
        by_topic.setdefault(v.topic, []).append(v)
    labels = [topic_label(x, lang) for x in dict.fromkeys(v.topic for v in _ranked(views))]
    header = tn(
        lang, "push.backlog_header", len(views), topic=("، " if lang == "ur" else ", ").join(labels)
    )
    lines: list[str] = [header]
    for topic, items in by_topic.items():
        lines.append("")
        if len(by_topic) > 1:
            lines.append(bold(topic_label(topic, lang)))
        lines += [_line(v) for v in items]
    while len(lines) > 2 and utf16_len("\n".join(lines)) > _MAX_UNITS:
        lines.pop()
    listed = [v for v in shown if _line(v) in lines]
    buttons: Keyboard = [
        [
            (str(v.article_id), encode_callback("open", v.article_id))
            for v in listed[i : i + 5]
            if v.article_id
        ]
        for i in range(0, len(listed), 5)
    ]
    return Html("\n".join(lines)), buttons


def render_push(
    views: Sequence[DeliveryView], *, breaking: bool, local: PushText | None = None
) -> tuple[str, Keyboard]:
    """The one message for a chat's due stories: the story (``local``: in the chat's language),
    or a digest-style list; at most
    4096 UTF-16 units, and Urdu lines marked right-to-left as replies are (bot.render.replies)."""
    if len(views) == 1:
        text, buttons = render_story(views[0], breaking=breaking, local=local)
    else:
        text, buttons = render_backlog(views)
    lang = views[0].chat_language
    if direction_for(lang) == "rtl" or len(text) > _SHORT:
        return (split_message(text, lang=lang) or [text])[0], buttons
    return text, buttons


def push_card(
    views: Sequence[DeliveryView], *, breaking: bool, local: PushText | None = None
) -> Card | None:
    """The card for a single story whose article has a picture: with the picture when Telegram
    may fetch it (an http(s) address, not refused before) and the chat wants pictures, else as
    text; None for other stories (a backlog digest stays one text message)."""
    if len(views) != 1:
        return None
    v = views[0]
    if v.article_id is None or v.image_url is None:
        return None
    photo = None if v.image_refused or not v.chat_pictures else card_photo(v.image_url)
    # Across languages the card carries the headline and summary in the chat's language.
    title, summary = (
        (local.headline, local.summary) if local and local.translated else (v.title, v.lead)
    )
    story = CardStory(
        v.article_id, title, v.source, v.published_at, v.date_known, summary, v.url, photo
    )
    return render_card(story, v.chat_language, v.chat_timezone, breaking=breaking)
