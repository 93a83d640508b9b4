"""End to end: /latest [topic] [n] with its pages and other-language headlines, and /topics."""

from __future__ import annotations

import pytest

from tests.bot_harness import GROUP, GROUP_ADMIN, GROUP_MEMBER, PRIVATE, BotHarness
from tests.factories import add_article, hours_ago

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1


async def _two_of_each(bot: BotHarness) -> dict[str, int]:
    return {
        "en_new": (
            await add_article(
                bot.store, title="Rain in Lahore", published_at=hours_ago(1), source="Dawn"
            )
        ).article_id,
        "en_old": (
            await add_article(
                bot.store, title="Budget debate", published_at=hours_ago(3), source="Dawn"
            )
        ).article_id,
        "ur_new": (
            await add_article(
                bot.store,
                title="لاہور میں بارش",
                language="ur",
                published_at=hours_ago(2),
                source="جنگ",
            )
        ).article_id,
        "ur_old": (
            await add_article(
                bot.store,
                title="بجٹ پر بحث",
                language="ur",
                published_at=hours_ago(4),
                source="جنگ",
            )
        ).article_id,
    }


async def test_latest_puts_the_chat_language_first_and_marks_the_other(bot: BotHarness) -> None:
    ids = await _two_of_each(bot)

    reply = await bot.send(PRIVATE, "/latest")

    assert reply.text == "\n".join(
        [
            "Latest news",
            "",
            f"{ids['en_new']} · Rain in Lahore",
            "    Dawn · 1 hr. ago",
            f"{ids['en_old']} · Budget debate",
            "    Dawn · 3 hr. ago",
            f"{ids['ur_new']} · لاہور میں بارش (in Urdu)",
            "    جنگ · 2 hr. ago",
            f"{ids['ur_old']} · بجٹ پر بحث (in Urdu)",
            "    جنگ · 4 hr. ago",
            "",
            "Tap a number or send /read <id> to read a story.",
        ]
    )
    assert [data for _, data in reply.buttons] == [
        f"open:{ids[k]}" for k in ("en_new", "en_old", "ur_new", "ur_old")
    ]


async def test_latest_keeps_to_the_news_language_a_chat_chose(bot: BotHarness) -> None:
    ids = await _two_of_each(bot)
    await bot.send(PRIVATE, "/news ur")

    reply = await bot.send(PRIVATE, "/latest")

    assert reply.text.splitlines()[2:6] == [
        f"{ids['ur_new']} · لاہور میں بارش (in Urdu)",
        "    جنگ · 2 hr. ago",
        f"{ids['ur_old']} · بجٹ پر بحث (in Urdu)",
        "    جنگ · 4 hr. ago",
    ]
    assert "Rain in Lahore" not in reply.text and "Budget debate" not in reply.text


async def test_a_story_without_a_date_says_so_wherever_it_is_shown(bot: BotHarness) -> None:
    new = (
        await add_article(
            bot.store, title="Rain in Lahore", published_at=hours_ago(1), source="Dawn"
        )
    ).article_id
    undated = (
        await add_article(
            bot.store,
            title="Flood relief reaches Sindh",
            published_at=None,
            fetched_at=hours_ago(2),
            source="Geo",
        )
    ).article_id
    old = (
        await add_article(
            bot.store, title="Budget debate", published_at=hours_ago(3), source="Dawn"
        )
    ).article_id

    latest = await bot.send(PRIVATE, "/latest")
    urdu = await bot.send(URDU_CHAT, "/latest", language_code="ur")
    found = await bot.send(PRIVATE, "/search flood relief")
    card = await bot.send(PRIVATE, f"/read {undated}")

    # Sorted by when it was fetched, and never "ago": nobody knows when it was published.
    assert latest.text.splitlines()[2:8] == [
        f"{new} · Rain in Lahore",
        "    Dawn · 1 hr. ago",
        f"{undated} · Flood relief reaches Sindh",
        "    Geo · date unknown",
        f"{old} · Budget debate",
        "    Dawn · 3 hr. ago",
    ]
    assert "    Geo · تاریخ نامعلوم" in urdu.text.splitlines()
    assert "    Geo · date unknown" in found.text.splitlines()
    assert "Published: date unknown" in card.text.splitlines()


