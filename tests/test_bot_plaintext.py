"""End to end: words sent alone in a private chat are searched; a group's talk is left alone."""

from __future__ import annotations

from tests.bot_harness import GROUP, PRIVATE, BotHarness
from tests.factories import add_article

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1


async def test_words_alone_are_a_search(bot: BotHarness) -> None:
    found = (
        await add_article(bot.store, title="Floods in Sindh", text="Floods hit Sindh again.")
    ).article_id

    typed = await bot.send(PRIVATE, "floods Sindh")
    command = await bot.send(PRIVATE, "/search floods Sindh")

    assert typed.text == command.text
    assert f"{found} · Floods in Sindh" in typed.text.splitlines()


async def test_urdu_words_alone_are_a_search_in_urdu(bot: BotHarness) -> None:
    found = (
        await add_article(
            bot.store, title="کراچی میں بارش", language="ur", text="کراچی میں تیز بارش ہوئی۔"
        )
    ).article_id

    typed = await bot.send(URDU_CHAT, "بارش", language_code="ur")

    assert typed.text.splitlines()[0] == "’بارش‘ کے نتائج"
    assert typed.buttons == [(str(found), f"open:{found}")]


async def test_what_cannot_be_searched_or_finds_nothing_gets_a_hint(bot: BotHarness) -> None:
    hint = (
        "Send me a few words to search the news, a feed's link to follow it, "
        "or /help to see everything I can do."
    )

    punctuation = await bot.send(PRIVATE, "?!")
    pasted = await bot.send(PRIVATE, "word " * 100)
    greeting = await bot.send(PRIVATE, "hello")

    assert (punctuation.text, pasted.text) == (hint, hint)
    assert greeting.text == f"Nothing matched your search. Try fewer or different words.\n\n{hint}"


async def test_a_groups_talk_gets_no_answer(bot: BotHarness) -> None:
    await add_article(bot.store, title="Floods in Sindh", text="Floods hit Sindh again.")

    said = await bot.send(GROUP, "floods in Sindh again, did you see?")

    assert said.messages == []
