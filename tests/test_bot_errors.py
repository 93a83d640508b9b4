"""End to end: unknown commands, forged buttons, the per-chat limit and the error handler."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import COMMANDS_PER_MINUTE
from storage import Article, Delivery, DeliveryState
from storage.chats import get_chat
from tests.bot_harness import GROUP, PRIVATE, BotHarness
from tests.factories import add_article

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
UNKNOWN_EN = "I don't know that command. Send /help to see what I can do."
UNKNOWN_UR = "یہ کمانڈ میری سمجھ میں نہیں آئی۔ میں کیا کر سکتا ہوں، یہ جاننے کے لیے /help بھیجیں۔"
GENERIC_EN = "Sorry, something went wrong. Please try again in a little while."
GENERIC_UR = "معذرت، کچھ گڑبڑ ہو گئی۔ براہ کرم تھوڑی دیر بعد دوبارہ کوشش کریں۔"


async def test_unknown_command_gets_a_localized_hint(bot: BotHarness) -> None:
    english = await bot.send(PRIVATE, "/frobnicate now")
    urdu = await bot.send(URDU_CHAT, "/frobnicate", language_code="ur")
    other_bot = await bot.send(PRIVATE, "/help@SomeOtherBot")

    assert english.text == UNKNOWN_EN
    assert urdu.text == UNKNOWN_UR
    assert other_bot.text == UNKNOWN_EN  # in a private chat every command is for us


async def test_unknown_command_in_a_group_only_when_addressed(bot: BotHarness) -> None:
    bare = await bot.send(GROUP, "/frobnicate")
    addressed = await bot.send(GROUP, "/frobnicate@khabar_test_bot")
    addressed_any_case = await bot.send(GROUP, "/frobnicate@Khabar_Test_Bot")

    assert bare.calls == []
    assert addressed.text == addressed_any_case.text == UNKNOWN_EN


async def test_plain_text_in_a_group_is_ignored(bot: BotHarness) -> None:
    group = await bot.send(GROUP, "hello everyone")

    assert group.calls == []  # in a private chat it is a search: tests/test_bot_plaintext.py


FORGED = [
    pytest.param("evil", id="unknown-action"),
    pytest.param("open:abc", id="non-numeric-id"),
    pytest.param("open:0", id="zero-id"),
    pytest.param("open:007", id="non-canonical-int"),
    pytest.param("open:99999999999999999999", id="id-over-range"),
    pytest.param("lang:fr", id="unknown-language"),
    pytest.param("latest:ALL:5:0", id="topic-pattern"),
    pytest.param("latest:all:500:0", id="count-over-range"),
    pytest.param("read:1:-1", id="negative-page"),
    pytest.param("sub:sports:extra", id="extra-argument"),
    pytest.param("summary:1", id="missing-argument"),
    pytest.param("x" * 64, id="64-bytes"),
    pytest.param("open:1\u0660", id="non-ascii-digit"),
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_callback_data_gets_a_short_answer_and_nothing_else(
    bot: BotHarness, data: str
) -> None:
    article_id = (await add_article(bot.store, title="Anything")).article_id
    card = await bot.send(PRIVATE, f"/read {article_id}")
    before = bot.message(PRIVATE, card.messages[0]["message_id"])

    english = await bot.press(PRIVATE, data, card.messages[0]["message_id"])
    urdu = await bot.press(URDU_CHAT, data, 1, language_code="ur")

    assert english.methods == ["answerCallbackQuery"]
    assert english.params("answerCallbackQuery")[0]["text"] == (
        "This button no longer works. Please send the command again."
    )
    assert urdu.params("answerCallbackQuery")[0]["text"] == (
        "یہ بٹن اب کام نہیں کرتا۔ براہ کرم کمانڈ دوبارہ بھیجیں۔"
    )
    assert bot.message(PRIVATE, card.messages[0]["message_id"]) == before


async def test_well_formed_buttons_for_missing_things(bot: BotHarness) -> None:
    article_id = (await add_article(bot.store, title="Anything")).article_id
    card = await bot.send(PRIVATE, f"/read {article_id}")
    message_id = card.messages[0]["message_id"]

    opened = await bot.press(PRIVATE, "open:424242", message_id)
    topic = await bot.press(PRIVATE, "latest:weather:5:0", message_id)

    assert opened.text == "There is no story number 424242."
    assert topic.methods == ["answerCallbackQuery", "editMessageText"]


async def test_a_button_under_a_message_too_old_to_edit_sends_a_new_one(
    bot: BotHarness,
) -> None:
    for n in range(3):
        await add_article(bot.store, title=f"Story {n}")

    # A message the chat no longer shows the bot (older than 48 h) arrives with date 0.
    pressed = await bot.press(PRIVATE, "latest:all:1:1", 424242)

    assert pressed.methods == ["answerCallbackQuery", "sendMessage"]
    assert pressed.text.startswith("Latest news\n\n")


async def test_a_button_under_a_deleted_message_sends_a_new_one(bot: BotHarness) -> None:
    bot.expect_errors()  # the refused edit
    for n in range(3):
        await add_article(bot.store, title=f"Story {n}")
    listing = await bot.send(PRIVATE, "/latest 1")
    message_id = listing.messages[0]["message_id"]
    bot.fake.state.chats[PRIVATE].messages[message_id].deleted = True  # the user deleted it

    pressed = await bot.press(PRIVATE, listing.button("Next"), message_id)

    assert pressed.methods == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert pressed.text.startswith("Latest news\n\n")
    assert bot.errors.records == []


async def test_per_chat_command_limit(bot: BotHarness) -> None:
    for _ in range(COMMANDS_PER_MINUTE):
        assert (await bot.send(PRIVATE, "/help")).methods == ["sendMessage"]

    limited = await bot.send(PRIVATE, "/help")
    quiet = await bot.send(PRIVATE, "/latest")
    button = await bot.press(PRIVATE, "lang:en", 1)
    other_chat = await bot.send(URDU_CHAT, "/help", language_code="ur")

    assert limited.text == (
        "That's a lot of requests at once — please wait a moment and try again."
    )
    assert quiet.calls == []  # warned once per window, then silent
    assert button.methods == ["answerCallbackQuery"]
    assert other_chat.text.startswith("میں کیا کر سکتا ہوں")


async def test_words_typed_in_a_private_chat_count_against_the_limit(bot: BotHarness) -> None:
    for _ in range(COMMANDS_PER_MINUTE):
        await bot.send(PRIVATE, "flood Karachi")  # each one a search

    limited = await bot.send(PRIVATE, "flood Sindh")
    in_group = await bot.send(GROUP, "flood Sindh")  # talk there is no request: never limited

    assert limited.text == (
        "That's a lot of requests at once — please wait a moment and try again."
    )
    assert in_group.calls == []


async def test_per_chat_limit_in_urdu(bot: BotHarness) -> None:
    for _ in range(COMMANDS_PER_MINUTE):
        await bot.send(URDU_CHAT, "/frobnicate", language_code="ur")

    limited = await bot.send(URDU_CHAT, "/help", language_code="ur")

    assert limited.text == "ایک ساتھ بہت ساری درخواستیں آ گئی ہیں، ذرا رک کر دوبارہ کوشش کریں۔"


@pytest.mark.parametrize(
    ("chat_id", "language_code", "generic"),
    [
        pytest.param(PRIVATE, "en", GENERIC_EN, id="english"),
        pytest.param(URDU_CHAT, "ur", GENERIC_UR, id="urdu"),
    ],
)
async def test_a_failing_handler_reaches_the_error_handler(
    bot: BotHarness, chat_id: int, language_code: str, generic: str
) -> None:
    bot.expect_errors()
    bot.fake.fail_next("sendMessage", 400, "Bad Request: something unexpected")

    reply = await bot.send(chat_id, "/help", language_code=language_code)

    assert reply.methods == ["sendMessage", "sendMessage"]
    assert reply.text == generic
    (logged,) = [r.getMessage() for r in bot.errors.records]
    assert logged.endswith("failed: BadRequest('Something unexpected')")


async def test_a_failing_button_reaches_the_error_handler(bot: BotHarness) -> None:
    bot.expect_errors()
    for n in range(3):
        await add_article(bot.store, title=f"Story {n}")
    listing = await bot.send(PRIVATE, "/latest 1")
    bot.fake.fail_next("editMessageText", 400, "Bad Request: something unexpected")

    pressed = await bot.press(PRIVATE, listing.button("Next"), listing.messages[0]["message_id"])

    # The button was answered before the failure, so the error handler's answer is refused
    # (and ignored); the user still gets the message.
    assert pressed.methods == [
        "answerCallbackQuery",
        "editMessageText",
        "answerCallbackQuery",
        "sendMessage",
    ]
    assert [c.method for c in bot.refused_calls()] == ["editMessageText", "answerCallbackQuery"]
    assert pressed.text == GENERIC_EN
    assert len(bot.errors.records) == 1


async def test_the_user_never_sees_a_traceback_when_telegram_fails_twice(
    bot: BotHarness,
) -> None:
    bot.expect_errors()
    bot.fake.fail_next("sendMessage", 400, "Bad Request: something unexpected", count=2)

    reply = await bot.send(PRIVATE, "/help")
    after = await bot.send(PRIVATE, "/help")

    assert reply.messages == []
    assert after.text.startswith("What I can do")


@pytest.mark.parametrize(
    ("chat_id", "command", "method", "status", "reason"),
    [
        pytest.param(PRIVATE, "/help", "sendMessage", 403, "Forbidden: bot was blocked by the user", id="reply-blocked"),
        pytest.param(GROUP, "/help", "sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat", id="reply-kicked"),
        pytest.param(PRIVATE, "/help", "sendMessage", 400, "Bad Request: chat not found", id="reply-chat-not-found"),
        pytest.param(PRIVATE, "button", "editMessageText", 403, "Forbidden: bot was blocked by the user", id="button-edit-blocked"),
    ],
)  # fmt: skip
async def test_a_refused_reply_deactivates_the_chat_as_a_push_does(
    bot: BotHarness, chat_id: int, command: str, method: str, status: int, reason: str
) -> None:
    bot.expect_errors()
    for n in range(3):
        await add_article(bot.store, title=f"Story {n}")
    listing = await bot.send(chat_id, "/latest 1")
    await bot.send(chat_id, "/subscribe world")
    story = (await add_article(bot.store, title="Fresh news for the outbox")).article_id
    async with bot.store.write() as session:
        article = await session.get(Article, story)
        assert article is not None and article.story_id is not None
        session.add(Delivery(chat_id=chat_id, story_id=article.story_id, article_id=story))
    bot.fake.fail_next(method, status, reason)

    if command == "button":
        message_id = listing.messages[0]["message_id"]
        refused = await bot.press(chat_id, listing.button("Next"), message_id)
    else:
        refused = await bot.send(chat_id, command)
    async with bot.store.read() as session:
        chat = await get_chat(session, chat_id)
        states = (await session.execute(select(Delivery.state))).scalars().all()

    assert refused.methods[-1] == method  # nothing more is sent to a chat that refused us
    assert [c.method for c in bot.refused_calls()] == [method]
    assert chat is not None and not chat.active
    assert reason.split(": ", 1)[1] in (chat.inactive_reason or "").lower()
    assert states == [DeliveryState.SKIPPED]
    assert bot.errors.records == []  # an expected answer, logged at INFO, not a failure

    again = await bot.send(chat_id, "/help")  # the chat writes again: it is active again

    assert again.text.startswith("What I can do")
    async with bot.store.read() as session:
        chat = await get_chat(session, chat_id)
    assert chat is not None and chat.active
