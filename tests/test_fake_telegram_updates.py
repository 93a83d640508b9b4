"""The fake Bot API towards the real client: updates, long polls, webhooks, commands, members and inline answers."""

import asyncio
import time

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from tests.fakes import (
    DEFAULT_TOKEN,
    FakeTelegramAPI,
    make_callback_update_json,
    make_update_json,
    telegram_client,
)
from tests.fakes.telegram_client import BUTTON, CHAT, GROUP, LONG_POLL
from tests.fakes.telegram_inline import answers, inline_query
from tests.waiting import until

fake = telegram_client.fake  # the fixtures: one definition for the fake's test files
bot = telegram_client.bot


async def _parked(fake: FakeTelegramAPI, polls: int) -> None:
    """Wait until the fake has taken ``polls`` getUpdates calls (the last one is parked)."""
    await until(lambda: sum(c.method == "getUpdates" for c in fake.calls) >= polls)


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
