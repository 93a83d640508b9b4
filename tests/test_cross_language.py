"""Across languages with a language model: an English story for an Urdu chat (and the reverse)
gets the model's headline and summary in the chat's language, on /read and in pushes, from one
prompt; cached per (article, language, backend); a push never waits longer than SUMMARY_WAIT."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.config import Settings
from bot.push.localize import summary_localizer
from bot.push.sender import PushConfig, Sender
from news.summaries.llm import OpenAIBackend
from news.summaries.service import Headline, SummaryService
from storage import Store
from storage.articles import get_article
from storage.deliveries import queue_delivery
from tests.bot_harness import PRIVATE, BotHarness, make_settings
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.fakes.openai_api import FakeOpenAI, Reply
from tests.push_helpers import push_bot

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
ENGLISH_TEXT = (
    "Heavy rain flooded several streets of Lahore on Friday, officials said.\n\n"
    "The city's water agency sent pumps to the worst-hit neighbourhoods overnight."
)
URDU_HEADLINE = "لاہور میں شدید بارش، سڑکیں زیرِ آب"
URDU_SUMMARY = "لاہور میں جمعہ کو شدید بارش سے کئی سڑکیں زیرِ آب آ گئیں اور پمپ بھیجے گئے۔"
URDU_ANSWER = f"Headline: {URDU_HEADLINE}\nSummary: {URDU_SUMMARY}"
URDU_TEXT = (
    "لاہور میں جمعہ کے روز شدید بارش سے کئی سڑکیں زیرِ آب آ گئیں، حکام نے بتایا۔\n\n"
    "شہر کے واٹر ادارے نے رات بھر متاثرہ علاقوں میں پمپ بھیجے۔"
)
ENGLISH_ANSWER = (
    "Headline: Rain floods Lahore streets\n"
    "Summary: Heavy rain flooded streets in Lahore on Friday and pumps were sent overnight."
)


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str, llm: FakeOpenAI) -> Settings:
    """The bot with the language-model backend."""
    return make_settings(
        fake_api,
        database_url,
        summary_backend="openai",
        openai_base_url=llm.base_url,
        summary_wait=2.0,
    )


async def test_an_urdu_chat_reads_an_english_story_in_urdu(
    bot: BotHarness, llm: FakeOpenAI
) -> None:
    llm.enqueue(Reply(content=URDU_ANSWER))
    article = await add_article(bot.store, title="Rain floods Lahore streets", text=ENGLISH_TEXT)

    reply = await bot.send(URDU_CHAT, f"/read {article.article_id}", language_code="ur")
    again = await bot.send(URDU_CHAT, f"/read {article.article_id}", language_code="ur")

    lines = reply.text.splitlines()
    assert lines[0] == URDU_HEADLINE
    assert URDU_SUMMARY in lines
    assert "انگریزی میں ہے" not in reply.text  # no "this summary is in English" note
    assert again.text == reply.text
    [request] = [r for r in llm.received if "Headline" in r.system_prompt]
    assert "The article is in English" in request.system_prompt
    assert "in Urdu" in request.system_prompt
    assert len([r for r in llm.received if "Urdu" in r.system_prompt]) == 1  # cached


async def test_an_english_chat_reads_an_urdu_story_in_english(
    bot: BotHarness, llm: FakeOpenAI
) -> None:
    llm.enqueue(Reply(content=ENGLISH_ANSWER))
    article = await add_article(bot.store, title="لاہور میں بارش", language="ur", text=URDU_TEXT)

    reply = await bot.send(PRIVATE, f"/read {article.article_id}")

    lines = reply.text.splitlines()
    assert lines[0] == "Rain floods Lahore streets"
    assert any(line.startswith("Heavy rain flooded streets in Lahore") for line in lines)


async def _urdu_push(store: Store, llm: FakeOpenAI, wait: float) -> tuple[dict[str, object], float]:
    """Push one English story to an Urdu chat through a sender with the summary service."""
    await add_chats(store, [7], language="ur")
    added = await add_article(store, title="Rain floods Lahore streets", text=ENGLISH_TEXT)
    async with store.write() as session:
        await queue_delivery(
            session, chat_id=7, story_id=added.story_id, article_id=added.article_id
        )
    async with OpenAIBackend(base_url=llm.base_url, model="m", max_retries=0) as backend:
        service = SummaryService(store, backend, wait=wait)
        async with FakeTelegramAPI() as fake:
            bot = push_bot(fake)
            async with bot:
                sender = Sender(
                    bot,
                    store,
                    PushConfig(rate=100.0),
                    localize=summary_localizer(service),
                )
                started = time.monotonic()
                assert await sender.drain_once() == 1
                took = time.monotonic() - started
            [message] = fake.sent("sendMessage")
        await service.close()
    return message, took


async def test_a_push_to_an_urdu_chat_carries_the_urdu_headline_and_summary(
    store: Store, llm: FakeOpenAI
) -> None:
    llm.enqueue(Reply(content=URDU_ANSWER))
    message, _took = await _urdu_push(store, llm, wait=5.0)
    text = str(message["text"])
    assert text.splitlines()[0].endswith(f"<b>{URDU_HEADLINE}</b>")
    assert URDU_SUMMARY in text
    assert "Rain floods" not in text


async def test_a_push_never_waits_for_the_model_longer_than_summary_wait(
    store: Store, llm: FakeOpenAI
) -> None:
    llm.enqueue(Reply(content=URDU_ANSWER, delay=5.0))
    message, took = await _urdu_push(store, llm, wait=0.3)
    text = str(message["text"])
    assert took < 4.0  # the model's 5 s answer was not awaited
    assert text.splitlines()[0].endswith("<b>Rain floods Lahore streets</b>")
    assert "<i>انگریزی · Test Wire" in text  # said plainly: the story is in English


async def test_the_headline_for_a_language(store: Store, llm: FakeOpenAI) -> None:
    llm.enqueue(Reply(content=URDU_ANSWER))
    added = await add_article(store, title="Rain floods Lahore streets", text=ENGLISH_TEXT)
    async with store.read() as session:
        article = await get_article(session, added.article_id)
    assert article is not None
    async with OpenAIBackend(base_url=llm.base_url, model="m") as backend:
        service = SummaryService(store, backend, wait=5.0)
        before = await service.headline(article, "ur")
        await service.get(article, "ur")
        after = await service.headline(article, "ur")
        own = await service.headline(article, "en")
        await service.close()
    assert before == Headline("Rain floods Lahore streets", "en")
    assert after == Headline(URDU_HEADLINE, "ur")
    assert own == Headline("Rain floods Lahore streets", "en")
    await asyncio.sleep(0)
