"""The summary length settings: SUMMARY_MAX_WORDS_EN and SUMMARY_MAX_CHARS_UR reach /read."""

from __future__ import annotations

import pytest

from bot.config import Settings
from news.summaries.budget import DEFAULT_MAX_CHARS_UR, DEFAULT_MAX_WORDS_EN, SummaryBudget
from tests.bot_harness import PRIVATE, BotHarness, make_settings
from tests.factories import add_article
from tests.fakes import FakeTelegramAPI

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
EN_TEXT = (
    "Heavy rain flooded several streets of Lahore on Friday, officials said. "
    "Rescue teams moved families from low-lying neighbourhoods to nearby schools. "
    "The water agency sent pumps to the worst-hit areas overnight and cleared drains. "
    "Schools in the district will stay closed on Saturday, the education office announced. "
    "The weather office expects more monsoon rain over the next two days in Punjab. "
    "Electricity was cut in several districts as a precaution against accidents."
)
UR_TEXT = (
    "لاہور میں جمعہ کے روز شدید بارش سے کئی سڑکیں زیرِ آب آ گئیں، حکام نے بتایا۔ "
    "امدادی ٹیموں نے نشیبی علاقوں سے خاندانوں کو قریبی اسکولوں میں منتقل کیا۔ "
    "شہر کے واٹر ادارے نے رات بھر متاثرہ علاقوں میں پمپ بھیجے اور نالے صاف کیے۔ "
    "ضلعی دفتر کے مطابق ہفتے کو علاقے کے اسکول بند رہیں گے۔ "
    "محکمہ موسمیات نے پنجاب میں اگلے دو دن مزید مون سون بارش کی پیش گوئی کی ہے۔ "
    "حادثات سے بچاؤ کے لیے کئی اضلاع میں بجلی بند کر دی گئی۔"
)


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str) -> Settings:
    """The bot with short summaries: 20 words in English, 120 characters in Urdu."""
    return make_settings(fake_api, database_url, summary_max_words_en=20, summary_max_chars_ur=120)


def _summary(text: str) -> str:
    lines = text.splitlines()
    return lines[lines.index(next(x for x in lines if x in ("Summary", "خلاصہ"))) + 1]


async def test_read_honours_the_english_word_budget(bot: BotHarness) -> None:
    article = await add_article(bot.store, title="Floods in Lahore", text=EN_TEXT)

    reply = await bot.send(PRIVATE, f"/read {article.article_id}")

    summary = _summary(reply.text)
    assert 0 < len(summary.split()) <= 20


async def test_read_honours_the_urdu_character_budget(bot: BotHarness) -> None:
    article = await add_article(bot.store, title="لاہور میں سیلاب", language="ur", text=UR_TEXT)

    reply = await bot.send(URDU_CHAT, f"/read {article.article_id}", language_code="ur")

    summary = _summary(reply.text)
    assert 0 < len(summary) <= 120


def test_one_default_for_the_settings_and_the_summarizer() -> None:
    fields = Settings.model_fields
    assert fields["summary_max_words_en"].default == DEFAULT_MAX_WORDS_EN
    assert fields["summary_max_chars_ur"].default == DEFAULT_MAX_CHARS_UR
    assert SummaryBudget() == SummaryBudget(DEFAULT_MAX_WORDS_EN, DEFAULT_MAX_CHARS_UR)
