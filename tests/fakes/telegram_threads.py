"""Forum topics in the fake Bot API's state: which threads of a forum supergroup exist, and what
Telegram answers a message sent to one (``message_thread_id``).

A topic's id is the id of the service message that created it. The General topic has id 1 but
takes no ``message_thread_id``: a message sent with 1, or with a thread in a chat that is not a
forum, or to a deleted topic is refused with 400 "message thread not found"; a closed topic
with 400 "TOPIC_CLOSED" (the bot is no topic manager). A message the bot sent into a topic
carries ``message_thread_id`` and ``is_topic_message``, as Telegram's do.
"""

from typing import Any

from tests.fakes.telegram_errors import bad_request
from tests.fakes.telegram_state import BotState

__all__ = ["CLOSED", "DELETED", "OPEN", "THREAD_NOT_FOUND", "TOPIC_CLOSED", "thread_fields"]

OPEN, CLOSED, DELETED = "open", "closed", "deleted"
THREAD_NOT_FOUND = "message thread not found"
TOPIC_CLOSED = "TOPIC_CLOSED"


def thread_fields(state: BotState, chat_id: int | str, thread: Any) -> dict[str, Any]:
    """The fields a message sent with ``message_thread_id=thread`` gets; raise Telegram's 400
    when that thread cannot take it (None: no thread asked, nothing to add)."""
    if thread is None:
        return {}
    chat = state.chat(chat_id)
    status = chat.topics.get(thread) if isinstance(thread, int) else None
    if not chat.chat.get("is_forum") or status in (None, DELETED):
        raise bad_request(THREAD_NOT_FOUND)
    if status == CLOSED:
        raise bad_request(TOPIC_CLOSED)
    return {"message_thread_id": thread, "is_topic_message": True}
