"""The fake Bot API's forum topics behave like Telegram's towards the real client: messages go
to a topic with ``message_thread_id``, and a deleted, closed or unknown topic is refused."""

import pytest
from telegram import Bot, Update
from telegram.error import BadRequest

from tests.fakes import FakeTelegramAPI, telegram_client
from tests.fakes.telegram_client import CHAT, GROUP
from tests.fakes.telegram_forums import (
    close_topic,
    delete_topic,
    forum_chat,
    open_topic,
    topic_text,
)

fake = telegram_client.fake  # the fixtures: one definition for the fake's test files
bot = telegram_client.bot


async def test_a_message_sent_to_a_topic_is_a_topic_message(
    fake: FakeTelegramAPI, bot: Bot
) -> None:
    forum_chat(fake, GROUP)
    thread = open_topic(fake, GROUP, "Cricket", by_user=5001)

    sent = await bot.send_message(GROUP, "Score", message_thread_id=thread)
    photo = await bot.send_photo(
        GROUP, "https://img.example.com/a.jpg", caption="Pitch", message_thread_id=thread
    )
    general = await bot.send_message(GROUP, "Hello all")

    assert [(m.message_thread_id, bool(m.is_topic_message)) for m in (sent, photo, general)] == [
        (thread, True),
        (thread, True),
        (None, False),
    ]
    assert fake.sent("sendMessage")[0]["message_thread_id"] == thread


@pytest.mark.parametrize(
    ("chat", "change", "thread", "description"),
    [
        pytest.param(GROUP, delete_topic, None, "message thread not found", id="deleted"),
        pytest.param(GROUP, close_topic, None, "TOPIC_CLOSED", id="closed"),
        pytest.param(GROUP, None, 999, "message thread not found", id="unknown"),
        pytest.param(GROUP, None, 1, "message thread not found", id="general-by-id"),
        pytest.param(CHAT, None, 999, "message thread not found", id="not-a-forum"),
    ],
)
async def test_a_topic_that_cannot_take_the_message_is_refused(
    fake: FakeTelegramAPI, bot: Bot, chat: int, change: object, thread: int | None, description: str
) -> None:
    forum_chat(fake, GROUP)
    topic = open_topic(fake, GROUP, "Cricket", by_user=5001)
    if callable(change):
        change(fake, GROUP, topic)

    for send in (bot.send_message, bot.send_photo):
        with pytest.raises(BadRequest, match=f"(?i){description}"):
            await send(chat, "https://img.example.com/a.jpg", message_thread_id=thread or topic)


async def test_a_users_message_in_a_topic_carries_its_thread(
    fake: FakeTelegramAPI, bot: Bot
) -> None:
    forum_chat(fake, GROUP)
    thread = open_topic(fake, GROUP, "Cricket", by_user=5001)
    topic_text(fake, GROUP, thread, "/subscribe sports", user_id=5002)
    topic_text(fake, GROUP, None, "/subscribe world", user_id=5002)

    messages = [Update.de_json(u, bot).message for u in fake.pending_updates]

    assert [(m.message_thread_id, bool(m.is_topic_message)) for m in messages if m] == [
        (thread, True),
        (None, False),
    ]
    assert [m.chat.is_forum for m in messages if m] == [True, True]