async def test_latest_in_urdu(bot: BotHarness) -> None:
    ids = await _two_of_each(bot)

    reply = await bot.send(URDU_CHAT, "/latest", language_code="ur")

    lines = reply.text.splitlines()
    assert lines[0] == "تازہ ترین خبریں"
    assert lines[2:4] == [f"{ids['ur_new']} · لاہور میں بارش", "    جنگ · 2 گھنٹے پہلے"]
    assert lines[6] == f"{ids['en_new']} · Rain in Lahore (انگریزی میں)"
    assert lines[-1] == "کوئی خبر پڑھنے کے لیے اس کے نمبر پر ٹیپ کریں یا /read <نمبر> بھیجیں۔"


@pytest.mark.parametrize("name", ["sports", "Sports", "sport", "کھیل", "كهيل"])
async def test_latest_topic_by_english_or_urdu_name(bot: BotHarness, name: str) -> None:
    match = (await add_article(bot.store, title="Cup final tonight", topic="sports")).article_id
    await add_article(bot.store, title="Markets rally", topic="business")

    reply = await bot.send(PRIVATE, f"/latest {name}")

    assert reply.text.splitlines()[:3] == ["Latest: Sports", "", f"{match} · Cup final tonight"]
    assert "Markets rally" not in reply.text


@pytest.mark.parametrize("args", ["sports 2", "2 sports", "کھیل ۲"])
async def test_latest_topic_and_count(bot: BotHarness, args: str) -> None:
    for n in range(3):
        await add_article(
            bot.store, title=f"Match report {n}", topic="sports", published_at=hours_ago(n + 1)
        )

    reply = await bot.send(PRIVATE, f"/latest {args}")

    assert sum("Match report" in line for line in reply.text.splitlines()) == 2
    assert ("Next ▶", "latest:sports:2:1") in reply.buttons


@pytest.mark.parametrize("args", ["21", "0", "sports 99", "99999999999999999999"])
async def test_latest_count_out_of_range_shows_usage(bot: BotHarness, args: str) -> None:
    reply = await bot.send(PRIVATE, f"/latest {args}")

    assert reply.text == "Usage: /latest [topic] [n], e.g. /latest sports 5 (n from 1 to 20)"


async def test_latest_unknown_topic_lists_the_topics(bot: BotHarness) -> None:
    english = await bot.send(PRIVATE, "/latest weather")
    urdu = await bot.send(URDU_CHAT, "/latest موسم", language_code="ur")

    assert english.text == (
        "There is no topic called “weather”. Topics: world (دنیا), pakistan (پاکستان), "
        "business (کاروبار), sports (کھیل), technology (ٹیکنالوجی), science (سائنس), "
        "health (صحت), entertainment (تفریح)"
    )
    assert urdu.text.startswith("’موسم‘ نام کا کوئی موضوع نہیں ہے۔ موضوعات: دنیا (world)، ")


async def test_latest_on_an_empty_store(bot: BotHarness) -> None:
    reply = await bot.send(PRIVATE, "/latest")

    assert reply.text == "Latest news\n\nNo news here yet. Please check again in a little while."
    assert reply.buttons == []


