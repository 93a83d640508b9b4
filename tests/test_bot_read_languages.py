"""End to end: /read of a story reported in English and Urdu shows the chat's language, offers
the other language's report and counts sources by language."""

from __future__ import annotations

from news.embeddings.service import Embeddings
from tests.bot_harness import PRIVATE, BotHarness
from tests.factories import Added, add_article, hours_ago

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
EN_LEAD = (
    "The State Bank of Pakistan left its key interest rate unchanged at 12 percent on Monday, "
    "saying inflation was easing but risks from energy prices remained."
)
UR_LEAD = (
    "مرکزی بینک کی مانیٹری پالیسی کمیٹی نے پیر کو اجلاس کے بعد شرح سود ۱۲ فیصد پر برقرار رکھی اور "
    "کہا کہ مہنگائی میں کمی آ رہی ہے مگر توانائی کی قیمتیں خطرہ بنی ہوئی ہیں۔"
)


async def _story(bot: BotHarness, embeddings: Embeddings) -> tuple[Added, Added, Added]:
    store = bot.store
    first = await add_article(
        store, "State Bank holds policy rate at 12 percent", text=EN_LEAD, source="Dawn",
        published_at=hours_ago(6), embeddings=embeddings,
    )  # fmt: skip
    second = await add_article(
        store, "State Bank holds its policy rate at 12 percent", text=EN_LEAD + " Analysts expected it.",
        source="Business Recorder", published_at=hours_ago(5), embeddings=embeddings,
    )  # fmt: skip
    urdu = await add_article(
        store, "اسٹیٹ بینک نے شرح سود ۱۲ فیصد پر برقرار رکھی", language="ur", text=UR_LEAD,
        source="Jang", published_at=hours_ago(4), embeddings=embeddings,
    )  # fmt: skip
    assert first.story_id == second.story_id == urdu.story_id
    return first, second, urdu


async def test_read_shows_the_chat_language_report_and_offers_the_other(
    bot: BotHarness, embeddings: Embeddings
) -> None:
    first, _, urdu = await _story(bot, embeddings)
    await bot.send(URDU_CHAT, "/lang ur", language_code="ur")

    in_urdu = await bot.send(URDU_CHAT, f"/read {first.article_id}", language_code="ur")
    in_english = await bot.send(PRIVATE, f"/read {urdu.article_id}")

    assert in_urdu.text.splitlines()[0] == "اسٹیٹ بینک نے شرح سود ۱۲ فیصد پر برقرار رکھی"
    assert in_urdu.button("انگریزی رپورٹ") == f"open:{first.article_id}"
    assert in_english.text.splitlines()[0] == "State Bank holds policy rate at 12 percent"
    assert in_english.button("Urdu report") == f"open:{urdu.article_id}"
    assert "3 sources (EN 2 · UR 1)" in in_english.text.splitlines()
    opened = await bot.press(
        PRIVATE, f"open:{urdu.article_id}", in_english.messages[0]["message_id"]
    )
    assert "اسٹیٹ بینک نے شرح سود" in opened.text


async def test_latest_lists_a_story_of_both_languages_once_in_the_chats_language(
    bot: BotHarness, embeddings: Embeddings
) -> None:
    await _story(bot, embeddings)
    await bot.send(URDU_CHAT, "/lang ur", language_code="ur")

    english = await bot.send(PRIVATE, "/latest")
    urdu = await bot.send(URDU_CHAT, "/latest", language_code="ur")

    assert "State Bank holds policy rate at 12 percent" in english.text
    assert "اسٹیٹ بینک" not in english.text
    assert "اسٹیٹ بینک نے شرح سود ۱۲ فیصد پر برقرار رکھی" in urdu.text
    assert "State Bank" not in urdu.text


async def test_search_shows_a_story_once_however_many_of_its_reports_match(
    bot: BotHarness, embeddings: Embeddings
) -> None:
    await _story(bot, embeddings)

    found = await bot.send(PRIVATE, "/search State Bank policy rate")

    titles = ("State Bank holds policy rate at 12 percent", "State Bank holds its policy rate")
    assert sum(title in found.text for title in titles) == 1


async def test_search_shows_the_readers_language_report_of_a_story_found_in_the_other(
    bot: BotHarness, embeddings: Embeddings
) -> None:
    await _story(bot, embeddings)
    await bot.send(URDU_CHAT, "/lang ur", language_code="ur")

    found = await bot.send(URDU_CHAT, "/search policy rate", language_code="ur")

    assert "اسٹیٹ بینک نے شرح سود ۱۲ فیصد پر برقرار رکھی" in found.text
    assert "State Bank" not in found.text
