"""End to end: /read cards (text and photo), language buttons, the full-text reader, other sources."""

from __future__ import annotations

import pytest

from storage.chats import set_chat_pictures
from tests.bot_harness import PRIVATE, BotHarness, plain
from tests.factories import add_article, hours_ago
from tests.fakes.telegram_objects import utf16_len

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
EN_TEXT = (
    "Heavy rain flooded several streets of Lahore on Friday, officials said.\n\n"
    "The city's water agency sent pumps to the worst-hit neighbourhoods overnight.\n\n"
    "Schools in the area will stay closed on Saturday, the district office announced."
)
UR_TEXT = (
    "لاہور میں جمعہ کے روز شدید بارش سے کئی سڑکیں زیرِ آب آ گئیں، حکام نے بتایا۔\n\n"
    "شہر کے واٹر ادارے نے رات بھر متاثرہ علاقوں میں پمپ بھیجے۔\n\n"
    "ضلعی دفتر کے مطابق ہفتے کو علاقے کے اسکول بند رہیں گے۔"
)


async def test_read_card_in_english(bot: BotHarness) -> None:
    article_id = (
        await add_article(
            bot.store,
            title="Rain floods Lahore streets",
            text=EN_TEXT,
            source="Dawn",
            url="https://www.dawn.com/news/1",
        )
    ).article_id

    reply = await bot.send(PRIVATE, f"/read {article_id}")

    lines = reply.text.splitlines()
    assert reply.methods == ["sendMessage"]
    assert lines[:5] == [
        "Rain floods Lahore streets",
        "Source: Dawn",
        "Published: March 1, 2025, 4:00\u202fPM",  # 11:00 UTC in Asia/Karachi
        "",
        "Summary",
    ]
    assert lines[5].startswith("Heavy rain flooded several streets of Lahore")
    assert lines[-1] == "Original story"
    link = [e for e in reply.messages[0]["entities"] if e["type"] == "text_link"]
    assert [e["url"] for e in link] == ["https://www.dawn.com/news/1"]
    assert [label for label, _ in reply.buttons] == [
        "Read in English",
        "Read in Urdu",
        "Read the full story",
    ]


async def test_read_card_in_urdu_follows_the_chat_timezone(bot: BotHarness) -> None:
    article_id = (
        await add_article(
            bot.store, title="لاہور میں بارش", language="ur", text=UR_TEXT, source="جنگ"
        )
    ).article_id
    await bot.send(URDU_CHAT, "/timezone Europe/London", language_code="ur")

    reply = await bot.send(URDU_CHAT, f"/read {article_id}", language_code="ur")

    assert reply.text.splitlines()[:5] == [
        "لاہور میں بارش",
        "ذریعہ: جنگ",
        "اشاعت: 1 مارچ، 2025 11:00 صبح",
        "",
        "خلاصہ",
    ]
    assert [label for label, _ in reply.buttons][:3] == [
        "انگریزی میں پڑھیں",
        "اردو میں پڑھیں",
        "پوری خبر پڑھیں",
    ]


async def test_language_buttons_edit_the_same_message(bot: BotHarness) -> None:
    article_id = (await add_article(bot.store, title="Rain floods Lahore", text=EN_TEXT)).article_id
    card = await bot.send(PRIVATE, f"/read {article_id}")
    message_id = card.messages[0]["message_id"]

    urdu = await bot.press(PRIVATE, card.button("Read in Urdu"), message_id)
    in_urdu = plain(bot.message(PRIVATE, message_id)["text"])
    english = await bot.press(PRIVATE, f"summary:{article_id}:en", message_id)

    assert urdu.methods == ["answerCallbackQuery", "editMessageText"]
    assert urdu.messages == []
    assert in_urdu.splitlines()[4] == "خلاصہ"
    # No Urdu version of this story exists: the English summary, with a note saying so.
    assert "یہ خلاصہ انگریزی میں ہے، اس کا اردو ترجمہ ابھی دستیاب نہیں۔" in in_urdu
    assert english.methods == ["answerCallbackQuery", "editMessageText"]
    assert bot.message(PRIVATE, message_id)["text"] == card.messages[0]["text"]


async def test_card_with_an_image_is_a_photo_with_a_short_caption(bot: BotHarness) -> None:
    sentence = (
        "The finance minister told the national assembly on Friday that the budget for the "
        "coming year would raise spending on schools, hospitals and roads across every province "
        "while cutting the deficit by a full percentage point. "
    )
    article_id = (
        await add_article(
            bot.store,
            title="Budget " * 200,
            text="\n\n".join(sentence * 3 for _ in range(60)),
            source="Finance Desk " * 38,
            image_url="https://img.example.com/budget.jpg",
        )
    ).article_id

    card = await bot.send(PRIVATE, f"/read {article_id}")
    message_id = card.messages[0]["message_id"]
    urdu = await bot.press(PRIVATE, f"summary:{article_id}:ur", message_id)
    reader = await bot.press(PRIVATE, f"read:{article_id}:0", message_id)

    (photo,) = card.params("sendPhoto")
    assert photo["photo"] == "https://img.example.com/budget.jpg"
    assert utf16_len(card.messages[0]["caption"]) <= 1024
    assert card.messages[0]["caption"].endswith("…")
    assert urdu.methods == ["answerCallbackQuery", "editMessageCaption"]
    assert utf16_len(bot.message(PRIVATE, message_id)["caption"]) <= 1024
    # A caption cannot hold a page of text, so the reader opens as a new message.
    assert reader.methods == ["answerCallbackQuery", "sendMessage"]
    assert reader.text.startswith("Budget")


