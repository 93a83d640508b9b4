"""The sections of /settings: what each shows, the choices its buttons offer and how one applies.

Every chat setting is one `Section` in `SECTIONS`; the /settings handler (bot/handlers/settings.py)
renders and routes them without knowing any of them. To add a setting, write its three
functions here and add a `Section` (with its `settings.<key>` message in both catalogs): a
button's value is checked by the section's `apply`, which answers False for anything its own
`choices` could not have offered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.newslang import NEWS_CHOICES
from bot.handlers.subscriptions import MAX_SUBSCRIPTIONS
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, t, t_plain
from bot.render.headlines import shorten, topic_label
from bot.render.html import Html, escape
from bot.render.phrases import subscription_label
from bot.render.timefmt import format_clock
from news.extract.topics import TOPICS
from storage import Chat, ChatMute, Subscription
from storage.chats import (
    remove_mute_id,
    set_chat_language,
    set_chat_pictures,
    set_chat_timezone,
    set_news_languages,
    set_quiet_hours,
)
from storage.subscriptions import set_digest_time, subscribe, unsubscribe

__all__ = ["DIGEST_TIMES", "QUIET_WINDOWS", "SECTIONS", "TIMEZONES", "Choice", "Section", "View"]

# The offers of the buttons; anything else is one command away (/timezone Area/City, /digest HH:MM).
TIMEZONES = (
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Asia/Riyadh",
    "Europe/London",
    "America/New_York",
    "America/Toronto",
    "UTC",
)
DIGEST_TIMES = ((7, 0), (8, 0), (12, 0), (18, 0), (21, 0))
QUIET_WINDOWS = (((22, 0), (6, 0)), ((23, 0), (7, 0)), ((0, 0), (8, 0)))
_MAX_LISTED = 12  # names in a section's one-line summary before "…"


@dataclass(frozen=True)
class View:
    """One chat's settings as stored now, and the language the page is written in."""

    chat: Chat
    subscriptions: list[Subscription]  # of every forum topic: the digest is the whole chat's
    mutes: list[ChatMute]
    lang: str  # the reader's language (a channel's page is read in its admin's private chat)
    thread_id: int | None = None  # the forum topic the page is in: its subscriptions are shown

    @property
    def here(self) -> list[Subscription]:
        """The subscriptions of the page's forum topic (of the chat itself, outside a forum)."""
        return [s for s in self.subscriptions if s.thread_id == self.thread_id]


@dataclass(frozen=True)
class Choice:
    """One button of a section: its label, its value in the callback data, whether it is current."""

    label: str
    value: str
    current: bool = False


@dataclass(frozen=True)
class Section:
    """One setting: its callback key, a one-line summary, its choices, and applying one."""

    key: str
    summary: Callable[[View], Html]
    choices: Callable[[View], list[Choice]]
    apply: Callable[[AsyncSession, View, str], Awaitable[bool]]  # False: not a valid value
    columns: int = 3  # buttons per row
    hint: str | None = None  # message key: what the buttons cannot do, and the command that does

    @property
    def name_key(self) -> str:
        """The message key of the section's name."""
        return f"settings.{self.key}"


def _clock(hour: int, minute: int) -> str:
    return f"{hour:02d}{minute:02d}"


def _shown(minutes: int, lang: str) -> str:
    return format_clock(time(*divmod(minutes, 60)), lang)


def _zone_value(zone: str) -> str:
    return zone.lower().replace("/", "-")


# -- interface language ----------------------------------------------------------------------


def _lang_summary(view: View) -> Html:
    return escape(LANGUAGE_NAMES.get(view.chat.language, view.chat.language))


def _lang_choices(view: View) -> list[Choice]:
    return [
        Choice(LANGUAGE_NAMES[code], code, code == view.chat.language)
        for code in SUPPORTED_LANGUAGES
    ]


async def _lang_apply(session: AsyncSession, view: View, value: str) -> bool:
    if value not in SUPPORTED_LANGUAGES:
        return False
    await set_chat_language(session, view.chat.id, value)
    return True


# -- news languages --------------------------------------------------------------------------


def _news_summary(view: View) -> Html:
    return t(view.lang, f"news.name_{view.chat.news_languages}")


