"""End to end: /settings shows every setting of a chat and changes each with buttons."""

from __future__ import annotations

import pytest

from bot.render.callback import MAX_CALLBACK_BYTES
from storage.chats import get_chat, list_mutes
from storage.subscriptions import list_subscriptions
from tests.bot_harness import (
    GROUP,
    GROUP_ADMIN,
    GROUP_MEMBER,
    PRIVATE,
    BotHarness,
    Exchange,
    plain,
)

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
OTHER_CHAT = PRIVATE + 2


def _message_id(exchange: Exchange) -> int:
    return int(exchange.messages[-1]["message_id"])


def _buttons(bot: BotHarness, chat_id: int, message_id: int) -> dict[str, str]:
    """The buttons of the bot's message as the chat shows it now: label to callback data."""
    markup = bot.message(chat_id, message_id).get("reply_markup") or {}
    rows = markup.get("inline_keyboard", [])
    return {plain(b["text"]): b["callback_data"] for row in rows for b in row}


async def _page(bot: BotHarness, chat_id: int, **kwargs: object) -> tuple[str, int]:
    """The text of the chat's settings message now, and its id."""
    shown = await bot.send(chat_id, "/settings", **kwargs)
    return shown.text, _message_id(shown)


async def test_settings_show_every_setting(bot: BotHarness) -> None:
    await bot.send(PRIVATE, "/subscribe sports")
    await bot.send(PRIVATE, '/subscribe "imran khan"')
    await bot.send(PRIVATE, "/mute cricket")
    await bot.send(PRIVATE, "/quiet 23:00-07:00")

    shown = await bot.send(PRIVATE, "/settings")

    assert shown.text.splitlines() == [
        "Settings",
        "",
        "Language: English",
        "News languages: English and Urdu",
        "Timezone: Asia/Karachi",
        "Digest: off — stories come instantly",
        "Quiet hours: 23:00 to 07:00",
        "Pictures: On",
        "Muted words: cricket",
        "Subscriptions: Sports, “imran khan”",
        "",
        "Tap a setting to change it.",
    ]
    assert [label for label, _ in shown.buttons] == [
        "Language",
        "News languages",
        "Timezone",
        "Digest",
        "Quiet hours",
        "Pictures",
        "Muted words",
        "Subscriptions",
    ]


async def test_each_setting_changes_with_its_buttons(bot: BotHarness) -> None:
    await bot.send(PRIVATE, "/subscribe sports")
    await bot.send(PRIVATE, "/mute cricket")
    _, message_id = await _page(bot, PRIVATE)
    pressed: list[Exchange] = []

    async def tap(data: str) -> Exchange:
        exchange = await bot.press(PRIVATE, data, message_id)
        pressed.append(exchange)
        return exchange

    await tap(f"set:{PRIVATE}:tz")
    await tap(f"setv:{PRIVATE}:tz:europe-london")
    await tap(f"setv:{PRIVATE}:digest:0800")
    await tap(f"setv:{PRIVATE}:quiet:2200-0600")
    await tap(f"setv:{PRIVATE}:pics:off")
    await tap(f"setv:{PRIVATE}:news:ur")
    await tap(f"set:{PRIVATE}:mutes")
    await tap(_buttons(bot, PRIVATE, message_id)["✕ cricket"])
    await tap(f"set:{PRIVATE}:subs")
    subs = _buttons(bot, PRIVATE, message_id)
    await tap(subs["+ World"])
    await tap(f"set:{PRIVATE}:main")

    async with bot.store.read() as session:
        chat = await get_chat(session, PRIVATE)
        subscriptions = await list_subscriptions(session, PRIVATE)
        mutes_left = await list_mutes(session, PRIVATE)
    assert chat is not None
    assert (chat.timezone, chat.quiet_start, chat.quiet_end) == ("Europe/London", 1320, 360)
    assert (chat.pictures, chat.news_languages) == (False, "ur")
    assert [(s.value, s.mode, s.digest_time) for s in subscriptions] == [
        ("sports", "digest", 480),
        ("world", "instant", None),
    ]
    assert mutes_left == []
    assert "✕ Sports" in subs
    page = bot.message(PRIVATE, message_id)["text"]
    assert "Timezone: Europe/London" in page
    assert "Quiet hours: 22:00 to 06:00" in page
    # One message throughout: every press edited it, none sent a new one.
    assert all(e.messages == [] for e in pressed)
    data = [
        button["callback_data"]
        for exchange in pressed
        for edit in exchange.params("editMessageText")
        for row in edit["reply_markup"]["inline_keyboard"]
        for button in row
    ]
    assert data and max(len(d.encode()) for d in data) <= MAX_CALLBACK_BYTES


