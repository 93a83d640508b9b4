"""End to end: /mute hides a story from /latest, /search and pushes by one rule; /mute lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import Article, Delivery
from tests.bot_harness import NOW, PRIVATE, BotHarness
from tests.factories import add_article

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
OTHER_CHAT = PRIVATE + 2


async def _story(bot: BotHarness, title: str, lead: str, hours_ago: float) -> int:
    """Store one sports story as the pipeline does, queueing it for subscribers; its id."""
    url = f"https://news.example.com/sports/{abs(hash(title))}"
    now = datetime.now(UTC)
    added = await add_article(
        bot.store,
        title,
        url=url,
        topic="sports",
        text=f"{lead}\n\nMore of the report follows here.",
        lead=lead,
        source="Dawn",
        published_at=NOW - timedelta(hours=hours_ago),
        fetched_at=now,
        push=True,
        now=now,
    )
    return added.article_id


async def _story_of(bot: BotHarness, article_id: int) -> int:
    async with bot.store.read() as session:
        article = await session.get(Article, article_id)
    assert article is not None and article.story_id is not None
    return article.story_id


def _ids(buttons: list[tuple[str, str]]) -> list[int]:
    return [int(data.split(":")[1]) for _, data in buttons if data.startswith("open:")]


async def test_a_mute_hides_the_same_stories_from_latest_search_and_pushes(
    bot: BotHarness,
) -> None:
    await bot.send(PRIVATE, "/subscribe sports")
    await bot.send(OTHER_CHAT, "/subscribe sports")
    await bot.send(PRIVATE, "/mute Cricket")
    in_title = await _story(bot, "Pakistan win the cricket series", "Lahore cheers the team.", 1)
    in_lead = await _story(bot, "Pakistan win in Lahore", "The Cricket board hails the team.", 2)
    kept = await _story(bot, "Pakistan win the hockey final", "Lahore cheers the team.", 3)

    latest = await bot.send(PRIVATE, "/latest")
    search = await bot.send(PRIVATE, "/search pakistan")
    other = await bot.send(OTHER_CHAT, "/latest")
    async with bot.store.read() as session:
        rows = (await session.execute(select(Delivery.chat_id, Delivery.story_id))).all()

    assert _ids(latest.buttons) == [kept]
    assert _ids(search.buttons) == [kept]
    assert [story for chat, story in rows if chat == PRIVATE] == [await _story_of(bot, kept)]
    assert _ids(other.buttons) == [in_title, in_lead, kept]  # another chat's mute is its own
    assert sorted(story for chat, story in rows if chat == OTHER_CHAT) == [
        await _story_of(bot, article) for article in (in_title, in_lead, kept)
    ]


async def test_muted_stories_do_not_count_towards_n_or_the_pages(bot: BotHarness) -> None:
    await bot.send(PRIVATE, "/mute cricket")
    kept = [
        await _story(bot, title, "A report from Lahore.", hours)
        for title, hours in (("Hockey final tonight", 1), ("Squash open begins", 3))
    ]
    await _story(bot, "Cricket series opens", "A report from Karachi.", 2)
    await _story(bot, "Cricket team named", "A report from Multan.", 4)

    first = await bot.send(PRIVATE, "/latest 1")
    second = await bot.press(PRIVATE, first.button("Next"), first.messages[0]["message_id"])
    page2 = bot.message(PRIVATE, first.messages[0]["message_id"])

    assert _ids(first.buttons) == [kept[0]]
    assert second.methods == ["answerCallbackQuery", "editMessageText"]
    assert f"{kept[1]} · Squash open begins" in page2["text"]
    assert [b["text"] for b in page2["reply_markup"]["inline_keyboard"][-1]] == ["◀ Previous"]


async def test_mute_alone_lists_the_mutes(bot: BotHarness) -> None:
    empty = await bot.send(PRIVATE, "/mute")
    await bot.send(PRIVATE, "/mute cricket")
    await bot.send(PRIVATE, '/mute "Imran Khan"')
    listed = await bot.send(PRIVATE, "/mute")
    empty_ur = await bot.send(URDU_CHAT, "/mute", language_code="ur")
    await bot.send(URDU_CHAT, "/mute کرکٹ", language_code="ur")
    listed_ur = await bot.send(URDU_CHAT, "/mute", language_code="ur")

    assert empty.text == "Nothing is muted. To hide stories containing a word: /mute <word>"
    assert listed.text == "\n".join(
        [
            "Muted words",
            "",
            "• cricket",
            "• imran khan",
            "",
            "Stories containing these are hidden from /latest, /search and alerts. "
            "To show them again: /unmute <word>",
        ]
    )
    assert empty_ur.text == ("کچھ بھی میوٹ نہیں ہے۔ کسی لفظ والی خبریں چھپانے کے لیے: /mute <لفظ>")
    assert listed_ur.text.splitlines()[:3] == ["میوٹ کیے گئے الفاظ", "", "• کرکٹ"]
