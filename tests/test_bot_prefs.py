"""End to end: /timezone, /digest, /quiet, /mute and /unmute, their usage answers and group rules."""

from __future__ import annotations

import pytest

from tests.bot_harness import GROUP, GROUP_ADMIN, GROUP_MEMBER, PRIVATE, BotHarness

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1


async def test_preferences_in_english(bot: BotHarness) -> None:
    answers = [
        (await bot.send(PRIVATE, command)).text
        for command in (
            "/timezone europe/london",
            "/subscribe sports",
            "/subscribe world digest 06:00",
            "/digest 07:30",
            "/digest off",
            "/quiet 23:00-07:00",
            "/quiet off",
            "/mute cricket",
            "/unmute cricket",
            "/unmute cricket",
        )
    ]

    assert answers == [
        "Got it — times will be shown for Europe/London.",
        "You now follow Sports. New stories will arrive right here.",
        "You now follow World. New stories will arrive right here.\nDelivery: one digest a day at 06:00.",
        "All 2 of your subscriptions now come in one digest a day at 07:30, "
        "instead of instant alerts or their own digest times.",
        "All 2 of your subscriptions now come instantly again, as stories come in.",
        "Quiet hours set: no alerts from 23:00 to 07:00.",
        "Quiet hours are off.",
        "Stories containing “cricket” will be hidden.",
        "Stories containing “cricket” will be shown again.",
        "“cricket” isn't muted.",
    ]


async def test_preferences_in_urdu_with_urdu_digits(bot: BotHarness) -> None:
    await bot.send(URDU_CHAT, "/subscribe کھیل", language_code="ur")
    digest = await bot.send(URDU_CHAT, "/digest ۰۸:۰۰", language_code="ur")
    off = await bot.send(URDU_CHAT, "/digest بند", language_code="ur")
    quiet = await bot.send(URDU_CHAT, "/quiet ۲۳:۰۰ سے ۰۷:۰۰ تک", language_code="ur")
    mute = await bot.send(URDU_CHAT, "/mute کرکٹ", language_code="ur")

    assert digest.text == (
        "اب آپ کی سبسکرپشن کی خبریں فوری اطلاعات کے بجائے روزانہ 08:00 بجے ایک خلاصے میں آئیں گی۔"
    )
    assert off.text == "اب آپ کی سبسکرپشن کی خبریں دوبارہ فوراً آئیں گی۔"
    assert quiet.text == "خاموشی کے اوقات مقرر ہو گئے: 23:00 سے 07:00 تک کوئی اطلاع نہیں آئے گی۔"
    assert mute.text == "’کرکٹ‘ والی خبریں اب نہیں دکھائی جائیں گی۔"


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        pytest.param("/timezone", "Usage: /timezone <Area/City>, e.g. /timezone Asia/Karachi or /timezone Europe/London", id="timezone-nothing"),
        pytest.param("/timezone Asia Karachi", "Usage: /timezone <Area/City>, e.g. /timezone Asia/Karachi or /timezone Europe/London", id="timezone-two-words"),
        pytest.param("/timezone Mars/Olympus", "I don't know the timezone “Mars/Olympus”. Use a name like Asia/Karachi.", id="timezone-unknown"),
        pytest.param("/timezone " + "x" * 500, "I don't know the timezone “" + "x" * 64 + "”. Use a name like Asia/Karachi.", id="timezone-500"),
        pytest.param("/digest", "Usage: /digest HH:MM (24-hour clock, your timezone), e.g. /digest 08:00", id="digest-nothing"),
        pytest.param("/digest 25:00", "Usage: /digest HH:MM (24-hour clock, your timezone), e.g. /digest 08:00", id="digest-25h"),
        pytest.param("/quiet", "Usage: /quiet HH:MM-HH:MM, e.g. /quiet 23:00-07:00, or /quiet off", id="quiet-nothing"),
        pytest.param("/quiet 07:00-07:00", "Usage: /quiet HH:MM-HH:MM, e.g. /quiet 23:00-07:00, or /quiet off", id="quiet-empty-range"),
        pytest.param("/quiet soon", "Usage: /quiet HH:MM-HH:MM, e.g. /quiet 23:00-07:00, or /quiet off", id="quiet-word"),
        pytest.param("/mute " + "x" * 500, "Usage: /mute <word>", id="mute-500"),
        pytest.param("/unmute", "Usage: /unmute <word>", id="unmute-nothing"),
    ],
)  # fmt: skip
async def test_preference_bad_input(bot: BotHarness, command: str, answer: str) -> None:
    reply = await bot.send(PRIVATE, command)

    assert reply.text == answer


async def test_digest_says_whom_it_changes(bot: BotHarness) -> None:
    nothing = await bot.send(PRIVATE, "/digest 08:00")
    nothing_off = await bot.send(PRIVATE, "/digest off")
    nothing_ur = await bot.send(URDU_CHAT, "/digest 08:00", language_code="ur")
    await bot.send(PRIVATE, "/subscribe sports digest 07:00")
    one = await bot.send(PRIVATE, "/digest 08:00")
    one_off = await bot.send(PRIVATE, "/digest off")
    listed = await bot.send(PRIVATE, "/subscriptions")

    expected_nothing = (
        "You don't follow anything yet, so there is no digest to set. "
        "Follow a topic first, e.g. /subscribe world digest 08:00"
    )
    assert nothing.text == expected_nothing
    assert nothing_off.text == expected_nothing
    assert nothing_ur.text.startswith("آپ ابھی کچھ بھی فالو نہیں کرتے")
    assert one.text == (
        "Your subscription now comes in one digest a day at 08:00, instead of instant alerts "
        "or its own digest time."
    )
    assert one_off.text == "Your subscription now comes instantly again, as stories come in."
    assert "Delivery: instantly, as stories come in." in listed.text


async def test_help_mentions_digest_off_and_the_mute_list(bot: BotHarness) -> None:
    english = await bot.send(PRIVATE, "/help")
    urdu = await bot.send(URDU_CHAT, "/help", language_code="ur")

    assert (
        "/digest HH:MM — all your subscriptions in one daily digest; /digest off — instant again"
    ) in english.text
    assert "/mute <word> — hide stories containing a word; /mute alone lists them" in english.text
    assert "/digest off" in urdu.text
    assert "/mute اکیلا" in urdu.text


async def test_group_preferences_are_for_admins_only(bot: BotHarness) -> None:
    bot.fake.set_admins(GROUP, [GROUP_ADMIN])
    refused = "Only this group's admins can change its settings."

    member = [
        (await bot.send(GROUP, command, user_id=GROUP_MEMBER)).text
        for command in ("/timezone Asia/Dubai", "/digest 08:00", "/quiet off", "/mute x")
    ]
    admin = await bot.send(GROUP, "/timezone Asia/Dubai", user_id=GROUP_ADMIN)

    assert member == [refused] * 4
    assert admin.text == "Got it — times will be shown for Asia/Dubai."


async def test_a_new_subscription_joins_the_chats_digest(bot: BotHarness) -> None:
    await bot.send(PRIVATE, "/subscribe world")
    await bot.send(PRIVATE, "/digest 07:30")
    joined = await bot.send(PRIVATE, "/subscribe sports")
    own_time = await bot.send(PRIVATE, '/subscribe "karachi port" digest 18:00')
    listed = await bot.send(PRIVATE, "/subscriptions")

    assert joined.text.splitlines() == [
        "You now follow Sports. New stories will arrive right here.",
        "Delivery: one digest a day at 07:30.",
    ]
    assert own_time.text.splitlines()[-1] == "Delivery: one digest a day at 18:00."
    assert "instantly" not in listed.text