async def test_card_falls_back_to_text_when_telegram_refuses_the_image(bot: BotHarness) -> None:
    article_id = (
        await add_article(
            bot.store, title="Picture story", image_url="https://img.example.com/gone.jpg"
        )
    ).article_id
    bot.fake.fail_next("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified")
    bot.expect_errors()  # the refused sendPhoto

    card = await bot.send(PRIVATE, f"/read {article_id}")

    assert card.methods == ["sendPhoto", "sendMessage"]
    assert card.text.startswith("Picture story\n")
    assert bot.errors.records == []


async def test_a_refused_image_is_not_tried_again_and_pictures_off_is_text(
    bot: BotHarness,
) -> None:
    article_id = (
        await add_article(bot.store, title="Picture story", image_url="https://img.invalid/x.jpg")
    ).article_id
    other_id = (
        await add_article(bot.store, title="Other story", image_url="https://img.example.com/y.jpg")
    ).article_id
    bot.expect_errors()  # the refused sendPhoto

    first = await bot.send(PRIVATE, f"/read {article_id}")
    again = await bot.send(PRIVATE, f"/read {article_id}")
    async with bot.store.write() as session:
        await set_chat_pictures(session, PRIVATE, False)
    off = await bot.send(PRIVATE, f"/read {other_id}")

    assert first.methods == ["sendPhoto", "sendMessage"]
    assert again.methods == ["sendMessage"]
    assert off.methods == ["sendMessage"]


