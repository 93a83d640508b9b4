"""Hostile characters: NUL, other controls and bidi overrides never reach SQL or a chat.

Stored text is cleaned by the column types (storage.types.CleanString), command arguments by
the command handler (bot.args), displayed text by bot.render.html.escape: one place each, the same
function (storage.textnorm.clean_text). PostgreSQL refuses NUL in text outright, so these run on
both databases.
"""

from __future__ import annotations

import pytest

from storage import Store
from storage.articles import add_article, get_article, search_articles, stored_article
from storage.chats import add_mute, ensure_chat, list_mutes
from storage.feeds import FeedIn, add_feed, list_feeds
from storage.models import Article
from storage.subscriptions import list_subscriptions, subscribe
from storage.summaries import get_summary, put_summary
from storage.textnorm import clean_text, normalize_for_search
from tests.bot_harness import PRIVATE, BotHarness
from tests.factories import add_article as add_story
from tests.test_storage_models import article

pytest_plugins = ["tests.bot_harness"]

# NUL, BEL, a C1 control, a right-to-left override and an isolate from a feed, and CR LF.
HOSTILE = "Karachi\x00 rain\x07\x85 \u202etxet\u202c \u2067iso\u2069\r\nends"
CLEAN = "Karachi rain txet iso\nends"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(HOSTILE, CLEAN, id="hostile"),
        pytest.param("tab\tand\nnewline", "tab\tand\nnewline", id="tab-newline-kept"),
        pytest.param("a\rb\r\nc", "a\nb\nc", id="carriage-returns"),
        pytest.param("\u200fاردو\u200c متن\u200e", "\u200fاردو\u200c متن\u200e", id="urdu-marks-kept"),
        pytest.param("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", "", id="every-override"),
        pytest.param("half \ud800 surrogate", "half  surrogate", id="lone-surrogate"),
        pytest.param("plain text", "plain text", id="plain"),
    ],
)  # fmt: skip
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("علي كتاب له", "علی کتاب لہ", id="arabic-keyboard-letters"),
        pytest.param("گھر گهر ہ", "گہر گہر ہ", id="heh-forms"),
        pytest.param("پاکِستـــان", "پاکستان", id="diacritics-tatweel"),
        pytest.param("می\u200cخواهم\u200f", "میخواہم", id="joiners-marks"),
        pytest.param("٢٠٢٦ ۱۹", "2026 19", id="digits"),
        pytest.param("\ufefb \ufdf2", "لا اللہ", id="presentation-forms"),
        pytest.param("Cafe\u0301  ÉCOLE Straße", "café école strasse", id="english-nfc-casefold"),
        pytest.param(" a\u00a0b\u3000c\x1cd\te\n ", "a b cd e", id="unicode-spaces"),
    ],
)  # fmt: skip
def test_normalize_for_search(raw: str, expected: str) -> None:
    assert normalize_for_search(raw) == expected


async def test_stored_text_is_cleaned_on_both_databases(store: Store) -> None:
    async with store.write() as s:
        article_id = await add_article(
            s, article(1, title=HOSTILE, text=HOSTILE, lead=HOSTILE, source=HOSTILE, author=HOSTILE)
        )
        assert article_id is not None
        await add_feed(s, FeedIn("https://feed.example/rss\x00", HOSTILE, "en"))
        await ensure_chat(s, 5, type="group", language="en", timezone="UTC", title=HOSTILE)
        await subscribe(s, 5, kind="keyword", value=normalize_for_search(HOSTILE), display=HOSTILE)
        await add_mute(s, 5, HOSTILE)
        await put_summary(s, article_id, "en", "extractive", HOSTILE)
    async with store.read() as s:
        stored = await get_article(s, article_id)
        (feed,) = await list_feeds(s)
        (sub,) = await list_subscriptions(s, 5)
        mutes = await list_mutes(s, 5)
        summary = await get_summary(s, article_id, "en", ("extractive",))
        found = await search_articles(s, "karachi\x00 rain")
    assert stored is not None
    assert [stored.title, stored.text, stored.lead, stored.source, stored.author] == [CLEAN] * 5
    assert (feed.url, feed.title) == ("https://feed.example/rss", CLEAN)
    assert (sub.display, sub.value) == (CLEAN, normalize_for_search(CLEAN))
    assert mutes == [CLEAN]
    assert summary is not None and summary.text == CLEAN
    assert [a.id for a in found] == [article_id]


async def test_a_stored_article_built_is_the_row_read_back(store: Store) -> None:
    hostile = article(1, title=HOSTILE, text=HOSTILE, lead="", source=HOSTILE, guid="g\x00")
    async with store.write() as s:
        article_id = await add_article(s, hostile)
    assert article_id is not None
    async with store.read() as s:
        read = await get_article(s, article_id)
    built = stored_article(hostile, article_id)
    columns = [c.key for c in Article.__table__.columns if c.key != "image_refused"]
    assert read is not None
    assert {k: getattr(built, k) for k in columns} == {k: getattr(read, k) for k in columns}


async def test_command_arguments_are_cleaned_before_sql_and_display(bot: BotHarness) -> None:
    story = (await add_story(bot.store, title="Karachi rain floods the streets")).article_id

    mute = await bot.send(PRIVATE, "/mute crick\x00et")
    search = await bot.send(PRIVATE, "/search kara\x00chi\x07")
    follow = await bot.send(PRIVATE, '/subscribe "imran \u202ekhan\u202c"')
    welcome = await bot.send(PRIVATE, "/start", first_name="Ali\x00\u202e")
    async with bot.store.read() as session:
        mutes = await list_mutes(session, PRIVATE)
        subs = await list_subscriptions(session, PRIVATE)

    raw = [m["text"] for reply in (mute, search, follow, welcome) for m in reply.messages]
    assert not [text for text in raw if clean_text(text) != text]
    assert mute.text == "Stories containing “cricket” will be hidden."
    assert ("1", f"open:{story}") in search.buttons
    assert follow.text == "You'll now get new stories that mention “imran khan”."
    assert mutes == ["cricket"]
    assert [(s.value, s.display) for s in subs] == [("imran khan", "imran khan")]
    assert welcome.text.startswith("Hello, Ali! ")