def _news_choices(view: View) -> list[Choice]:
    current = view.chat.news_languages
    return [
        Choice(t_plain(view.lang, f"news.name_{code}"), code, code == current)
        for code in NEWS_CHOICES
    ]


async def _news_apply(session: AsyncSession, view: View, value: str) -> bool:
    if value not in NEWS_CHOICES:
        return False
    await set_news_languages(session, view.chat.id, value)
    return True


# -- timezone --------------------------------------------------------------------------------


def _tz_summary(view: View) -> Html:
    return escape(view.chat.timezone)


def _tz_choices(view: View) -> list[Choice]:
    return [Choice(zone, _zone_value(zone), zone == view.chat.timezone) for zone in TIMEZONES]


async def _tz_apply(session: AsyncSession, view: View, value: str) -> bool:
    zone = next((z for z in TIMEZONES if _zone_value(z) == value), None)
    if zone is None:
        return False
    await set_chat_timezone(session, view.chat.id, zone)
    return True


# -- digest ----------------------------------------------------------------------------------


def _digest_minutes(view: View) -> int | None:
    """The one digest time every subscription shares, or None (instant, mixed or none)."""
    times = {s.digest_time if s.mode == "digest" else None for s in view.subscriptions}
    only = times.pop() if len(times) == 1 else None
    return only


def _digest_summary(view: View) -> Html:
    lang = view.lang
    if not view.subscriptions:
        return t(lang, "settings.digest_no_subscriptions")
    minutes = _digest_minutes(view)
    if minutes is not None:
        return t(lang, "settings.digest_at", time=_shown(minutes, lang))
    if all(s.mode != "digest" for s in view.subscriptions):
        return t(lang, "settings.digest_off")
    return t(lang, "settings.digest_mixed")


def _digest_choices(view: View) -> list[Choice]:
    current = _digest_minutes(view)
    instant = all(s.mode != "digest" for s in view.subscriptions)
    off = Choice(t_plain(view.lang, "settings.off"), "off", instant and bool(view.subscriptions))
    return [off] + [
        Choice(_shown(h * 60 + m, view.lang), _clock(h, m), current == h * 60 + m)
        for h, m in DIGEST_TIMES
    ]


async def _digest_apply(session: AsyncSession, view: View, value: str) -> bool:
    if value == "off":
        await set_digest_time(session, view.chat.id, None)
        return True
    offered = {_clock(h, m): h * 60 + m for h, m in DIGEST_TIMES}
    if value not in offered:
        return False
    await set_digest_time(session, view.chat.id, offered[value])
    return True


# -- quiet hours -----------------------------------------------------------------------------


def _quiet_summary(view: View) -> Html:
    chat, lang = view.chat, view.lang
    if chat.quiet_start is None or chat.quiet_end is None:
        return t(lang, "settings.off")
    start, end = _shown(chat.quiet_start, lang), _shown(chat.quiet_end, lang)
    return t(lang, "settings.quiet_window", start=start, end=end)


def _window_value(window: tuple[tuple[int, int], tuple[int, int]]) -> str:
    return f"{_clock(*window[0])}-{_clock(*window[1])}"


def _quiet_choices(view: View) -> list[Choice]:
    chat, lang = view.chat, view.lang
    now = (chat.quiet_start, chat.quiet_end)
    choices = [Choice(t_plain(lang, "settings.off"), "off", now == (None, None))]
    for (sh, sm), (eh, em) in QUIET_WINDOWS:
        label = f"{_shown(sh * 60 + sm, lang)}–{_shown(eh * 60 + em, lang)}"
        value = _window_value(((sh, sm), (eh, em)))
        choices.append(Choice(label, value, now == (sh * 60 + sm, eh * 60 + em)))
    return choices


async def _quiet_apply(session: AsyncSession, view: View, value: str) -> bool:
    if value == "off":
        await set_quiet_hours(session, view.chat.id, None, None)
        return True
    for (sh, sm), (eh, em) in QUIET_WINDOWS:
        if value == _window_value(((sh, sm), (eh, em))):
            await set_quiet_hours(session, view.chat.id, sh * 60 + sm, eh * 60 + em)
            return True
    return False


