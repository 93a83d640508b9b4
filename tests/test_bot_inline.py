"""End to end: inline queries (@bot words) answered through the fake Bot API with matching
stories, the latest when empty, paged with next_offset, in the user's language, keeping to the
user's news languages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.bot_harness import NOW, PRIVATE, BotHarness
from tests.factories import add_article
from tests.fakes.telegram_inline import answers, inline_query

pytest_plugins = ["tests.bot_harness"]

USER = PRIVATE + 7


async def _ask(bot: BotHarness, query: str, **kwargs: Any) -> dict[str, Any]:
    """The user types ``@bot query``; the bot's answer."""
    before = len(answers(bot.fake.state))
    await bot.deliver(
        USER, lambda: bot.fake.push_update(inline_query(bot.fake.state, USER, query, **kwargs))
    )
    found = answers(bot.fake.state)
    assert len(found) == before + 1, "no answerInlineQuery"
    return found[-1]


async def test_words_find_stories_in_both_languages(bot: BotHarness) -> None:
    await add_article(
        bot.store,
        "Karachi port closed by floods",
        lead="Heavy rain stopped all loading. Ships wait offshore.",
        source="Dawn",
        url="https://news.example.com/port",
        image_url="https://img.example.com/port.jpg",
    )
    await add_article(bot.store, "Karachi بندرگاہ بند", language="ur", source="Jang")
    await add_article(bot.store, "Lahore metro opens")

    answer = await _ask(bot, "karachi", language_code="en")

    results = answer["results"]
    assert sorted(r["title"] for r in results) == [
        "Karachi port closed by floods",
        "Karachi بندرگاہ بند",
    ]
    port = next(r for r in results if r["title"].startswith("Karachi port"))
    assert port["type"] == "article"
    assert port["thumbnail_url"] == "https://img.example.com/port.jpg"
    assert port["description"].startswith("Dawn · ")
    message = port["input_message_content"]
    assert message["parse_mode"] == "HTML"
    assert message["message_text"].startswith("<b>Karachi port closed by floods</b>")
    assert "Heavy rain stopped all loading." in message["message_text"]
    assert 'href="https://news.example.com/port"' in message["message_text"]
    assert (answer["cache_time"], answer.get("is_personal", False)) == (30, False)
    assert answer.get("next_offset", "") == ""


async def test_an_empty_query_pages_through_the_latest(bot: BotHarness) -> None:
    for n in range(12):
        await add_article(
            bot.store,
            f"Story {n} of the day {'abcdefghijkl'[n] * 3}",
            published_at=NOW - timedelta(minutes=n),
        )
    first = await _ask(bot, "")
    second = await _ask(bot, "", offset=first["next_offset"])

    assert len(first["results"]) == 10 and first["next_offset"] == "10"
    assert first["results"][0]["title"].startswith("Story 0 ")
    assert [r["title"][:8] for r in second["results"]] == ["Story 10", "Story 11"]
    assert second.get("next_offset", "") == ""


async def test_results_are_in_the_users_stored_language(bot: BotHarness) -> None:
    await add_article(bot.store, "Senate passes budget", published_at=NOW - timedelta(hours=2))
    await bot.send(USER, "/lang ur")
    answer = await _ask(bot, "budget", language_code="en")
    nothing = await _ask(bot, "zzzz nothing like this")

    [result] = answer["results"]
    assert "گھنٹے" in result["description"]  # "2 hours ago", in Urdu
    assert answer["is_personal"] is True
    assert nothing["results"] == []
    assert nothing["button"] == {
        "text": "کوئی خبر نہیں ملی۔ خبر کھولیں",
        "start_parameter": "inline",
    }


async def test_a_telegram_language_of_urdu_localizes_a_new_user(bot: BotHarness) -> None:
    await add_article(bot.store, "Senate passes budget", published_at=NOW - timedelta(hours=2))
    answer = await _ask(bot, "", language_code="ur")
    assert "گھنٹے" in answer["results"][0]["description"]
    assert answer["is_personal"] is True


async def test_results_keep_to_the_users_news_languages(bot: BotHarness) -> None:
    await add_article(bot.store, "Karachi port closed", published_at=NOW - timedelta(hours=1))
    await add_article(
        bot.store, "Karachi بندرگاہ بند", language="ur", published_at=NOW - timedelta(hours=2)
    )
    both = await _ask(bot, "karachi")
    await bot.send(USER, "/news ur")
    urdu_only = await _ask(bot, "karachi")
    urdu_latest = await _ask(bot, "")
    await bot.send(USER, "/news en")
    english_only = await _ask(bot, "")

    assert len(both["results"]) == 2
    assert [r["title"] for r in urdu_only["results"]] == ["Karachi بندرگاہ بند"]
    assert [r["title"] for r in urdu_latest["results"]] == ["Karachi بندرگاہ بند"]
    assert [r["title"] for r in english_only["results"]] == ["Karachi port closed"]
    assert urdu_only["is_personal"] is True
