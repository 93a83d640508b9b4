"""End to end: /latest shows its top story as a picture card when the story has a picture and
the chat has pictures on, the rest as the one-line list; a picture Telegram refuses is not
tried again and the list goes as before."""

from __future__ import annotations

from sqlalchemy import select

from storage import Article
from tests.bot_harness import PRIVATE, BotHarness
from tests.factories import add_article, hours_ago

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
OTHER_CHAT = PRIVATE + 2
PICTURE = "https://img.example.com/lights.jpg"
LEAD = "The lights of Block Nine are back. Residents paid for the repairs themselves."


async def _three(bot: BotHarness, picture: str = PICTURE) -> list[int]:
    """The newest story has a picture; the other two have none."""
    top = await add_article(
        bot.store,
        "Street lights return to Block Nine",
        lead=LEAD,
        source="Dawn",
        url="https://news.example.com/lights",
        image_url=picture,
        published_at=hours_ago(1),
    )
    rest = [
        await add_article(bot.store, title, published_at=hours_ago(n + 2))
        for n, title in enumerate(["Budget debate", "Rain in Lahore"])
    ]
    return [top.article_id, *(a.article_id for a in rest)]


async def test_the_top_story_is_a_picture_card_above_the_list(bot: BotHarness) -> None:
    top, second, third = await _three(bot)

    reply = await bot.send(PRIVATE, "/latest")

    assert reply.methods == ["sendPhoto", "sendMessage"]
    card, listing = reply.messages
    [photo] = reply.params("sendPhoto")
    assert photo["photo"] == PICTURE
    assert photo["caption"].startswith("<b>Street lights return to Block Nine</b>\n<i>Dawn · ")
    assert LEAD in photo["caption"]
    assert [b["text"] for b in card["reply_markup"]["inline_keyboard"][0]] == [
        "Read",
        "Original",
        "Share",
    ]
    assert listing["text"].splitlines() == [
        "Latest news",
        "",
        f"{second} · Budget debate",
        "    Test Wire · 2 hr. ago",
        f"{third} · Rain in Lahore",
        "    Test Wire · 3 hr. ago",
        "",
        "Tap a number or send /read <id> to read a story.",
    ]
    assert [b["callback_data"] for b in listing["reply_markup"]["inline_keyboard"][0]] == [
        f"open:{second}",
        f"open:{third}",
    ]
    assert card["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"open:{top}"


async def test_a_refused_picture_leaves_the_plain_list_and_is_not_tried_again(
    bot: BotHarness,
) -> None:
    top, *_ = await _three(bot, "https://img.unreachable.invalid/lights.jpg")
    bot.expect_errors()  # the refused sendPhoto

    first = await bot.send(PRIVATE, "/latest")
    again = await bot.send(PRIVATE, "/latest")

    assert first.methods == ["sendPhoto", "sendMessage"]
    assert first.messages == [first.messages[-1]]  # the photo was never posted
    assert first.text.splitlines()[2] == f"{top} · Street lights return to Block Nine"
    assert again.methods == ["sendMessage"]
    assert again.text == first.text
    async with bot.store.read() as session:
        refused = await session.scalar(select(Article.image_refused).where(Article.id == top))
    assert refused is True


async def test_pictures_off_a_single_story_or_another_language_keep_the_list(
    bot: BotHarness,
) -> None:
    await _three(bot)
    menu = await bot.send(PRIVATE, "/settings")
    await bot.press(PRIVATE, f"setv:{PRIVATE}:pics:off", menu.messages[0]["message_id"])

    off = await bot.send(PRIVATE, "/latest")
    one = await bot.send(OTHER_CHAT, "/latest 1")
    in_urdu = await bot.send(URDU_CHAT, "/latest", language_code="ur")  # its top is English

    assert off.methods == ["sendMessage"]
    assert one.methods == ["sendMessage"]
    assert in_urdu.methods == ["sendMessage"]


async def test_an_urdu_chat_gets_its_card_in_urdu(bot: BotHarness) -> None:
    await add_article(
        bot.store,
        "بلاک نائن میں اسٹریٹ لائٹس بحال",
        language="ur",
        lead="بلاک نائن کی بتیاں دوبارہ روشن ہو گئیں۔",
        source="جنگ",
        image_url=PICTURE,
    )
    await add_article(bot.store, "بجٹ پر بحث", language="ur", published_at=hours_ago(2))

    reply = await bot.send(URDU_CHAT, "/latest", language_code="ur")

    assert reply.methods == ["sendPhoto", "sendMessage"]
    card, listing = reply.messages
    assert "بلاک نائن میں اسٹریٹ لائٹس بحال" in card["caption"]
    assert card["reply_markup"]["inline_keyboard"][0][0]["text"] == "پڑھیں"
    assert listing["text"].splitlines()[0].endswith("تازہ ترین خبریں")
