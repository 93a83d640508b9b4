"""The fake Bot API behaves like Telegram towards the real client: messages, errors and limits."""

import asyncio
import datetime as dtm
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from tests.fakes import (
    DEFAULT_TOKEN,
    BotAPIError,
    FakeTelegramAPI,
    FloodLimits,
    Limit,
    telegram_client,
)
from tests.fakes.telegram_client import BUTTON, CHAT, GROUP
from tests.fakes.telegram_flood import FloodControl
from tests.fakes.telegram_photos import refuse_photo

fake = telegram_client.fake  # the fixtures: one definition for the fake's test files
bot = telegram_client.bot


async def test_get_me_identifies_the_bot(fake: FakeTelegramAPI, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (123456, "khabar_test_bot", True)
    assert [call.method for call in fake.calls] == ["getMe", "getMe"]


async def test_wrong_token_is_refused(fake: FakeTelegramAPI) -> None:
    wrong = Bot("999:wrong", base_url=fake.base_url, base_file_url=fake.base_file_url)

    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


@pytest.mark.parametrize(
    ("path", "status", "description"),
    [
        pytest.param("/bot999:wrong/getMe", 401, "Unauthorized", id="wrong-token"),
        pytest.param(f"/bot{DEFAULT_TOKEN}/sendTelegram", 404, "Not Found", id="unknown-method"),
    ],
)
async def test_http_errors_use_real_status(
    fake: FakeTelegramAPI, path: str, status: int, description: str
) -> None:
    async with aiohttp.ClientSession() as session, session.post(fake.base_url[:-4] + path) as r:
        body = await r.json()

    assert (r.status, body) == (
        status,
        {"ok": False, "error_code": status, "description": description},
    )


async def test_json_body_and_case_insensitive_method(fake: FakeTelegramAPI) -> None:
    url = f"{fake.base_url}{DEFAULT_TOKEN}/sendmessage"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"chat_id": CHAT, "text": "hi"}) as response,
    ):
        body = await response.json()

    assert (response.status, body["ok"], body["result"]["text"]) == (200, True, "hi")
    assert fake.sent("sendMessage") == [{"chat_id": CHAT, "text": "hi"}]


async def test_send_message_returns_realistic_messages(fake: FakeTelegramAPI, bot: Bot) -> None:
    first = await bot.send_message(CHAT, "42")
    second = await bot.send_message(
        CHAT, "Hello <b>Alice</b> &amp; co", parse_mode=ParseMode.HTML, reply_markup=BUTTON
    )

    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "42"  # a numeric text is not JSON-decoded into an int
    assert second.text == "Hello Alice & co"
    assert second.text_html == "Hello <b>Alice</b> &amp; co"
    assert second.reply_markup == BUTTON
    assert second.from_user is not None and second.from_user.id == 123456
    assert second.chat.type == "private"
    assert fake.sent("sendMessage", chat_id=CHAT)[0] == {"chat_id": CHAT, "text": "42"}
    assert [m["text"] for m in fake.messages(CHAT)] == ["42", "Hello Alice & co"]


async def test_valid_html_becomes_entities(bot: Bot) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><u>u</u><s>x</s><tg-spoiler>t</tg-spoiler>"
        '<span class="tg-spoiler">p</span><a href="https://e.com/?a=1&b=2">l</a>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>c</code>'
        '<pre><code class="language-python">q</code></pre><blockquote expandable>z</blockquote>'
        " &lt;&gt;&quot;&#39;&#x1F600;"
    )

    message = await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)

    assert message.text == "bsiuxtpl👍cqz <>\"'😀"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 1), ("bold", 1, 1), ("italic", 2, 1), ("underline", 3, 1),
        ("strikethrough", 4, 1), ("spoiler", 5, 1), ("spoiler", 6, 1), ("text_link", 7, 1),
        ("custom_emoji", 8, 2), ("code", 10, 1), ("pre", 11, 1), ("expandable_blockquote", 12, 1),
    ]  # fmt: skip
    assert message.entities[7].url == "https://e.com/?a=1&b=2"
    assert message.entities[10].language == "python"


LONG_EMOJI = "😀" * 2049  # 2049 code points, 4098 UTF-16 units


