"""Channel updates for the fake Bot API: posts in a channel and the bot's status changes there.

In a channel Telegram shows every message as the channel's own (``sender_chat``, no ``from``),
and tells the bot of its own promotion or removal with ``my_chat_member``.
"""

import time

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_objects import JSON, command_entities, make_chat_json, make_user_json

__all__ = ["bot_status_update", "channel_chat", "channel_post"]

_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
    "can_edit_messages",
)  # fmt: skip


def channel_chat(fake: FakeTelegramAPI, channel_id: int, title: str = "Test Channel") -> JSON:
    """Register ``channel_id`` as a channel (its id alone reads as a supergroup); its Chat."""
    state = fake.state.chat(channel_id, make_chat_json(channel_id, "channel", title=title))
    state.chat["type"] = "channel"
    state.chat["title"] = title
    return dict(state.chat)


def channel_post(fake: FakeTelegramAPI, channel_id: int, text: str) -> JSON:
    """Queue a post in the channel (commands get bot_command entities); return the Update."""
    chat = fake.state.chat(channel_id).chat
    state = fake.state.chat(channel_id)
    message: JSON = {
        "message_id": state.next_message_id,
        "sender_chat": chat,
        "chat": chat,
        "date": int(time.time()),
        "text": text,
    }
    if entities := command_entities(text):
        message["entities"] = entities
    state.next_message_id += 1
    return fake.push_update({"channel_post": message})


def _member(fake: FakeTelegramAPI, status: str, *, can_post: bool) -> JSON:
    member: JSON = {"status": status, "user": fake.bot_user}
    if status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, False))
        member.update(can_manage_chat=True, can_post_messages=can_post, can_edit_messages=True)
    if status == "kicked":
        member["until_date"] = 0
    return member


def bot_status_update(
    fake: FakeTelegramAPI,
    channel_id: int,
    *,
    by_user: int,
    old: str,
    new: str,
    can_post: bool = True,
    language_code: str = "en",
) -> JSON:
    """Queue the ``my_chat_member`` update of the bot going from ``old`` to ``new`` status
    ("administrator", "left", "kicked", "member") in the channel, by that user."""
    user = make_user_json(by_user, first_name="Owner", language_code=language_code)
    fake.state.users[by_user] = user
    change = {
        "chat": fake.state.chat(channel_id).chat,
        "from": user,
        "date": int(time.time()),
        "old_chat_member": _member(fake, old, can_post=can_post),
        "new_chat_member": _member(fake, new, can_post=can_post),
    }
    return fake.push_update({"my_chat_member": change})
