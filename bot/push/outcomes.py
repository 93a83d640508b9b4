"""What Telegram's answer to a message means: one pure function from the answer (the Message, or
the error the send raised) to what becomes of the deliveries, stated as a table of named cases
in tests/test_push_outcomes.py.

Pushes act on every outcome (bot.push.send); replies to commands and buttons ask only whether
the chat is gone (bot.push.gone), so a reply's 403 and a push's 403 are decided here alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.budget.budget import retry_seconds
from bot.push.pacing import PushConfig
from bot.threads import topic_refusal

__all__ = [
    "Attempt",
    "Failed",
    "Gone",
    "Migrate",
    "PictureRefused",
    "ResendPlain",
    "RetryAt",
    "SendOutcome",
    "Sent",
    "ThreadGone",
    "classify",
]

# Telegram's answers that mean the chat is gone for good (ptb-testing.md §1.7); 403s always are.
_GONE = (
    "chat not found",
    "user is deactivated",
    "bot was blocked",
    "bot was kicked",
    "chat was deleted",
    "group chat was deactivated",
    "peer_id_invalid",
)
_DEFAULTS = PushConfig()


@dataclass(frozen=True)
class Sent:
    """Telegram took the message."""

    message_id: int


@dataclass(frozen=True)
class RetryAt:
    """Queue the deliveries again, due at ``at``."""

    at: datetime
    reason: str
    # Set for Telegram's 429: the try is not counted, and the chat (maybe every chat) waits.
    retry_after: float | None = None


@dataclass(frozen=True)
class Gone:
    """The chat blocked or removed the bot, or no longer exists: retire it."""

    reason: str


@dataclass(frozen=True)
class ResendPlain:
    """Telegram refused our HTML: send the same words once more, as plain text."""

    reason: str


@dataclass(frozen=True)
class PictureRefused:
    """Telegram refused the picture card (its URL, its content, any 400 on the photo): send the
    same card as text, and never offer that picture again."""

    reason: str


@dataclass(frozen=True)
class ThreadGone:
    """The forum topic the message went to was deleted (or, ``closed``, closed by its admins):
    retire that topic, not the chat (bot.push.gone.retire_thread)."""

    reason: str
    closed: bool = False


@dataclass(frozen=True)
class Migrate:
    """The group became a supergroup: move the chat to ``chat_id`` and queue again."""

    chat_id: int


@dataclass(frozen=True)
class Failed:
    """The deliveries fail for good."""

    reason: str
    refused: bool = False  # Telegram refused this message (else the retries ran out)


SendOutcome = Sent | RetryAt | Gone | ThreadGone | ResendPlain | PictureRefused | Migrate | Failed


@dataclass(frozen=True)
class Attempt:
    """What an answer is judged with: when it came, the tries so far (this one included), and
    whether it answered the plain-text resend or a picture card (sendPhoto)."""

    now: datetime
    attempts: int = 1
    plain: bool = False
    photo: bool = False


def classify(
    answer: Message | TelegramError, attempt: Attempt, config: PushConfig = _DEFAULTS
) -> SendOutcome:
    """What Telegram's answer to a send means for its deliveries."""
    if isinstance(answer, Message):
        return Sent(answer.message_id)
    reason = str(answer)
    if isinstance(answer, RetryAfter):
        seconds = retry_seconds(answer.retry_after)
        at = attempt.now + timedelta(seconds=seconds)
        return RetryAt(at, f"429: retry after {seconds:g} s", retry_after=seconds)
    if isinstance(answer, ChatMigrated):
        return Migrate(answer.new_chat_id)
    if isinstance(answer, BadRequest) and (topic := topic_refusal(reason)) is not None:
        # Before the picture's case: a photo sent to a deleted topic is refused for the topic.
        return ThreadGone(reason, closed=topic == "closed")
    gone = isinstance(answer, Forbidden) or any(g in reason.lower() for g in _GONE)
    if isinstance(answer, BadRequest) and attempt.photo and not gone:
        # "wrong file identifier/HTTP URL specified", "failed to get HTTP URL content", ...
        return PictureRefused(reason)
    if (
        isinstance(answer, BadRequest)
        and not attempt.plain
        and "can't parse entities" in reason.lower()
    ):
        return ResendPlain(reason)
    if isinstance(answer, Forbidden) or (isinstance(answer, BadRequest) and gone):
        return Gone(reason)
    if isinstance(answer, BadRequest):
        return Failed(reason, refused=True)
    # Timeouts, refused connections, 5xx: the outcome of a timed-out send is unknown, and
    # retrying may send it twice (at-least-once, ptb-testing.md §4.9).
    if attempt.attempts >= config.max_attempts:
        return Failed(f"network: {answer}")
    wait = min(300.0, config.backoff**attempt.attempts)
    return RetryAt(attempt.now + timedelta(seconds=wait), f"network: {answer}")