@pytest.mark.parametrize(
    ("text", "parse_mode", "expected"),
    [
        pytest.param("x" * 4097, None, "message is too long", id="too-long"),
        pytest.param(LONG_EMOJI, None, "message is too long", id="too-long-utf16"),
        pytest.param(" \n", None, "message text is empty", id="empty"),
        pytest.param("<b></b>", "HTML", "message text is empty", id="empty-after-parsing"),
        pytest.param("<foo>x</foo>", "HTML", 'unsupported start tag "foo"', id="unknown-tag"),
        pytest.param("<b>x", "HTML", "can't find end tag", id="unclosed"),
        pytest.param("<b>x</b", "HTML", "unclosed end tag", id="cut-end-tag"),
        pytest.param("x</b>", "HTML", "unexpected end tag", id="stray-end-tag"),
        pytest.param("<b><i>x</b></i>", "HTML", "unmatched end tag", id="crossed"),
        pytest.param("a < b", "HTML", "can't parse entities", id="stray-lt"),
        pytest.param("AT&T", "HTML", "can't parse entities", id="stray-amp"),
        pytest.param("a&nbsp;b", "HTML", "can't parse entities", id="named-entity"),
        pytest.param("<br/>", "HTML", "can't parse entities", id="self-closing"),
        pytest.param('<span class="x">s</span>', "HTML", "tg-spoiler", id="plain-span"),
    ],
)
async def test_send_message_refusals(
    bot: Bot, text: str, parse_mode: str | None, expected: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(CHAT, text, parse_mode=parse_mode)

    assert expected in str(caught.value).lower()


async def test_length_limit_counts_text_after_parsing(bot: Bot) -> None:
    message = await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")

    assert len(message.text or "") == 4096


async def test_callback_data_over_64_bytes_is_refused(bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="ü" * 33)]])

    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(CHAT, "pick", reply_markup=markup)


@pytest.mark.parametrize(
    ("photo", "refused", "error"),
    [
        pytest.param("not a url", None, "wrong file identifier/http url specified", id="garbage"),
        pytest.param("ftp://e.com/p.jpg", None, "wrong file identifier", id="not-http"),
        pytest.param("https://img.invalid/p.jpg", None, "failed to get http url", id="no-host"),
        pytest.param(
            "https://e.com/page.html",
            "wrong type of the web page content",
            "wrong type of the web page content",
            id="refused-by-the-test",
        ),
    ],
)
async def test_a_photo_telegram_cannot_fetch_is_a_400(
    fake: FakeTelegramAPI, bot: Bot, photo: str, refused: str | None, error: str
) -> None:
    if refused:
        refuse_photo(fake.state, photo, refused)
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.send_photo(CHAT, photo, caption="c")
    assert fake.sent("sendPhoto") == []


async def test_photo_caption_and_upload(fake: FakeTelegramAPI, bot: Bot) -> None:
    by_url = await bot.send_photo(
        CHAT, "https://e.com/p.jpg", caption="<i>c</i>", parse_mode="HTML"
    )
    uploaded = await bot.send_photo(CHAT, b"\x89PNG fake bytes", caption="2")

    assert (by_url.caption, by_url.caption_entities[0].type, len(by_url.photo)) == (
        "c",
        "italic",
        1,
    )
    assert fake.sent("sendPhoto")[1]["photo"]["upload"] is not None
    assert uploaded.caption == "2"  # a numeric caption stays text, also in multipart bodies
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(CHAT, "https://e.com/p.jpg", caption="c" * 1025)
    edited = await bot.edit_message_caption(CHAT, by_url.message_id, caption="new")
    assert isinstance(edited, Message) and edited.caption == "new"


async def test_edits_and_deletes_track_message_state(fake: FakeTelegramAPI, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "<b>v1</b>", parse_mode="HTML", reply_markup=BUTTON)

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>v1</b>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=BUTTON
        )
    edited = await bot.edit_message_text("v2", CHAT, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("v3", CHAT, 99)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id)

    assert isinstance(edited, Message) and edited.edit_date is not None
    assert [(m["text"], m.get("reply_markup")) for m in fake.messages(CHAT)] == [("v2", None)]
    assert await bot.delete_message(CHAT, sent.message_id)
    assert fake.messages(CHAT) == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


