"""Forum supergroups for the fake Bot API: a forum chat, its topics (opened, closed, deleted by
its admins) and messages users write in a topic, as Telegram sends them.

A message in a topic carries ``message_thread_id`` (the topic's id) and ``is_topic_message``;
one in the General topic carries neither.
"""

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_objects import JSON, command_entities, make_chat_json, make_user_json
from tests.fakes.telegram_threads import CLOSED, DELETED, OPEN

__all__ = ["close_topic", "delete_topic", "forum_chat", "open_topic", "topic_text"]


def forum_chat(fake: FakeTelegramAPI, chat_id: int, title: str = "Test Forum") -> JSON:
    """Register ``chat_id`` as a forum supergroup (``is_forum``); its Chat."""
    state = fake.state.chat(chat_id, make_chat_json(chat_id, "supergroup", title=title))
    state.chat.update(type="supergroup", title=title, is_forum=True)
    state.next_message_id = max(state.next_message_id, 2)  # 1 is the General topic's
    return dict(state.chat)


def open_topic(fake: FakeTelegramAPI, chat_id: int, name: str, *, by_user: int) -> int:
    """An admin creates a topic: its service message's id is the topic's thread id."""
    sender = make_user_json(by_user, first_name="Admin")
    created = {"name": name, "icon_color": 7322096}
    message = fake.state.add_message(chat_id, sender, forum_topic_created=created)
    thread = int(message["message_id"])
    fake.state.chat(chat_id).topics[thread] = OPEN
    return thread


def close_topic(fake: FakeTelegramAPI, chat_id: int, thread: int) -> None:
    """An admin closes the topic: only topic managers may post there now."""
    fake.state.chat(chat_id).topics[thread] = CLOSED


def delete_topic(fake: FakeTelegramAPI, chat_id: int, thread: int) -> None:
    """An admin deletes the topic with its messages: sends to it answer "thread not found"."""
    fake.state.chat(chat_id).topics[thread] = DELETED


def topic_text(
    fake: FakeTelegramAPI,
    chat_id: int,
    thread: int | None,
    text: str,
    *,
    user_id: int,
    language_code: str = "en",
) -> JSON:
    """Queue a user's text in the topic ``thread`` (None: the General topic); the Update."""
    sender = make_user_json(user_id, first_name="Member", language_code=language_code)
    fake.state.users[user_id] = sender
    topic = {"message_thread_id": thread, "is_topic_message": True} if thread else {}
    message = fake.state.add_message(
        chat_id, sender, text=text, entities=command_entities(text) or None, **topic
    )
    return fake.push_update({"message": message})
