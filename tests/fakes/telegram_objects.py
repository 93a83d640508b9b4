"""JSON builders for the Bot API objects the fake server hands out: users, chats, messages, updates."""

import re
import time
from typing import Any

__all__ = [
    "DEFAULT_GROUP_USER_ID",
    "JSON",
    "chat_type_for",
    "command_entities",
    "default_user_id",
    "make_callback_update_json",
    "make_chat_json",
    "make_message_json",
    "make_update_json",
    "make_user_json",
    "utf16_len",
]

JSON = dict[str, Any]

DEFAULT_GROUP_USER_ID = 4242  # the sender in groups when a test does not name one
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def utf16_len(text: str) -> int:
    """Count UTF-16 code units, the unit of Telegram's length limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def chat_type_for(chat_id: int | str) -> str:
    """Guess a chat type from its id: positive private, -100… supergroup, other negative group."""
    if isinstance(chat_id, str):
        return "channel"
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def make_user_json(
    user_id: int,
    *,
    first_name: str = "Test",
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> JSON:
    """Build a User object."""
    user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username is not None:
        user["username"] = username
    if language_code is not None:
        user["language_code"] = language_code
    return user


def make_chat_json(
    chat_id: int | str,
    chat_type: str | None = None,
    *,
    first_name: str = "Test",
    username: str | None = None,
    title: str | None = None,
) -> JSON:
    """Build a Chat object; private chats carry the user's names, others a title."""
    kind = chat_type or chat_type_for(chat_id)
    chat: JSON = {"id": chat_id, "type": kind}
    if kind == "private":
        chat["first_name"] = first_name
    else:
        chat["title"] = title or f"Chat {chat_id}"
    if username is not None:
        chat["username"] = username
    return chat


def command_entities(text: str) -> list[JSON]:
    """Mark /commands as bot_command entities, as Telegram does (PTB's CommandHandler needs them)."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND_RE.finditer(text)
    ]


def make_message_json(
    message_id: int, chat: JSON, sender: JSON, *, date: int | None = None, **fields: Any
) -> JSON:
    """Build a Message object; `fields` are added as given (text, entities, reply_markup…)."""
    message: JSON = {
        "message_id": message_id,
        "from": sender,
        "chat": chat,
        "date": int(time.time()) if date is None else date,
    }
    message.update({key: value for key, value in fields.items() if value is not None})
    return message


def make_update_json(
    chat_id: int,
    text: str,
    *,
    update_id: int = 1,
    message_id: int = 1,
    user_id: int | None = None,
    chat_type: str | None = None,
    language_code: str = "en",
    username: str | None = None,
    first_name: str = "Test",
    date: int | None = None,
) -> JSON:
    """Build an Update carrying a user's text message (commands get bot_command entities)."""
    kind = chat_type or chat_type_for(chat_id)
    sender_id = user_id if user_id is not None else default_user_id(chat_id, kind)
    sender = make_user_json(
        sender_id, first_name=first_name, username=username, language_code=language_code
    )
    chat = make_chat_json(chat_id, kind, first_name=first_name, username=username)
    message = make_message_json(
        message_id, chat, sender, date=date, text=text, entities=command_entities(text) or None
    )
    return {"update_id": update_id, "message": message}


def make_callback_update_json(
    chat_id: int,
    data: str,
    message: JSON,
    *,
    update_id: int = 1,
    query_id: str = "1",
    user_id: int | None = None,
    chat_type: str | None = None,
    language_code: str = "en",
    username: str | None = None,
    first_name: str = "Test",
) -> JSON:
    """Build an Update carrying a callback query pressed under `message`."""
    kind = chat_type or chat_type_for(chat_id)
    sender_id = user_id if user_id is not None else default_user_id(chat_id, kind)
    sender = make_user_json(
        sender_id, first_name=first_name, username=username, language_code=language_code
    )
    query: JSON = {
        "id": query_id,
        "from": sender,
        "message": message,
        "chat_instance": str(chat_id),
        "data": data,
    }
    return {"update_id": update_id, "callback_query": query}


def default_user_id(chat_id: int, chat_type: str) -> int:
    """Pick the sender when a test names none: the chat's own user in private chats."""
    return chat_id if chat_type == "private" else DEFAULT_GROUP_USER_ID