# -- pictures --------------------------------------------------------------------------------


def _pics_summary(view: View) -> Html:
    return t(view.lang, "settings.on" if view.chat.pictures else "settings.off")


def _pics_choices(view: View) -> list[Choice]:
    on = view.chat.pictures
    return [
        Choice(t_plain(view.lang, "settings.on"), "on", on),
        Choice(t_plain(view.lang, "settings.off"), "off", not on),
    ]


async def _pics_apply(session: AsyncSession, view: View, value: str) -> bool:
    if value not in ("on", "off"):
        return False
    await set_chat_pictures(session, view.chat.id, value == "on")
    return True


# -- muted words -----------------------------------------------------------------------------


def _names(names: list[str], lang: str) -> Html:
    separator = "، " if lang == "ur" else ", "
    shown = separator.join(names[:_MAX_LISTED]) + ("…" if len(names) > _MAX_LISTED else "")
    return escape(shown)


def _mutes_summary(view: View) -> Html:
    if not view.mutes:
        return t(view.lang, "settings.none")
    return _names([m.word for m in view.mutes], view.lang)


def _mutes_choices(view: View) -> list[Choice]:
    return [Choice(f"✕ {shorten(m.word, 30)}", f"r{m.id}") for m in view.mutes]


def _id_of(value: str) -> int | None:
    digits = value[1:]
    return int(digits) if value.startswith("r") and digits.isdigit() and len(digits) < 19 else None


async def _mutes_apply(session: AsyncSession, view: View, value: str) -> bool:
    mute_id = _id_of(value)
    if mute_id is None or mute_id not in {m.id for m in view.mutes}:
        return False
    await remove_mute_id(session, view.chat.id, mute_id)
    return True


# -- subscriptions ---------------------------------------------------------------------------


def _sub_name(sub: Subscription, lang: str) -> str:
    return subscription_label(sub.kind, sub.value, sub.display, lang)


def _subs_summary(view: View) -> Html:
    if not view.here:
        return t(view.lang, "settings.none")
    return _names([_sub_name(s, view.lang) for s in view.here], view.lang)


def _subs_choices(view: View) -> list[Choice]:
    lang = view.lang
    followed = {s.value for s in view.here if s.kind == "topic"}
    remove = [Choice(f"✕ {shorten(_sub_name(s, lang), 30)}", f"r{s.id}") for s in view.here]
    add = [Choice(f"+ {topic_label(x, lang)}", f"t-{x}") for x in TOPICS if x not in followed]
    return remove + (add if len(view.subscriptions) < MAX_SUBSCRIPTIONS else [])


async def _subs_apply(session: AsyncSession, view: View, value: str) -> bool:
    thread = view.thread_id
    if value.startswith("t-"):
        topic = value[2:]
        if topic not in TOPICS or len(view.subscriptions) >= MAX_SUBSCRIPTIONS:
            return False
        await subscribe(
            session, view.chat.id, kind="topic", value=topic, display=topic, thread_id=thread
        )
        return True
    sub_id = _id_of(value)
    sub = next((s for s in view.here if s.id == sub_id), None)
    if sub is None:
        return False
    await unsubscribe(session, view.chat.id, kind=sub.kind, value=sub.value, thread_id=thread)
    return True


# In the order the page shows them.
SECTIONS: tuple[Section, ...] = (
    Section("lang", _lang_summary, _lang_choices, _lang_apply, columns=2),
    Section("news", _news_summary, _news_choices, _news_apply),
    Section("tz", _tz_summary, _tz_choices, _tz_apply, columns=2, hint="settings.tz_hint"),
    Section("digest", _digest_summary, _digest_choices, _digest_apply, hint="settings.digest_hint"),
    Section("quiet", _quiet_summary, _quiet_choices, _quiet_apply, columns=2),
    Section(
        "pics", _pics_summary, _pics_choices, _pics_apply, columns=2, hint="settings.pics_hint"
    ),
    Section("mutes", _mutes_summary, _mutes_choices, _mutes_apply, hint="settings.mutes_hint"),
    Section("subs", _subs_summary, _subs_choices, _subs_apply, hint="settings.subs_hint"),
)
