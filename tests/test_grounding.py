"""The grounding check: a model's invented number, name or quote never reaches a reader."""

from __future__ import annotations

import httpx
import pytest

from bot.config import Settings
from bot.metrics import Metrics, MetricsServer
from news.summaries.grounding import Source, check_grounding
from tests.bot_harness import PRIVATE, BotHarness, make_settings
from tests.factories import NOW, add_article
from tests.fakes import FakeTelegramAPI
from tests.fakes.openai_api import FakeOpenAI, Reply
from tests.httpserver import free_port

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
ARTICLE = (
    "The city council of Lahore met on Monday and approved 12 proposals for new roads.\n\n"
    "Mayor Ali Khan said “we will rebuild every road before the monsoon” after the vote.\n\n"
    "The works will cost 1,500 million rupees, the council's budget office said."
)
SOURCES = [Source(ARTICLE, "en")]
OTHER_ARTICLE = (
    "Karachi's water board approved 12 proposals to repair pipes in the old city on Tuesday.\n\n"
    "Engineers will start with the districts that lost supply during the summer heatwave."
)
URDU_REPORT = "لاہور کی سٹی کونسل نے پیر کو نئی سڑکوں کے لیے 12 تجاویز منظور کر لیں۔"


@pytest.mark.parametrize(
    ("summary", "language", "unsupported"),
    [
        pytest.param("Lahore's council approved 12 proposals on Monday.", "en", (), id="faithful"),
        pytest.param("Lahore's council approved 47 proposals.", "en", ("47",), id="number"),
        pytest.param("Mayor Imran Shah approved the roads.", "en", ("Imran", "Shah"), id="name"),
        pytest.param(
            "The council approved twelve proposals costing 1500 million.", "en", (), id="forms"
        ),
        pytest.param(
            "Khan said “we will rebuild every road before the monsoon”.", "en", (), id="quote"
        ),
        pytest.param(
            "Khan said “we will build a metro line soon”.",
            "en",
            ("“we will build a metro line soon”",),
            id="invented-quote",
        ),
        pytest.param("لاہور کونسل نے ۱۲ تجاویز منظور کیں۔", "ur", (), id="urdu-digits"),
        pytest.param("لاہور کونسل نے ۴۷ تجاویز منظور کیں۔", "ur", ("47",), id="urdu-invented"),
        pytest.param("کونسل نے IMF کی 12 تجاویز منظور کیں۔", "ur", ("IMF",), id="latin-in-urdu"),
    ],
)
def test_check(summary: str, language: str, unsupported: tuple[str, ...]) -> None:
    assert check_grounding(summary, language, SOURCES).unsupported == unsupported


def test_names_and_quotes_pass_through_the_storys_report_in_the_summarys_language() -> None:
    urdu_article = [Source(URDU_REPORT, "ur")]
    english = "Lahore's council approved 12 proposals on Monday."
    assert check_grounding(english, "en", urdu_article).ok  # no English report: numbers only
    assert not check_grounding("The council approved 47 proposals.", "en", urdu_article).ok
    with_report = [*urdu_article, Source(ARTICLE, "en")]
    assert check_grounding(english, "en", with_report).ok
    assert not check_grounding("Mayor Imran Shah spoke.", "en", with_report).ok


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str, llm: FakeOpenAI) -> Settings:
    """The bot with the language-model backend."""
    return make_settings(
        fake_api, database_url, summary_backend="openai", openai_base_url=llm.base_url
    )


async def test_an_invented_number_never_reaches_a_reader(bot: BotHarness, llm: FakeOpenAI) -> None:
    # The fake model gets one summary right and invents a number ("47 proposals") in the next.
    llm.enqueue(
        Reply(content="Headline: لاہور میں سڑکیں\nSummary: لاہور کونسل نے 12 تجاویز منظور کیں۔"),
        Reply(content="Headline: کراچی میں مرمت\nSummary: کراچی واٹر بورڈ نے 47 تجاویز منظور کیں۔"),
    )
    good = await add_article(bot.store, title="Lahore council approves roads", text=ARTICLE)
    bad = await add_article(bot.store, title="Water board approves repairs", text=OTHER_ARTICLE)

    first = await bot.send(URDU_CHAT, f"/read {good.article_id}", language_code="ur")
    second = await bot.send(URDU_CHAT, f"/read {bad.article_id}", language_code="ur")

    assert "لاہور کونسل نے 12 تجاویز منظور کیں۔" in first.text
    assert "47" not in second.text
    assert "approved 12 proposals" in second.text  # the extractive summary, with a note
    assert "انگریزی میں ہے" in second.text
    metrics = Metrics(bot.store, lambda: NOW)
    metrics.summaries = bot.services.summaries
    server = MetricsServer(metrics, free_port(), "127.0.0.1")
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            body = (await client.get("/metrics")).text
    finally:
        await server.stop()
    assert "khabar_summaries_checked 2.0" in body
    assert "khabar_summaries_ungrounded 1.0" in body
