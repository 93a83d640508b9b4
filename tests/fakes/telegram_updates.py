"""Updates a test scripts for the fake Bot API: a user's text message, a press of a button."""

import copy

from tests.fakes.telegram_objects import (
    JSON,
    chat_type_for,
    command_entities,
    default_user_id,
    make_callback_update_json,
    make_chat_json,
    make_message_json,
    make_user_json,
)
from tests.fakes.telegram_state import BotState

__all__ = ["callback_update", "text_message"]


def text_message(
    state: BotState,
    chat_id: int,
    text: str,
    *,
    user_id: int | None = None,
    chat_type: str | None = None,
    language_code: str = "en",
    username: str | None = None,
    first_name: str = "Test",
) -> JSON:
    """A user's message in ``chat_id``, stored in the chat's history as Telegram keeps it."""
    kind = chat_type or chat_type_for(chat_id)
    sender = make_user_json(
        user_id if user_id is not None else default_user_id(chat_id, kind),
        first_name=first_name,
        username=username,
        language_code=language_code,
    )
    state.users[sender["id"]] = sender
    state.chat(chat_id, make_chat_json(chat_id, kind, first_name=first_name, username=username))
    return state.add_message(chat_id, sender, text=text, entities=command_entities(text) or None)


def callback_update(
    state: BotState,
    chat_id: int,
    data: str,
    message_id: int,
    query_id: str,
    *,
    user_id: int | None = None,
    chat_type: str | None = None,
    language_code: str = "en",
    username: str | None = None,
    first_name: str = "Test",
) -> JSON:
    """The Update of a button press with ``data`` under message ``message_id``."""
    chat = state.chat(chat_id, make_chat_json(chat_id, chat_type, first_name=first_name))
    stored = chat.messages.get(message_id)
    message = copy.deepcopy(stored.json) if stored else None
    # A message the fake never saw has date 0: PTB reads it as an InaccessibleMessage.
    message = message or make_message_json(message_id, chat.chat, state.bot_user, date=0)
    return make_callback_update_json(
        chat_id,
        data,
        message,
        update_id=state.next_update_id,
        query_id=query_id,
        user_id=user_id,
        chat_type=chat.chat["type"],
        language_code=language_code,
        username=username,
        first_name=first_name,
    )
