"""End to end: /search (Urdu folding, pages, hostile queries) and /sources."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.feeds import FeedIn, add_feed, record_fetch_error, record_fetch_ok
from storage.types import utcnow
from tests.bot_harness import ADMIN_ID, GROUP, PRIVATE, BotHarness
from tests.factories import add_article, hours_ago

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1


async def test_search_with_arabic_kaf_finds_urdu_kaf(bot: BotHarness) -> None:
    karachi = (
        await add_article(
            bot.store, title="کراچی میں بارش", language="ur", text="کراچی میں تیز بارش ہوئی۔"
        )
    ).article_id
    await add_article(bot.store, title="لاہور میں دھوپ", language="ur", text="لاہور میں دھوپ۔")

    # "كراچي" is typed with Arabic kaf and yeh, as some keyboards and pasted text do.
    reply = await bot.send(URDU_CHAT, "/search كراچي", language_code="ur")

    assert reply.text.splitlines() == [
        "’كراچي‘ کے نتائج",
        "",
        f"{karachi} · کراچی میں بارش",
        "    Test Wire · 1 گھنٹہ پہلے",
    ]
    assert reply.buttons == [(str(karachi), f"open:{karachi}")]


async def test_search_english_is_case_insensitive(bot: BotHarness) -> None:
    found = (
        await add_article(bot.store, title="Floods in Sindh", text="Floods hit Sindh again.")
    ).article_id

    reply = await bot.send(PRIVATE, "/search FLOODS sindh")

    assert f"{found} · Floods in Sindh" in reply.text.splitlines()


@pytest.mark.parametrize(
    ("typed", "heading"),
    [
        pytest.param('"imran khan"', "Results for “imran khan”", id="straight"),
        pytest.param("“imran khan”", "Results for “imran khan”", id="curly"),
        pytest.param("'imran khan'", "Results for “imran khan”", id="single"),
        pytest.param("imran khan", "Results for “imran khan”", id="bare"),
    ],
)
async def test_search_heading_does_not_double_the_quotes(
    bot: BotHarness, typed: str, heading: str
) -> None:
    await add_article(bot.store, title="Imran Khan speaks", text="Imran Khan spoke on Friday.")

    reply = await bot.send(PRIVATE, f"/search {typed}")

    assert reply.text.splitlines()[0] == heading


async def test_search_pages_edit_the_message(bot: BotHarness) -> None:
    # Stored oldest first, as ingestion does: newest first is then also highest id first.
    ids = [
        (
            await add_article(bot.store, f"Cricket score {n}", published_at=hours_ago(10 - n))
        ).article_id
        for n in range(10)
    ]
    first = await bot.send(PRIVATE, "/search cricket")
    message_id = first.messages[0]["message_id"]

    second = await bot.press(PRIVATE, first.button("Next"), message_id)
    page2 = bot.message(PRIVATE, message_id)
    back = await bot.press(PRIVATE, _button_of(page2, "Previous"), message_id)

    assert sum("Cricket score" in line for line in first.text.splitlines()) == 8
    assert second.methods == ["answerCallbackQuery", "editMessageText"]
    assert [line for line in page2["text"].splitlines() if "Cricket" in line] == [
        f"{ids[1]} · Cricket score 1",
        f"{ids[0]} · Cricket score 0",
    ]
    assert back.methods == ["answerCallbackQuery", "editMessageText"]
    assert bot.message(PRIVATE, message_id)["text"] == first.messages[0]["text"]


def _button_of(message: dict[str, object], label: str) -> str:
    """The callback data of the button ``label`` under a message as the chat shows it."""
    markup = message["reply_markup"]
    assert isinstance(markup, dict)
    for row in markup["inline_keyboard"]:
        for button in row:
            if label in button["text"]:
                return str(button["callback_data"])
    raise AssertionError(f"no button {label!r}")


async def test_search_page_of_a_forgotten_query(bot: BotHarness) -> None:
    await add_article(bot.store, title="Anything")
    listing = await bot.send(PRIVATE, "/latest")

    reply = await bot.press(PRIVATE, "search:deadbeef:1", listing.messages[0]["message_id"])

    assert reply.methods == ["answerCallbackQuery", "editMessageText"]
    assert bot.message(PRIVATE, listing.messages[0]["message_id"])["text"] == (
        "This button no longer works. Please send the command again."
    )


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('x "', id="quote"),
        pytest.param("a OR b NOT c", id="fts-operators"),
        pytest.param("news*", id="star"),
        pytest.param("((news", id="parens"),
        pytest.param("-news", id="dash"),
        pytest.param('title:x "unbalanced', id="fts-column"),
        pytest.param("NEAR(a b)", id="near"),
        pytest.param("<b>x</b> &amp;", id="html"),
    ],
)
async def test_search_never_fails_on_odd_queries(bot: BotHarness, query: str) -> None:
    await add_article(bot.store, title="Some news")

    reply = await bot.send(PRIVATE, f"/search {query}")

    assert reply.methods == ["sendMessage"]
    assert reply.text in (
        "Nothing matched your search. Try fewer or different words.",
        f"Results for “{query}”",
    ) or reply.text.startswith(f"Results for “{query}”")


@pytest.mark.parametrize("args", ["", "x" * 201, '"', '""', "* -", "((("])
async def test_search_bad_input_shows_usage(bot: BotHarness, args: str) -> None:
    english = await bot.send(PRIVATE, f"/search {args}".strip())
    urdu = await bot.send(URDU_CHAT, f"/search {args}".strip(), language_code="ur")

    assert english.text == "Usage: /search <words>, e.g. /search flood Sindh"
    assert urdu.text == "استعمال: /search <الفاظ>، مثلاً /search سیلاب سندھ"


async def test_sources_show_each_feed_and_its_health(bot: BotHarness) -> None:
    bot.services.clock = utcnow
    async with bot.store.write() as session:
        ok, _ = await add_feed(session, FeedIn("https://dawn.example/feed", "Dawn & Co", "en"))
        bad, _ = await add_feed(session, FeedIn("https://jang.example/feed", "جنگ", "ur"))
        new, _ = await add_feed(session, FeedIn("https://new.example/feed", "", "en"))
        later = utcnow() + timedelta(minutes=5)
        await record_fetch_ok(session, ok.id, next_check_at=later, etag=None, last_modified=None)
        await record_fetch_error(
            session, bad.id, error="fetch: HTTP 503 <Service Unavailable>", next_check_at=later
        )

    # Admins, in a private chat, see each feed's URL and error (what others see: below).
    english = await bot.send(ADMIN_ID, "/sources")
    urdu = await bot.send(URDU_CHAT, "/sources", language_code="ur")

    lines = english.text.splitlines()
    assert lines[:2] == ["News sources", ""]
    assert lines[2] == f"{ok.id} · Dawn & Co [en]"
    assert lines[3].startswith("    ✅ working (")
    assert lines[4:] == [
        f"{bad.id} · جنگ [ur]",
        "    ⚠️ failing: fetch: HTTP 503 <Service Unavailable>",
        f"{new.id} · https://new.example/feed [en]",
        "    ⏳ not fetched yet",
    ]
    assert urdu.text.splitlines()[0] == "خبروں کے ذرائع"
    assert "ابھی تک چیک نہیں ہوا" in urdu.text


async def test_sources_for_everyone_else_show_no_url_and_no_raw_error(bot: BotHarness) -> None:
    bot.services.clock = utcnow
    secret = "https://reader:hunter2@feeds.example/rss?key=s3cret"
    async with bot.store.write() as session:
        new, _ = await add_feed(session, FeedIn(secret, secret, "en"))
        bad, _ = await add_feed(session, FeedIn("https://jang.example/feed?x=1", "جنگ", "ur"))
        await record_fetch_error(
            session,
            bad.id,
            error="fetch: HTTP 503 from https://jang.example/feed?x=1",
            next_check_at=utcnow(),
        )

    english = await bot.send(PRIVATE, "/sources")
    urdu = await bot.send(URDU_CHAT, "/sources", language_code="ur")
    in_group = await bot.send(GROUP, "/sources", user_id=ADMIN_ID)

    assert english.text.splitlines()[2:] == [
        f"{new.id} · feeds.example [en]",
        "    ⏳ not fetched yet",
        f"{bad.id} · جنگ [ur]",
        "    ⚠️ temporarily unavailable",
    ]
    assert "⚠️ عارضی طور پر دستیاب نہیں" in urdu.text
    for shown in (english.text, urdu.text, in_group.text):
        assert not any(part in shown for part in ("hunter2", "s3cret", "?x=1", "503", "http"))


async def test_sources_with_no_feeds(bot: BotHarness) -> None:
    reply = await bot.send(PRIVATE, "/sources")

    assert reply.text == "News sources\n\nNo news sources are set up yet."


async def test_search_heading_in_urdu_does_not_double_the_quotes(bot: BotHarness) -> None:
    await add_article(bot.store, title="کراچی میں بارش", language="ur", text="کراچی میں بارش۔")

    reply = await bot.send(URDU_CHAT, "/search “کراچی”", language_code="ur")

    assert reply.text.splitlines()[0] == "’کراچی‘ کے نتائج"