async def test_full_text_reader_pages_under_the_limit(bot: BotHarness) -> None:
    # Astral characters count twice in UTF-16: the split must count as Telegram does.
    paragraphs = [
        f"Paragraph {n}: the river rose again 🌊🌊 near the old bridge." for n in range(300)
    ]
    article_id = (
        await add_article(bot.store, title="A very long report", text="\n\n".join(paragraphs))
    ).article_id
    card = await bot.send(PRIVATE, f"/read {article_id}")
    message_id = card.messages[0]["message_id"]

    first = await bot.press(PRIVATE, card.button("Read the full story"), message_id)
    page1 = bot.message(PRIVATE, message_id)["text"]
    second = await bot.press(PRIVATE, f"read:{article_id}:1", message_id)
    page2 = bot.message(PRIVATE, message_id)["text"]
    last = await bot.press(PRIVATE, f"read:{article_id}:9999", message_id)
    final = bot.message(PRIVATE, message_id)

    assert first.methods == second.methods == ["answerCallbackQuery", "editMessageText"]
    total = int(page1.splitlines()[1].split("/")[1])
    assert total >= 5
    assert page1.splitlines()[:3] == ["A very long report", f"Page 1/{total}", ""]
    assert page1.splitlines()[3] == paragraphs[0]
    assert page2.splitlines()[1] == f"Page 2/{total}"
    assert all(utf16_len(p) <= 4096 for p in (page1, page2, final["text"]))
    assert last.messages == []
    assert final["text"].splitlines()[1] == f"Page {total}/{total}"  # a forged page is clamped
    assert final["text"].rstrip().endswith("Original story")
    labels = [b["text"] for row in final["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["◀ Previous", "Read in English", "Read in Urdu"]
    assert paragraphs[-1] in final["text"]


async def test_also_reported_lists_the_other_sources(bot: BotHarness) -> None:
    first = (
        await add_article(
            bot.store, title="Karachi flooding: Met Office warns of more rain", source="Dawn"
        )
    ).article_id
    second = (
        await add_article(
            bot.store,
            title="Met Office warns of more rain as Karachi flooding spreads",
            source="The News",
            published_at=hours_ago(2),
        )
    ).article_id
    third = (
        await add_article(
            bot.store,
            title="Karachi flooding: more rain ahead, Met Office warns",
            source="Express Tribune",
            published_at=hours_ago(3),
        )
    ).article_id
    card = await bot.send(PRIVATE, f"/read {first}")

    others = await bot.press(PRIVATE, card.button("Also reported"), card.messages[0]["message_id"])

    assert ("Also reported by 2 other sources.", f"also:{first}") in card.buttons
    assert others.text.splitlines() == [  # oldest first
        "Also reported by 2 other sources.",
        f"{third} · Karachi flooding: more rain ahead, Met Office warns",
        "    Express Tribune · 3 hr. ago",
        f"{second} · Met Office warns of more rain as Karachi flooding spreads",
        "    The News · 2 hr. ago",
    ]
    assert [data for _, data in others.buttons] == [f"open:{third}", f"open:{second}"]


async def test_also_reported_counts_sources_not_articles(bot: BotHarness) -> None:
    first = (
        await add_article(
            bot.store, title="Karachi flooding: Met Office warns of more rain", source="Dawn"
        )
    ).article_id
    await add_article(
        bot.store,
        title="Karachi flooding: Met Office warns of more rain (updated)",
        source="Dawn",
        published_at=hours_ago(2),
    )
    single = await bot.send(PRIVATE, f"/read {first}")
    await add_article(
        bot.store,
        title="Met Office warns of more rain as Karachi flooding spreads",
        source="The News",
        published_at=hours_ago(3),
    )

    two = await bot.send(PRIVATE, f"/read {first}")

    assert not any("Also reported" in label for label, _ in single.buttons)
    assert ("Also reported by 1 other source.", f"also:{first}") in two.buttons


async def test_a_story_with_one_source_has_no_also_button(bot: BotHarness) -> None:
    article_id = (await add_article(bot.store, title="Only one paper has this")).article_id

    card = await bot.send(PRIVATE, f"/read {article_id}")

    assert not any("Also reported" in label for label, _ in card.buttons)


@pytest.mark.parametrize(
    "args", ["", "abc", "99999999999999999999", "-5", "0", "1 2", "1.5", "١٢x"]
)
async def test_read_bad_input_shows_usage(bot: BotHarness, args: str) -> None:
    english = await bot.send(PRIVATE, f"/read {args}".strip())
    urdu = await bot.send(URDU_CHAT, f"/read {args}".strip(), language_code="ur")

    assert english.text == "Usage: /read <id> — the number shown next to each headline."
    assert urdu.text == "استعمال: /read <نمبر> — ہر سرخی کے ساتھ لکھا ہوا نمبر۔"


async def test_read_accepts_urdu_digits_and_reports_a_missing_story(bot: BotHarness) -> None:
    article_id = (await add_article(bot.store, title="Numbered story")).article_id
    urdu_digits = str(article_id).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    found = await bot.send(PRIVATE, f"/read {urdu_digits}")
    missing = await bot.send(URDU_CHAT, "/read 424242", language_code="ur")

    assert found.text.startswith("Numbered story\n")
    assert missing.text == "نمبر 424242 کی کوئی خبر نہیں ملی۔"


HOSTILE_TITLE = '<script>alert("x")</script> Tom & Jerry <b>bold</b> &amp; 1 < 2'


async def test_hostile_titles_are_escaped_everywhere(bot: BotHarness) -> None:
    # The fake refuses malformed HTML, so every accepted message proves the escaping.
    article_id = (
        await add_article(
            bot.store,
            title=HOSTILE_TITLE,
            source="Tom & Jerry <News>",
            text="Jerry & Tom <i>met</i> again. " * 5,
            url="https://example.com/a?x=1&y=<2>",
        )
    ).article_id
    other = (
        await add_article(bot.store, title=HOSTILE_TITLE + " again", source="Spike & Co")
    ).article_id

    latest = await bot.send(PRIVATE, "/latest")
    card = await bot.send(PRIVATE, f"/read {article_id}")
    message_id = card.messages[0]["message_id"]
    reader = await bot.press(PRIVATE, f"read:{article_id}:0", message_id)
    found = await bot.send(PRIVATE, "/search Jerry")
    also = await bot.press(PRIVATE, f"also:{article_id}", message_id)

    assert f"{article_id} · {HOSTILE_TITLE}" in latest.text
    assert "Tom & Jerry <News> · 1 hr. ago" in latest.text
    assert card.text.splitlines()[:2] == [HOSTILE_TITLE, "Source: Tom & Jerry <News>"]
    assert reader.methods == ["answerCallbackQuery", "editMessageText"]
    assert "Jerry & Tom <i>met</i> again." in bot.message(PRIVATE, message_id)["text"]
    assert HOSTILE_TITLE in found.text
    assert f"{other} · {HOSTILE_TITLE} again" in also.text


async def test_a_runaway_title_is_shortened_on_cards_and_lists(bot: BotHarness) -> None:
    title = "Breaking & developing: " + "کراچی میں بارش 🌧 " * 400
    article_id = (await add_article(bot.store, title=title, language="ur")).article_id

    card = await bot.send(URDU_CHAT, f"/read {article_id}", language_code="ur")
    listing = await bot.send(URDU_CHAT, "/latest", language_code="ur")

    assert len(card.messages) == 1
    shown = card.text.splitlines()[0]
    assert shown.startswith("Breaking & developing: کراچی میں بارش")
    assert shown.endswith("…") and len(shown) <= 300
    headline = listing.text.splitlines()[2]
    assert headline.endswith("…") and len(headline) <= 150 + len(f"{article_id} · ")
