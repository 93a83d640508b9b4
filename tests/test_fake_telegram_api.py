"""The fake Bot API server behaves like Telegram towards the real python-telegram-bot client."""

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes import (
    DEFAULT_TOKEN,
    BotAPIError,
    FakeTelegramAPI,
    FloodLimits,
    Limit,
    make_callback_update_json,
    make_update_json,
)
from tests.fakes.telegram_flood import FloodControl
from tests.fakes.telegram_inline import answers, inline_query
from tests.fakes.telegram_photos import refuse_photo

CHAT = 1001
LONG_POLL = 60  # seconds: far longer than any wake-up takes, however slow the machine
GROUP = -1001234567890
BUTTON = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    """A running fake Bot API with default settings."""
    async with FakeTelegramAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegramAPI) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the fake."""
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


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


async def _parked(fake: FakeTelegramAPI, polls: int) -> None:
    """Wait until the fake has taken ``polls`` getUpdates calls (the last one is parked)."""
    async with asyncio.timeout(30):
        while sum(c.method == "getUpdates" for c in fake.calls) < polls:  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_long_poll_waits_wakes_and_confirms(fake: FakeTelegramAPI, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9

    parked = asyncio.create_task(bot.get_updates(timeout=LONG_POLL))
    await _parked(fake, 2)
    pushed = time.monotonic()
    first = fake.push_text(CHAT, "/start")
    woke = await parked
    fake.push_text(CHAT, "two")
    third = fake.push_text(CHAT, "three")

    assert [u.update_id for u in woke] == [first["update_id"]]
    assert time.monotonic() - pushed < LONG_POLL / 2  # woken by the update, not the timeout
    remaining = await bot.get_updates(offset=first["update_id"] + 1, timeout=0)
    assert [u.message.text for u in remaining if u.message] == ["two", "three"]
    assert await bot.get_updates(offset=third["update_id"] + 1, timeout=0) == ()
    assert fake.pending_updates == []


async def test_negative_offset_keeps_the_newest(fake: FakeTelegramAPI, bot: Bot) -> None:
    for text in ["a", "b", "c"]:
        fake.push_text(CHAT, text)

    updates = await bot.get_updates(offset=-1, timeout=0)

    assert [u.message.text for u in updates if u.message] == ["c"]


async def test_stop_answers_parked_polls() -> None:
    fake = FakeTelegramAPI()
    await fake.start()
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url) as bot:
        parked = asyncio.create_task(bot.get_updates(timeout=LONG_POLL))
        await _parked(fake, 1)
        started = time.monotonic()
        await fake.stop()

        assert await parked == ()
        assert time.monotonic() - started < LONG_POLL / 2  # not the long-poll timeout


async def test_a_second_long_poll_ends_the_first_with_409(fake: FakeTelegramAPI, bot: Bot) -> None:
    parked = asyncio.create_task(bot.get_updates(timeout=LONG_POLL))
    await _parked(fake, 1)
    async with Bot(fake.token, base_url=fake.base_url) as other:  # a second bot process
        second = asyncio.create_task(other.get_updates(timeout=LONG_POLL))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await parked
        fake.push_text(CHAT, "/start")
        assert len(await second) == 1  # the newer poll goes on as usual
    assert fake.polls.conflicts == 1


async def test_webhook_is_recorded_and_blocks_polling(fake: FakeTelegramAPI, bot: Bot) -> None:
    await bot.set_webhook("https://bot.example/hook", secret_token="s3cret", max_connections=5)

    with pytest.raises(Conflict):
        await bot.get_updates()
    info = await bot.get_webhook_info()
    assert fake.webhook is not None and fake.webhook["secret_token"] == "s3cret"
    assert (info.url, info.max_connections) == ("https://bot.example/hook", 5)
    await bot.delete_webhook()
    assert fake.webhook is None
    assert await bot.get_updates() == ()


async def test_set_my_commands_recorded_per_language_and_scope(
    fake: FakeTelegramAPI, bot: Bot
) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("latest", "Latest news")])
    await bot.set_my_commands([BotCommand("start", "شروع")], language_code="ur")
    await bot.set_my_commands(
        [BotCommand("subscribe", "Subscribe the group")], scope=BotCommandScopeAllGroupChats()
    )

    assert [c["command"] for c in fake.commands()] == ["start", "latest"]
    assert fake.commands("ur") == [{"command": "start", "description": "شروع"}]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())] == [
        "subscribe"
    ]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Capitalised")])


async def test_chat_members_follow_configured_admins(fake: FakeTelegramAPI, bot: Bot) -> None:
    fake.set_admins(GROUP, [7], owner_id=1)

    admins = await bot.get_chat_administrators(GROUP)
    member = await bot.get_chat_member(GROUP, 8)
    chat = await bot.get_chat(GROUP)

    assert [(a.user.id, a.status) for a in admins] == [(1, "creator"), (7, "administrator")]
    assert (member.status, chat.type) == ("member", "supergroup")
    assert await bot.send_chat_action(GROUP, "typing")
    with pytest.raises(BadRequest, match=r"(?i)no administrators in the private chat"):
        await bot.get_chat_administrators(CHAT)


async def test_update_json_helpers_deserialize(bot: Bot) -> None:
    update = Update.de_json(make_update_json(CHAT, "/start@khabar_test_bot now"), bot)
    message = Message.de_json(make_update_json(CHAT, "hi", message_id=5)["message"], bot)
    press = Update.de_json(make_callback_update_json(CHAT, "more", message.to_dict()), bot)

    assert update.message is not None and update.message.text == "/start@khabar_test_bot now"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start@khabar_test_bot")
    assert update.effective_user is not None and update.effective_user.id == CHAT
    assert press.callback_query is not None and press.callback_query.data == "more"


async def test_application_polling_round_trip(fake: FakeTelegramAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_html(
            f"Hello <b>{update.effective_user.first_name}</b>", reply_markup=BUTTON
        )

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(f"You chose {update.callback_query.data}")

    app = (
        ApplicationBuilder()
        .token(DEFAULT_TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .get_updates_read_timeout(2)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(press))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        fake.push_text(CHAT, "/start", first_name="Alice")
        [reply] = await fake.wait_for("sendMessage")
        fake.push_callback(CHAT, "more", message_id=2)
        await fake.wait_for("editMessageText")
        await app.updater.stop()
        await app.stop()

    assert (reply["text"], reply["parse_mode"]) == ("Hello <b>Alice</b>", "HTML")
    assert [m["text"] for m in fake.messages(CHAT)] == ["You chose more"]
    assert len(fake.sent("answerCallbackQuery")) == 1
    assert fake.pending_updates == []
    assert [c.method for c in fake.calls][:3] == ["getMe", "deleteWebhook", "getUpdates"]


async def test_answer_inline_query_follows_telegrams_rules(fake: FakeTelegramAPI, bot: Bot) -> None:
    def article(n: int) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(str(n), f"t{n}", InputTextMessageContent(f"m{n}"))

    query_id = inline_query(fake.state, 5, "words")["inline_query"]["id"]
    with pytest.raises(BadRequest, match=r"(?i)result_id_duplicate"):
        await bot.answer_inline_query(query_id, [article(1), article(1)])
    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await bot.answer_inline_query(query_id, [article(n) for n in range(51)])
    assert await bot.answer_inline_query(query_id, [article(1)], next_offset="10")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, [article(2)])
    assert answers(fake.state)[0]["next_offset"] == "10"
