"""End to end: the bot added to a group greets it once, in the group's language, with how to
subscribe; promotions do not greet again; a group that removed the bot is pushed to again."""

from __future__ import annotations

from storage.chats import deactivate_chat, get_chat, set_chat_language
from tests.bot_harness import BotHarness
from tests.fakes.telegram_channels import bot_status_update
from tests.fakes.telegram_forums import forum_chat

pytest_plugins = ["tests.bot_harness"]

GROUP = -4001
ADMIN = 5001


async def _status(bot: BotHarness, old: str, new: str, language_code: str = "en") -> list[str]:
    exchange = await bot.deliver(
        GROUP,
        lambda: bot_status_update(
            bot.fake, GROUP, by_user=ADMIN, old=old, new=new, language_code=language_code
        ),
    )
    return [m["text"] for m in exchange.messages]


async def test_added_to_a_group_the_bot_greets_once(bot: BotHarness) -> None:
    greeting = await _status(bot, "left", "member")
    promoted = await _status(bot, "member", "administrator")
    async with bot.store.read() as s:
        row = await get_chat(s, GROUP)
    [text] = greeting
    assert text.startswith("Hello, ") and "/subscribe world" in text and "/topics" in text
    assert promoted == []
    assert row is not None and (row.type, row.language, row.active) == ("group", "en", True)
    assert "forum" not in text


async def test_a_forum_is_told_that_each_topic_subscribes_on_its_own(bot: BotHarness) -> None:
    forum = -1007777777777
    forum_chat(bot.fake, forum)

    async def greet(language_code: str) -> str:
        exchange = await bot.deliver(
            forum,
            lambda: bot_status_update(
                bot.fake,
                forum,
                by_user=ADMIN,
                old="left",
                new="member",
                language_code=language_code,
            ),
        )
        [message] = exchange.messages
        return str(message["text"])

    english = await greet("en")
    async with bot.store.write() as s:  # added again, the forum keeps the language it chose
        await set_chat_language(s, forum, "ur")
    urdu = await greet("en")
    assert english.startswith("Hello, ") and "each of its forum topics has its own" in english
    assert "ہر فورم ٹاپک کی اپنی سبسکرپشنز" in urdu


async def test_the_greeting_is_in_urdu_for_an_urdu_speaking_admin(bot: BotHarness) -> None:
    [text] = await _status(bot, "left", "member", language_code="ur")
    assert text.startswith("السلام علیکم") and "/subscribe world" in text


async def test_a_group_added_again_keeps_its_language_and_is_pushed_to_again(
    bot: BotHarness,
) -> None:
    await _status(bot, "left", "member")
    async with bot.store.write() as s:
        await set_chat_language(s, GROUP, "ur")
        await deactivate_chat(s, GROUP, "Forbidden: bot was kicked from the group chat")
    gone = await _status(bot, "member", "kicked")
    [text] = await _status(bot, "kicked", "member", language_code="en")
    async with bot.store.read() as s:
        row = await get_chat(s, GROUP)
    assert gone == []
    assert text.startswith("السلام علیکم")
    assert row is not None and row.active
