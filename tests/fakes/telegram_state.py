"""In-memory state of the fake Bot API: chats and their messages, users, commands, updates."""

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_errors import bad_request, forbidden
from tests.fakes.telegram_objects import JSON, chat_type_for, make_chat_json, make_message_json

__all__ = ["SENDING_METHODS", "BotState", "ChatState", "StoredMessage"]

# Methods refused with 403 once the user blocked the bot (reading the chat still works).
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendChatAction",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
    }
)


@dataclass
class StoredMessage:
    """One message as the chat shows it now, and who wrote it."""

    json: JSON
    from_bot: bool
    deleted: bool = False


@dataclass
class ChatState:
    """A chat, its messages and how it currently treats the bot."""

    chat: JSON
    blocked: bool = False
    kicked: bool = False
    deleted: bool = False
    migrated_to: int | None = None
    admin_ids: list[int] = field(default_factory=list)
    owner_id: int | None = None
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    # A forum's topics: thread id -> "open", "closed" or "deleted" (tests.fakes.telegram_threads).
    topics: dict[int, str] = field(default_factory=dict)


class BotState:
    """Everything the fake Telegram remembers for one bot."""

    def __init__(self, bot_user: JSON) -> None:
        self.bot_user = bot_user
        self.chats: dict[int | str, ChatState] = {}
        self.users: dict[int, JSON] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.webhook: JSON | None = None
        self.open_callback_queries: set[str] = set()
        self.updates: list[JSON] = []
        self.next_update_id = 1
        self.refused_photos: dict[str, str] = {}  # photo URL -> the 400 Telegram answers
        self.open_inline_queries: set[str] = set()
        self.inline_answers: dict[str, JSON] = {}  # query id -> the answer's parameters

    def chat(self, chat_id: int | str, chat: JSON | None = None) -> ChatState:
        """Return the chat's state, creating it (from `chat` JSON or the id) on first sight."""
        if chat_id not in self.chats:
            self.chats[chat_id] = ChatState(chat or make_chat_json(chat_id, chat_type_for(chat_id)))
        return self.chats[chat_id]

    def check_access(self, chat_id: int | str, method: str) -> None:
        """Raise the error Telegram gives for this chat's state (deleted, migrated, kicked…)."""
        state = self.chats.get(chat_id)
        if state is None:
            return
        if state.deleted:
            raise bad_request("chat not found")
        if state.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=state.migrated_to,
            )
        if state.kicked and state.chat["type"] == "channel":
            raise forbidden("bot is not a member of the channel chat")
        if state.kicked:
            kind = "supergroup" if state.chat["type"] == "supergroup" else "group"
            raise forbidden(f"bot was kicked from the {kind} chat")
        if state.blocked and method in SENDING_METHODS:
            raise forbidden("bot was blocked by the user")

    def add_message(self, chat_id: int | str, sender: JSON, **fields: Any) -> JSON:
        """Store a new message with the chat's next message_id and return a copy of its JSON."""
        state = self.chat(chat_id)
        if state.chat["type"] == "channel":  # a channel's messages are all the channel's own
            fields.setdefault("sender_chat", state.chat)
        message = make_message_json(state.next_message_id, state.chat, sender, **fields)
        state.messages[state.next_message_id] = StoredMessage(
            message, from_bot=sender["id"] == self.bot_user["id"]
        )
        state.next_message_id += 1
        return copy.deepcopy(message)

    def find_message(self, chat_id: int | str, message_id: Any, missing: str) -> StoredMessage:
        """Return a live message or raise 400 with Telegram's `missing` description."""
        state = self.chats.get(chat_id)
        stored = state.messages.get(message_id) if state and isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            raise bad_request(missing)
        return stored

    def find_bot_message(self, chat_id: int | str, message_id: Any) -> StoredMessage:
        """Return a live message the bot may edit, or raise Telegram's edit refusals."""
        stored = self.find_message(chat_id, message_id, "message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    def mark_edited(self, stored: StoredMessage) -> JSON:
        """Stamp edit_date on an edited message and return a copy of its JSON."""
        stored.json["edit_date"] = int(time.time())
        return copy.deepcopy(stored.json)

    def push_update(self, update: JSON) -> JSON:
        """Queue an update for getUpdates, numbering it if it has no update_id."""
        if "update_id" not in update:
            update = {"update_id": self.next_update_id, **update}
        self.next_update_id = max(self.next_update_id, update["update_id"] + 1)
        self.updates.append(update)
        return update

    def confirm_updates(self, offset: int) -> None:
        """Drop updates the bot confirmed; a negative offset keeps only the last -offset ones."""
        if offset < 0:
            del self.updates[:offset]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