async def test_latest_pages_edit_the_same_message(bot: BotHarness) -> None:
    ids = [
        (await add_article(bot.store, title=f"Story {n}", published_at=hours_ago(n + 1))).article_id
        for n in range(5)
    ]
    first = await bot.send(PRIVATE, "/latest 2")
    message_id = first.messages[0]["message_id"]

    second = await bot.press(PRIVATE, first.button("Next"), message_id)
    page2 = bot.message(PRIVATE, message_id)
    third = await bot.press(PRIVATE, "latest:all:2:2", message_id)
    page3 = bot.message(PRIVATE, message_id)
    back = await bot.press(PRIVATE, "latest:all:2:0", message_id)

    assert [f"{ids[0]} · Story 0", f"{ids[1]} · Story 1"] == first.text.splitlines()[2:5:2]
    assert second.methods == ["answerCallbackQuery", "editMessageText"]
    assert second.messages == []  # edited, not sent
    assert f"{ids[2]} · Story 2" in page2["text"] and "Story 0" not in page2["text"]
    assert [b["text"] for b in page2["reply_markup"]["inline_keyboard"][-1]] == [
        "◀ Previous",
        "Next ▶",
    ]
    assert third.methods == ["answerCallbackQuery", "editMessageText"]
    assert f"{ids[4]} · Story 4" in page3["text"]
    assert [b["text"] for b in page3["reply_markup"]["inline_keyboard"][-1]] == ["◀ Previous"]
    assert back.methods == ["answerCallbackQuery", "editMessageText"]
    assert bot.message(PRIVATE, message_id)["text"] == first.text


async def test_latest_number_button_opens_the_card(bot: BotHarness) -> None:
    article_id = (await add_article(bot.store, title="Open me", source="Dawn")).article_id
    listing = await bot.send(PRIVATE, "/latest")

    card = await bot.press(PRIVATE, f"open:{article_id}", listing.messages[0]["message_id"])

    assert card.text.startswith("Open me\nSource: Dawn\n")


async def test_topics_lists_both_names_and_a_tap_subscribes(bot: BotHarness) -> None:
    listing = await bot.send(PRIVATE, "/topics")
    message_id = listing.messages[0]["message_id"]

    tapped = await bot.press(PRIVATE, listing.button("Sports"), message_id)
    again = await bot.press(PRIVATE, listing.button("Sports"), message_id)
    followed = await bot.send(PRIVATE, "/subscriptions")

    assert listing.text.splitlines()[:3] == ["Topics", "", "• World — دنیا"]
    assert ("Sports · کھیل", "sub:sports") in listing.buttons
    assert tapped.text == "You now follow Sports. New stories will arrive right here."
    assert again.text == "You already follow Sports."
    assert followed.text.splitlines()[2] == "• Topic: Sports"


async def test_topics_in_urdu(bot: BotHarness) -> None:
    listing = await bot.send(URDU_CHAT, "/topics", language_code="ur")

    tapped = await bot.press(
        URDU_CHAT, "sub:health", listing.messages[0]["message_id"], language_code="ur"
    )

    assert listing.text.splitlines()[0] == "موضوعات"
    assert tapped.text == "آپ نے صحت کو سبسکرائب کر لیا ہے۔ نئی خبریں یہیں آپ تک پہنچیں گی۔"


async def test_group_topic_tap_by_a_member_is_refused(bot: BotHarness) -> None:
    bot.fake.set_admins(GROUP, [GROUP_ADMIN])
    listing = await bot.send(GROUP, "/topics", user_id=GROUP_MEMBER)
    message_id = listing.messages[0]["message_id"]

    refused = await bot.press(GROUP, "sub:sports", message_id, user_id=GROUP_MEMBER)
    done = await bot.press(GROUP, "sub:sports", message_id, user_id=GROUP_ADMIN)

    assert refused.params("answerCallbackQuery")[0]["text"] == (
        "Only this group's admins can change its settings."
    )
    assert refused.messages == []
    assert done.text == "You now follow Sports. New stories will arrive right here."


async def _flood_story(bot: BotHarness, sources: list[str], language: str = "en") -> list[int]:
    """One event reported by each source in turn, an hour apart, the first three hours ago."""
    titles = {
        "en": "Flood waters rise in Karachi after monsoon rain",
        "ur": "کراچی میں مون سون بارش کے بعد سیلابی پانی بڑھ گیا",
    }
    return [
        (
            await add_article(
                bot.store,
                title=titles[language],
                language=language,
                source=name,
                published_at=hours_ago(3 - i),
            )
        ).article_id
        for i, name in enumerate(sources)
    ]