@pytest.mark.parametrize(
    ("chat_id", "script", "error", "expected"),
    [
        pytest.param(CHAT, "block", Forbidden, "bot was blocked by the user", id="blocked"),
        pytest.param(-42, "kick", Forbidden, "bot was kicked from the group chat", id="kicked"),
        pytest.param(CHAT, "delete_chat", BadRequest, "chat not found", id="deleted"),
    ],
)
async def test_chat_states_refuse_sends(
    fake: FakeTelegramAPI,
    bot: Bot,
    chat_id: int,
    script: str,
    error: type[TelegramError],
    expected: str,
) -> None:
    getattr(fake, script)(chat_id)

    with pytest.raises(error) as caught:
        await bot.send_message(chat_id, "news")

    assert expected in str(caught.value).lower()
    fake.restore_chat(chat_id)
    assert (await bot.send_message(chat_id, "news")).text == "news"


async def test_migrated_group_raises_chat_migrated(fake: FakeTelegramAPI, bot: Bot) -> None:
    fake.migrate(-42, GROUP)

    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-42, "news")

    assert caught.value.new_chat_id == GROUP
    assert (await bot.send_message(GROUP, "news")).chat.type == "supergroup"


async def test_fail_next_injects_errors_in_order(fake: FakeTelegramAPI, bot: Bot) -> None:
    fake.fail_next("sendMessage", 429, retry_after=3)
    fake.fail_next("sendMessage", 500, "Internal Server Error", count=2)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "a")
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "a")
    await bot.send_message(CHAT, "a")

    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    assert (fake.rate_limited_count, len(fake.calls), len(fake.sent("sendMessage"))) == (1, 5, 1)


async def test_delay_makes_the_client_time_out(fake: FakeTelegramAPI, bot: Bot) -> None:
    fake.delay("sendMessage", 1.0)

    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "slow", read_timeout=0.2)
    fake.delay("sendMessage", 0)
    assert (await bot.send_message(CHAT, "fast")).text == "fast"


async def test_flood_limits_answer_429_when_enforced() -> None:
    limits = FloodLimits(
        private_chat=Limit(2, 1.0), group_chat=Limit(3, 60.0), overall=Limit(6, 1.0)
    )
    now = [0.0]  # the fake's own clock: this test moves it, so a slow machine changes nothing
    async with (
        FakeTelegramAPI(
            enforce_limits=True, limits=limits, time_scale=2, clock=lambda: now[0]
        ) as fake,
        Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot,
    ):
        outcomes: list[Any] = []

        async def send(chat_id: int) -> None:
            try:
                await bot.send_message(chat_id, "x")
                outcomes.append("ok")
            except RetryAfter as exc:
                outcomes.append(exc.retry_after)

        for chat_id in [CHAT, CHAT, CHAT]:  # 2 per 0.5 s in one private chat
            await send(chat_id)
        now[0] += 0.55
        for chat_id in [GROUP] * 4:  # 3 per 30 s in one group
            await send(chat_id)
        now[0] += 0.55
        for chat_id in range(10, 17):  # 6 per 0.5 s overall
            await send(chat_id)

    second = dtm.timedelta(seconds=1)
    assert outcomes == ["ok"] * 2 + [second] + ["ok"] * 3 + [30 * second] + ["ok"] * 6 + [second]
    assert fake.rate_limited_count == 3


@pytest.mark.parametrize(
    ("recorded", "at", "refused"),
    [
        pytest.param([2.0, 0.5], 2.2, False, id="an-old-stamp-arriving-late-expires"),
        pytest.param([2.0, 2.1], 2.2, True, id="two-in-the-window"),
        pytest.param([2.5, 2.6], 2.2, True, id="sent-later-arrived-first"),
        pytest.param([0.5, 3.5], 2.2, False, id="outside-every-window"),
    ],
)
def test_flood_control_counts_stamps_that_arrive_out_of_order(
    recorded: list[float], at: float, refused: bool
) -> None:
    # A request stamped when its client sent it can arrive after one sent later.
    flood = FloodControl(FloodLimits(overall=Limit(2, 1.0)))
    for stamp in recorded:
        flood.record(1000 + int(stamp * 10), stamp)  # a chat each: only the overall limit
    try:
        flood.check(999, at)
    except BotAPIError as exc:
        assert refused, exc
    else:
        assert not refused


async def test_flood_limits_are_off_by_default(fake: FakeTelegramAPI, bot: Bot) -> None:
    await asyncio.gather(*(bot.send_message(CHAT, str(n)) for n in range(40)))

    assert len(fake.messages(CHAT)) == 40
