"""Forum topics: the thread (``message_thread_id``) an update was written in, where the bot's
answers go and whose subscriptions it acts on.

Only a topic message of a forum supergroup counts. In other supergroups a reply carries the
``message_thread_id`` of its reply chain, which is no place to post to; the General topic's
messages carry none (Telegram refuses ``message_thread_id=1`` for sending), so the General
topic is the group itself, None. A button press counts in the topic of the message it is under.
"""

from __future__ import annotations

from telegram import Update

__all__ = ["GENERAL_TOPIC", "thread_of", "topic_refusal"]

GENERAL_TOPIC = 1  # the General topic's thread id, never sent as message_thread_id
# Telegram's 400s for a forum topic that cannot take a message, the chat being fine: a deleted
# topic answers "message thread not found" (MTProto's TOPIC_DELETED), a closed one
# "TOPIC_CLOSED" (to a bot that may not manage topics).
_TOPIC_GONE = ("message thread not found", "topic_deleted")
_TOPIC_CLOSED = "topic_closed"


def thread_of(update: Update) -> int | None:
    """The forum topic the update comes from; None outside a topic (and in the General topic)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or not chat.is_forum or not message.is_topic_message:
        return None
    thread = message.message_thread_id
    return thread if thread is not None and thread != GENERAL_TOPIC else None


def topic_refusal(reason: str) -> str | None:
    """Whether Telegram's refusal is the forum topic's: "gone" (deleted), "closed", or None."""
    lowered = reason.lower()
    if _TOPIC_CLOSED in lowered:
        return "closed"
    return "gone" if any(g in lowered for g in _TOPIC_GONE) else None
