"""The Bot API methods the fake server answers, each a function of (state, params) -> result."""

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram_errors import bad_request
from tests.fakes.telegram_html import render_text
from tests.fakes.telegram_inline import answer_inline_query
from tests.fakes.telegram_objects import JSON, make_user_json, utf16_len
from tests.fakes.telegram_photos import check_photo
from tests.fakes.telegram_state import BotState, StoredMessage
from tests.fakes.telegram_threads import thread_fields

__all__ = ["CHAT_METHODS", "METHODS", "commands_key"]

MAX_TEXT_LENGTH = 4096  # UTF-16 units after entity parsing (sendMessage docs)
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")

Handler = Callable[[BotState, JSON], Any]


def commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    """Key commands as Telegram does: by scope object and language code."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code or "")


def _chat_id(params: JSON) -> int | str:
    chat_id = params.get("chat_id")
    if chat_id is None or chat_id == "":
        raise bad_request("chat_id is empty")
    if not isinstance(chat_id, int | str):
        raise bad_request("chat not found")
    return chat_id


def _render(params: JSON, key: str, entities_key: str) -> tuple[str, list[JSON]]:
    return render_text(
        str(params.get(key) or ""), params.get("parse_mode"), params.get(entities_key)
    )


def _text(params: JSON) -> tuple[str, list[JSON]]:
    text, entities = _render(params, "text", "entities")
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text.strip()) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, entities


def _caption(params: JSON) -> tuple[str, list[JSON]]:
    caption, entities = _render(params, "caption", "caption_entities")
    if utf16_len(caption.strip()) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return caption, entities


def _inline_markup(params: JSON) -> JSON | None:
    """Validate reply_markup; return it if it is an inline keyboard (the only kind echoed back)."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup if "inline_keyboard" in markup else None


def get_me(state: BotState, params: JSON) -> JSON:
    """getMe: the bot's own User."""
    return state.bot_user


def set_webhook(state: BotState, params: JSON) -> bool:
    """setWebhook: record url, secret_token and the rest; an empty url removes the webhook."""
    state.webhook = dict(params) if params.get("url") else None
    if params.get("drop_pending_updates"):
        state.updates.clear()
    return True


def delete_webhook(state: BotState, params: JSON) -> bool:
    """deleteWebhook: forget the webhook, optionally dropping queued updates."""
    return set_webhook(state, {"drop_pending_updates": params.get("drop_pending_updates")})


