"""End to end: /read with a language-model backend slower than SUMMARY_WAIT edits the card later."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import Settings
from bot.handlers.read import late_summary_edits
from tests.bot_harness import PRIVATE, BotHarness, make_settings, plain
from tests.factories import add_article
from tests.fakes import FakeTelegramAPI
from tests.fakes.openai_api import FakeOpenAI, Reply

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
URDU_SUMMARY = "لاہور میں شدید بارش سے کئی سڑکیں زیرِ آب آ گئیں اور اسکول بند رہیں گے۔"
ENGLISH_TEXT = (
    "Heavy rain flooded several streets of Lahore on Friday, officials said.\n\n"
    "The city's water agency sent pumps to the worst-hit neighbourhoods overnight."
)
NOTE = "یہ خلاصہ انگریزی میں ہے، اس کا اردو ترجمہ ابھی دستیاب نہیں۔"


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str, llm: FakeOpenAI) -> Settings:
    """The bot with the language-model backend, waiting 0.2 s for it before answering."""
    return make_settings(
        fake_api,
        database_url,
        summary_backend="openai",
        openai_base_url=llm.base_url,
        summary_wait=0.2,
    )


async def _settled(bot: BotHarness) -> None:
    await asyncio.wait_for(asyncio.gather(*late_summary_edits(bot.app.bot_data)), 5)


async def test_a_late_summary_replaces_the_extractive_one(bot: BotHarness, llm: FakeOpenAI) -> None:
    article_id = (
        await add_article(bot.store, title="Rain in Lahore", text=ENGLISH_TEXT)
    ).article_id
    llm.enqueue(Reply(URDU_SUMMARY, delay=0.6))

    card = await bot.send(URDU_CHAT, f"/read {article_id}", language_code="ur")
    await _settled(bot)
    now = plain(bot.message(URDU_CHAT, card.messages[0]["message_id"])["text"])

    assert NOTE in card.text  # the extractive English summary went out first
    assert "Heavy rain flooded several streets" in card.text
    assert URDU_SUMMARY in now
    assert NOTE not in now
    assert [b for b in card.buttons] == [  # the same buttons after the edit
        (b["text"], b["callback_data"])
        for row in bot.message(URDU_CHAT, card.messages[0]["message_id"])["reply_markup"][
            "inline_keyboard"
        ]
        for b in row
    ]
    again = await bot.send(URDU_CHAT, f"/read {article_id}", language_code="ur")
    assert URDU_SUMMARY in again.text  # cached for the next reader


async def test_a_late_summary_does_not_undo_a_language_switch(
    bot: BotHarness, llm: FakeOpenAI
) -> None:
    article_id = (
        await add_article(bot.store, title="Rain in Lahore", text=ENGLISH_TEXT)
    ).article_id
    llm.enqueue(Reply(URDU_SUMMARY, delay=0.8), Reply("Rain flooded Lahore's streets."))
    card = await bot.send(URDU_CHAT, f"/read {article_id}", language_code="ur")
    message_id = card.messages[0]["message_id"]

    await bot.press(URDU_CHAT, f"summary:{article_id}:en", message_id, language_code="ur")
    await _settled(bot)

    now = plain(bot.message(URDU_CHAT, message_id)["text"])
    assert "Rain flooded Lahore's streets." in now
    assert URDU_SUMMARY not in now


async def test_a_failed_model_leaves_the_card_as_it_is(bot: BotHarness, llm: FakeOpenAI) -> None:
    article_id = (
        await add_article(bot.store, title="Rain in Lahore", text=ENGLISH_TEXT)
    ).article_id
    llm.enqueue(*[Reply(status=500, delay=0.3)] * 5)

    card = await bot.send(URDU_CHAT, f"/read {article_id}", language_code="ur")
    await _settled(bot)

    assert bot.message(URDU_CHAT, card.messages[0]["message_id"]) == card.messages[0]
