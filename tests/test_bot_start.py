"""End to end: /start (welcome, deep links), /help, /lang and its buttons, /cmd@BotName."""

from __future__ import annotations

import pytest

from tests.bot_harness import GROUP, GROUP_ADMIN, GROUP_MEMBER, PRIVATE, BotHarness
from tests.factories import add_article

pytest_plugins = ["tests.bot_harness"]

WELCOME_EN = "Hello, Test! I'm Khabar, your news bot in English and Urdu."
WELCOME_UR = "السلام علیکم Test! میں خبر ہوں، اردو اور انگریزی میں آپ کا نیوز بوٹ۔"
LANGUAGE_BUTTONS = [("English", "lang:en"), ("اردو", "lang:ur")]


@pytest.mark.parametrize(
    ("language_code", "welcome"),
    [
        pytest.param("en", WELCOME_EN, id="english"),
        pytest.param("ur", WELCOME_UR, id="urdu"),
        pytest.param("ur-PK", WELCOME_UR, id="urdu-region"),
        pytest.param("de", WELCOME_EN, id="other-falls-back-to-english"),
    ],
)
async def test_start_welcomes_in_the_users_language(
    bot: BotHarness, language_code: str, welcome: str
) -> None:
    reply = await bot.send(PRIVATE, "/start", language_code=language_code)

    assert reply.methods == ["sendMessage"]
    assert reply.text.startswith(welcome)
    assert reply.buttons == LANGUAGE_BUTTONS


async def test_start_deep_link_opens_the_article(bot: BotHarness) -> None:
    article_id = (await add_article(bot.store, title="Deep linked story", source="Dawn")).article_id

    reply = await bot.send(PRIVATE, f"/start a_{article_id}")

    assert reply.text.startswith("Deep linked story\nSource: Dawn\n")


@pytest.mark.parametrize("payload", ["a_abc", "a_", "a_99999999999999999999", "other"])
async def test_start_with_a_bad_deep_link_welcomes(bot: BotHarness, payload: str) -> None:
    reply = await bot.send(PRIVATE, f"/start {payload}")

    assert reply.text.startswith(WELCOME_EN)


async def test_start_deep_link_to_a_missing_article(bot: BotHarness) -> None:
    reply = await bot.send(PRIVATE, "/start a_424242")

    assert reply.text == "There is no story number 424242."


async def test_help_lists_the_commands_in_each_language(bot: BotHarness) -> None:
    english = await bot.send(PRIVATE, "/help")
    urdu = await bot.send(PRIVATE + 1, "/help", language_code="ur")

    assert english.text.splitlines()[:2] == [
        "What I can do",
        "/latest [topic] [n] — latest headlines",
    ]
    assert urdu.text.splitlines()[:2] == [
        "میں کیا کر سکتا ہوں",
        "• /latest [موضوع] [تعداد] — تازہ ترین سرخیاں",
    ]


async def test_lang_switches_and_later_replies_follow(bot: BotHarness) -> None:
    switched = await bot.send(PRIVATE, "/lang ur")
    helped = await bot.send(PRIVATE, "/help")
    back = await bot.send(PRIVATE, "/lang en")

    assert switched.text == "ٹھیک ہے، اب سے سب کچھ اردو میں ہوگا۔"
    assert helped.text.startswith("میں کیا کر سکتا ہوں")
    assert back.text == "Done — I'll talk to you in English."


@pytest.mark.parametrize("word", ["urdu", "Urdu", "اردو", "UR"])
async def test_lang_accepts_language_names(bot: BotHarness, word: str) -> None:
    reply = await bot.send(PRIVATE, f"/lang {word}")

    assert reply.text == "ٹھیک ہے، اب سے سب کچھ اردو میں ہوگا۔"


async def test_lang_without_argument_offers_buttons_that_edit_the_message(
    bot: BotHarness,
) -> None:
    offer = await bot.send(PRIVATE, "/lang")
    message_id = offer.messages[0]["message_id"]

    pressed = await bot.press(PRIVATE, offer.button("اردو"), message_id)

    assert offer.text == "Which language would you like?"
    assert offer.buttons == LANGUAGE_BUTTONS
    assert pressed.methods == ["answerCallbackQuery", "editMessageText"]
    assert bot.message(PRIVATE, message_id)["text"].endswith("اب سے سب کچھ اردو میں ہوگا۔")
    assert (await bot.send(PRIVATE, "/lang xx")).text == "استعمال: /lang en یا /lang ur"


async def test_lang_with_an_unknown_language_shows_usage(bot: BotHarness) -> None:
    reply = await bot.send(PRIVATE, "/lang fr")

    assert reply.text == "Usage: /lang en or /lang ur"
    assert reply.buttons == LANGUAGE_BUTTONS


@pytest.mark.parametrize("chat_id", [PRIVATE, GROUP])
async def test_command_addressed_to_this_bot(bot: BotHarness, chat_id: int) -> None:
    reply = await bot.send(chat_id, "/help@khabar_test_bot")

    assert reply.text.startswith("What I can do")


async def test_group_ignores_commands_for_other_bots(bot: BotHarness) -> None:
    other = await bot.send(GROUP, "/help@SomeOtherBot")
    unknown_other = await bot.send(GROUP, "/frobnicate@SomeOtherBot")

    assert (other.calls, unknown_other.calls) == ([], [])


async def test_group_language_is_changed_by_admins_only(bot: BotHarness) -> None:
    bot.fake.set_admins(GROUP, [GROUP_ADMIN])

    refused = await bot.send(GROUP, "/lang ur", user_id=GROUP_MEMBER)
    still_english = await bot.send(GROUP, "/help", user_id=GROUP_MEMBER)
    done = await bot.send(GROUP, "/lang ur", user_id=GROUP_ADMIN)

    assert refused.text == "Only this group's admins can change its settings."
    assert still_english.text.startswith("What I can do")
    assert done.text == "ٹھیک ہے، اب سے سب کچھ اردو میں ہوگا۔"


async def test_group_language_button_pressed_by_a_member_keeps_the_picker(
    bot: BotHarness,
) -> None:
    bot.fake.set_admins(GROUP, [GROUP_ADMIN])
    offer = await bot.send(GROUP, "/lang", user_id=GROUP_ADMIN)
    message_id = offer.messages[0]["message_id"]

    refused = await bot.press(GROUP, "lang:ur", message_id, user_id=GROUP_MEMBER)
    done = await bot.press(GROUP, "lang:ur", message_id, user_id=GROUP_ADMIN)

    assert refused.methods == ["getChatMember", "answerCallbackQuery"]
    assert refused.params("answerCallbackQuery")[0]["text"] == (
        "Only this group's admins can change its settings."
    )
    assert done.methods == ["getChatMember", "answerCallbackQuery", "editMessageText"]
    assert bot.message(GROUP, message_id)["text"].endswith("اب سے سب کچھ اردو میں ہوگا۔")
