"""How pushed stories look: one story with its lead, or one digest-style message for a backlog."""

from __future__ import annotations

from collections.abc import Sequence

from bot.headlines import topic_label
from bot.i18n import t, tn
from bot.render import Html, bold, escape, italic
from bot.render_callback import encode_callback
from bot.render_split import truncate_caption
from bot.replies import Keyboard
from storage.deliveries import DeliveryView

__all__ = ["BACKLOG_SHOWN", "render_backlog", "render_story"]

BACKLOG_SHOWN = 15
_LEAD_CHARS = 600


def render_story(view: DeliveryView, *, breaking: bool) -> tuple[Html, Keyboard]:
    """A single pushed story: title, source and topic, the lead, and a button to read it."""
    lang = view.chat_language
    lines: list[str] = []
    if breaking:
        lines.append(t(lang, "push.breaking"))
    lines.append(bold(view.title))
    meta = " · ".join(x for x in (view.source, topic_label(view.topic, lang)) if x)
    lines.append(italic(meta))
    if view.lead:
        lines += ["", truncate_caption(escape(view.lead), _LEAD_CHARS)]
    if view.story_sources > 1:
        lines.append(tn(lang, "read.also_reported", view.story_sources - 1))
    buttons: Keyboard = []
    if view.article_id is not None:
        lines += ["", f"/read {view.article_id}"]
        buttons = [[(t(lang, "read.full_text_button"), encode_callback("open", view.article_id))]]
    return Html("\n".join(lines)), buttons


def render_backlog(views: Sequence[DeliveryView]) -> tuple[Html, Keyboard]:
    """Many stories for one chat at once: one message listing them, newest last."""
    lang = views[0].chat_language
    topics = list(dict.fromkeys(topic_label(v.topic, lang) for v in views))
    header = tn(
        lang,
        "push.backlog_header",
        len(views),
        topic="، ".join(topics) if lang == "ur" else ", ".join(topics),
    )
    lines = [header, ""]
    shown = views[-BACKLOG_SHOWN:]
    for v in shown:
        lines.append(f"{bold(str(v.article_id))} · {escape(v.title)}")
    buttons: Keyboard = [
        [
            (str(v.article_id), encode_callback("open", v.article_id))
            for v in shown[i : i + 5]
            if v.article_id
        ]
        for i in range(0, len(shown), 5)
    ]
    return Html("\n".join(lines)), buttons