async def test_latest_shows_each_story_once_with_how_many_more_sources(bot: BotHarness) -> None:
    flood = await _flood_story(bot, ["Dawn", "Geo", "Express"])
    budget = (
        await add_article(
            bot.store, title="Budget debate opens", published_at=hours_ago(0.5), source="Dawn"
        )
    ).article_id
    cup = (
        await add_article(
            bot.store, title="Cup final tonight", published_at=hours_ago(5), source="Geo"
        )
    ).article_id
    await _flood_story(bot, ["Dawn", "Geo"], language="ur")

    reply = await bot.send(PRIVATE, "/latest 3")
    one = await bot.send(PRIVATE, "/latest 1")

    assert reply.text == "\n".join(
        [
            "Latest news",
            "",
            f"{budget} · Budget debate opens",
            "    Dawn · 30 min. ago",
            f"{flood[0]} · Flood waters rise in Karachi after monsoon rain",
            "    Dawn · 3 hr. ago · +2 sources",
            f"{cup} · Cup final tonight",
            "    Geo · 5 hr. ago",
            "",
            "Tap a number or send /read <id> to read a story.",
        ]
    )
    assert [data for _, data in reply.buttons] == [
        f"open:{budget}",
        f"open:{flood[0]}",
        f"open:{cup}",
    ]
    assert ("Next ▶", "latest:all:1:1") in one.buttons
    assert one.text.splitlines()[2:4] == [
        f"{budget} · Budget debate opens",
        "    Dawn · 30 min. ago",
    ]
    assert len(one.text.splitlines()) == 6


@pytest.mark.parametrize(
    ("language_code", "sources", "expected"),
    [
        pytest.param("en", ["Dawn", "Geo"], "    Dawn · 3 hr. ago · +1 source", id="en-one"),
        pytest.param("en", ["Dawn", "Geo", "Express"], "    Dawn · 3 hr. ago · +2 sources", id="en-two"),
        pytest.param("ur", ["ڈان", "جیو"], "    ڈان · 3 گھنٹے پہلے · +1 ذریعہ", id="ur-one"),
        pytest.param("ur", ["ڈان", "جیو", "ایکسپریس"], "    ڈان · 3 گھنٹے پہلے · +2 ذرائع", id="ur-two"),
    ],
)  # fmt: skip
async def test_latest_more_sources_in_both_languages(
    bot: BotHarness, language_code: str, sources: list[str], expected: str
) -> None:
    await _flood_story(bot, sources, language=language_code)
    chat = PRIVATE if language_code == "en" else URDU_CHAT

    reply = await bot.send(chat, "/latest", language_code=language_code)

    assert reply.text.splitlines()[3] == expected


async def test_latest_n_counts_the_other_language_too(bot: BotHarness) -> None:
    english = (
        await add_article(
            bot.store, title="Rain in Lahore", published_at=hours_ago(1), source="Dawn"
        )
    ).article_id
    urdu = [
        (
            await add_article(
                bot.store, title=title, language="ur", published_at=hours_ago(n + 2), source="جنگ"
            )
        ).article_id
        for n, title in enumerate(["لاہور میں بارش", "بجٹ پر بحث", "کرکٹ کا فائنل آج"])
    ]

    reply = await bot.send(PRIVATE, "/latest 2")
    full = await bot.send(PRIVATE, "/latest 5")

    # The chat's language first; fewer than n of them, so the other language fills up to n.
    assert [data for _, data in reply.buttons] == [f"open:{english}", f"open:{urdu[0]}"]
    assert [data for _, data in full.buttons] == [f"open:{i}" for i in [english, *urdu]]


async def test_help_says_how_latest_mixes_the_languages(bot: BotHarness) -> None:
    english = await bot.send(PRIVATE, "/help")
    urdu = await bot.send(URDU_CHAT, "/help", language_code="ur")

    assert english.text.splitlines()[-1] == (
        "/latest shows n stories in your language; when there are fewer, Urdu ones fill the list."
    )
    assert urdu.text.splitlines()[-1] == (
        "• /latest آپ کی زبان میں مطلوبہ تعداد میں خبریں دکھاتا ہے؛ "
        "کم ہوں تو انگریزی خبریں بھی شامل ہو جاتی ہیں۔"
    )