async def test_the_current_choice_is_ticked(bot: BotHarness) -> None:
    _, message_id = await _page(bot, PRIVATE)

    tz = await bot.press(PRIVATE, f"set:{PRIVATE}:tz", message_id)
    page = bot.message(PRIVATE, message_id)

    labels = list(_buttons(bot, PRIVATE, message_id))
    assert tz.methods == ["answerCallbackQuery", "editMessageText"]
    assert "✓ Asia/Karachi" in labels and "Europe/London" in labels
    assert labels[-1] == "« Back"
    assert page["text"].splitlines() == [
        "Timezone",
        "Asia/Karachi",
        "",
        "Another timezone: /timezone Area/City",
    ]


async def test_language_button_answers_in_the_new_language(bot: BotHarness) -> None:
    _, message_id = await _page(bot, PRIVATE)

    await bot.press(PRIVATE, f"setv:{PRIVATE}:lang:ur", message_id)
    urdu = await bot.send(PRIVATE, "/settings")

    assert plain(bot.message(PRIVATE, message_id)["text"]).splitlines()[:2] == ["زبان", "اردو"]
    assert urdu.text.splitlines()[:3] == ["سیٹنگز", "", "زبان: اردو"]


async def test_settings_in_urdu(bot: BotHarness) -> None:
    await bot.send(URDU_CHAT, "/subscribe کھیل", language_code="ur")

    shown = await bot.send(URDU_CHAT, "/settings", language_code="ur")

    assert shown.text.splitlines() == [
        "سیٹنگز",
        "",
        "زبان: اردو",
        "خبروں کی زبانیں: اردو اور انگریزی",
        "ٹائم زون: Asia/Karachi",
        "روزانہ خلاصہ: بند — خبریں فوراً آتی ہیں",
        "خاموشی کے اوقات: بند",
        "تصویریں: چالو",
        "میوٹ کیے گئے الفاظ: کوئی نہیں",
        "سبسکرپشنز: کھیل",
        "",
        "بدلنے کے لیے کسی سیٹنگ کو دبائیں۔",
    ]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(f"setv:{PRIVATE}:tz:mars-olympus", id="timezone-not-offered"),
        pytest.param(f"setv:{PRIVATE}:digest:0801", id="digest-time-not-offered"),
        pytest.param(f"setv:{PRIVATE}:quiet:2300-0800", id="quiet-window-not-offered"),
        pytest.param(f"setv:{PRIVATE}:lang:fr", id="language-unknown"),
        pytest.param(f"setv:{PRIVATE}:pics:maybe", id="pictures-neither-on-nor-off"),
        pytest.param(f"setv:{PRIVATE}:news:fr", id="news-language-unknown"),
        pytest.param(f"setv:{PRIVATE}:mutes:r999", id="mute-of-no-one"),
        pytest.param(f"setv:{PRIVATE}:subs:r999", id="subscription-of-no-one"),
        pytest.param(f"setv:{PRIVATE}:subs:t-astrology", id="topic-unknown"),
        pytest.param(f"set:{PRIVATE}:nosuch", id="section-unknown"),
        pytest.param(f"setv:{PRIVATE}:nosuch:1", id="value-of-unknown-section"),
        pytest.param(f"set:{OTHER_CHAT + 999}:main", id="chat-never-seen"),
    ],
)  # fmt: skip
async def test_forged_settings_buttons_change_nothing(bot: BotHarness, data: str) -> None:
    before, message_id = await _page(bot, PRIVATE)

    pressed = await bot.press(PRIVATE, data, message_id)
    after = await bot.send(PRIVATE, "/settings")

    assert pressed.methods == ["answerCallbackQuery"]
    assert pressed.params("answerCallbackQuery")[0]["show_alert"] is True
    assert after.text == before


async def test_another_private_chat_cannot_be_changed(bot: BotHarness) -> None:
    await bot.send(OTHER_CHAT, "/start")
    _, message_id = await _page(bot, PRIVATE)

    pressed = await bot.press(PRIVATE, f"setv:{OTHER_CHAT}:tz:utc", message_id)

    async with bot.store.read() as session:
        other = await get_chat(session, OTHER_CHAT)
    assert other is not None and other.timezone == "Asia/Karachi"
    assert pressed.params("answerCallbackQuery")[0]["text"] == (
        "Only this chat's admins can change its settings."
    )


async def test_in_a_group_anyone_sees_and_only_admins_change(bot: BotHarness) -> None:
    bot.fake.set_admins(GROUP, [GROUP_ADMIN])
    _, message_id = await _page(bot, GROUP, user_id=GROUP_MEMBER)

    member = await bot.press(GROUP, f"setv:{GROUP}:tz:utc", message_id, user_id=GROUP_MEMBER)
    admin = await bot.press(GROUP, f"setv:{GROUP}:tz:utc", message_id, user_id=GROUP_ADMIN)

    assert member.methods == ["getChatMember", "answerCallbackQuery"]
    assert admin.methods == ["getChatMember", "answerCallbackQuery", "editMessageText"]
    async with bot.store.read() as session:
        group = await get_chat(session, GROUP)
    assert group is not None and group.timezone == "UTC"