def get_webhook_info(state: BotState, params: JSON) -> JSON:
    """getWebhookInfo: the recorded webhook and the number of queued updates."""
    webhook = state.webhook or {}
    info: JSON = {
        "url": webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    for key in ("max_connections", "allowed_updates", "ip_address"):
        if key in webhook:
            info[key] = webhook[key]
    return info


def send_message(state: BotState, params: JSON) -> JSON:
    """sendMessage: store a text message from the bot."""
    chat_id = _chat_id(params)
    text, entities = _text(params)
    return state.add_message(
        chat_id,
        state.bot_user,
        text=text,
        entities=entities or None,
        reply_markup=_inline_markup(params),
        **thread_fields(state, chat_id, params.get("message_thread_id")),
    )


def send_photo(state: BotState, params: JSON) -> JSON:
    """sendPhoto: store a photo message (file_id, URL or upload) with an optional caption."""
    chat_id = _chat_id(params)
    if not params.get("photo"):
        raise bad_request("there is no photo in the request")
    topic = thread_fields(state, chat_id, params.get("message_thread_id"))
    check_photo(state, params["photo"])
    caption, entities = _caption(params)
    serial = f"{chat_id}_{state.chat(chat_id).next_message_id}"
    photo = {
        "file_id": f"AgACAgFake{serial}",
        "file_unique_id": f"AQADFake{serial}",
        "width": 1280,
        "height": 720,
        "file_size": 1024,
    }
    return state.add_message(
        chat_id,
        state.bot_user,
        photo=[photo],
        caption=caption or None,
        caption_entities=entities or None,
        reply_markup=_inline_markup(params),
        **topic,
    )


def _apply_edit(state: BotState, stored: StoredMessage, changes: JSON) -> JSON:
    current = {key: stored.json.get(key) for key in changes}
    if current == changes:
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            stored.json.pop(key, None)
        else:
            stored.json[key] = value
    return state.mark_edited(stored)


def edit_message_text(state: BotState, params: JSON) -> JSON | bool:
    """editMessageText: replace text (and keyboard: omitting reply_markup removes it)."""
    text, entities = _text(params)
    markup = _inline_markup(params)
    if params.get("inline_message_id"):
        return True
    stored = state.find_bot_message(_chat_id(params), params.get("message_id"))
    if "text" not in stored.json:
        raise bad_request("there is no text in the message to edit")
    changes = {"text": text, "entities": entities or None, "reply_markup": markup}
    return _apply_edit(state, stored, changes)


def edit_message_caption(state: BotState, params: JSON) -> JSON | bool:
    """editMessageCaption: replace a media message's caption (and keyboard)."""
    caption, entities = _caption(params)
    markup = _inline_markup(params)
    if params.get("inline_message_id"):
        return True
    stored = state.find_bot_message(_chat_id(params), params.get("message_id"))
    if "text" in stored.json:
        raise bad_request("there is no caption in the message to edit")
    changes = {
        "caption": caption or None,
        "caption_entities": entities or None,
        "reply_markup": markup,
    }
    return _apply_edit(state, stored, changes)


def edit_message_reply_markup(state: BotState, params: JSON) -> JSON | bool:
    """editMessageReplyMarkup: replace or remove the inline keyboard."""
    markup = _inline_markup(params)
    if params.get("inline_message_id"):
        return True
    stored = state.find_bot_message(_chat_id(params), params.get("message_id"))
    return _apply_edit(state, stored, {"reply_markup": markup})


def delete_message(state: BotState, params: JSON) -> bool:
    """deleteMessage: mark a message deleted."""
    stored = state.find_message(
        _chat_id(params), params.get("message_id"), "message to delete not found"
    )
    stored.deleted = True
    return True


def answer_callback_query(state: BotState, params: JSON) -> bool:
    """answerCallbackQuery: accept each pushed callback query's id once."""
    query_id = str(params.get("callback_query_id", ""))
    if query_id not in state.open_callback_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    state.open_callback_queries.discard(query_id)
    return True


def set_my_commands(state: BotState, params: JSON) -> bool:
    """setMyCommands: record the list for its scope and language_code."""
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND_NAME_RE.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("command description must be non-empty")
    key = commands_key(params.get("scope"), params.get("language_code"))
    state.commands[key] = copy.deepcopy(commands)
    return True


def get_my_commands(state: BotState, params: JSON) -> list[JSON]:
    """getMyCommands: the list recorded for exactly this scope and language_code."""
    key = commands_key(params.get("scope"), params.get("language_code"))
    return copy.deepcopy(state.commands.get(key, []))


def delete_my_commands(state: BotState, params: JSON) -> bool:
    """deleteMyCommands: forget the list for this scope and language_code."""
    state.commands.pop(commands_key(params.get("scope"), params.get("language_code")), None)
    return True


def get_chat(state: BotState, params: JSON) -> JSON:
    """getChat: a ChatFullInfo with the fields PTB 22 requires."""
    chat = state.chat(_chat_id(params)).chat
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {**dict.fromkeys(gifts, False), "gifts_from_channels": False},
    }


def _member_json(state: BotState, chat_id: int | str, user_id: int) -> JSON:
    chat = state.chat(chat_id)
    user = state.users.get(user_id) or make_user_json(user_id, first_name=f"User {user_id}")
    if user_id == state.bot_user["id"]:
        user = state.bot_user
    if user_id == chat.owner_id:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if user_id in chat.admin_ids:
        rights = (
            "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
            "can_restrict_members", "can_promote_members", "can_change_info",
            "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
        )  # fmt: skip
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **dict.fromkeys(rights, True),
        }
    return {"status": "member", "user": user}


def get_chat_member(state: BotState, params: JSON) -> JSON:
    """getChatMember: creator/administrator as configured, otherwise member."""
    user_id = params.get("user_id")
    if not isinstance(user_id, int):
        raise bad_request("invalid user_id specified")
    return _member_json(state, _chat_id(params), user_id)


def get_chat_administrators(state: BotState, params: JSON) -> list[JSON]:
    """getChatAdministrators: the configured owner and admins of a group."""
    chat_id = _chat_id(params)
    chat = state.chat(chat_id)
    if chat.chat["type"] == "private":
        raise bad_request("there are no administrators in the private chat")
    ids = ([chat.owner_id] if chat.owner_id is not None else []) + chat.admin_ids
    return [_member_json(state, chat_id, user_id) for user_id in ids]


def send_chat_action(state: BotState, params: JSON) -> bool:
    """sendChatAction: accept Telegram's known actions."""
    chat_id = _chat_id(params)
    thread = params.get("message_thread_id")
    if thread != 1:  # the General topic's typing takes its id (unlike its messages)
        thread_fields(state, chat_id, thread)
    if params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "answerInlineQuery": answer_inline_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "sendChatAction": send_chat_action,
}
# Methods whose chat_id is checked against the chat's state before they run.
CHAT_METHODS = frozenset(METHODS) - {
    "getMe",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "answerCallbackQuery",
    "answerInlineQuery",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
}
