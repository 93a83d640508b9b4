"""What Telegram's answers mean, from a table: each answer to a send (the Message, or the error
it raised) and the outcome for its deliveries; and the same rule for a reply's refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import Chat, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.push.gone import chat_is_gone
from bot.push.outcomes import (
    Attempt,
    Failed,
    Gone,
    Migrate,
    PictureRefused,
    ResendPlain,
    RetryAt,
    SendOutcome,
    Sent,
    ThreadGone,
    classify,
)
from bot.push.pacing import PushConfig

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONFIG = PushConfig(max_attempts=5, backoff=2.0)
MESSAGE = Message(message_id=77, date=NOW, chat=Chat(1, Chat.PRIVATE))
PARSE = "Bad Request: can't parse entities: unsupported start tag"


def later(seconds: float) -> datetime:
    """NOW plus ``seconds``."""
    return NOW + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("answer", "attempt", "expected"),
    [
        pytest.param(MESSAGE, Attempt(NOW), Sent(77), id="message-is-sent"),
        pytest.param(MESSAGE, Attempt(NOW, plain=True), Sent(77), id="plain-text-resend-is-sent"),
        pytest.param(
            RetryAfter(timedelta(seconds=3)),
            Attempt(NOW, attempts=2),
            RetryAt(later(3), "429: retry after 3 s", retry_after=3.0),
            id="429-retries-after-what-telegram-said",
        ),
        pytest.param(
            RetryAfter(timedelta(seconds=1.5)),
            Attempt(NOW, attempts=5),
            RetryAt(later(1.5), "429: retry after 1.5 s", retry_after=1.5),
            id="429-is-never-a-last-attempt",
        ),
        pytest.param(
            Forbidden("Forbidden: bot is not a member of the channel chat"),
            Attempt(NOW),
            Gone("Forbidden: bot is not a member of the channel chat"),
            id="any-403-is-gone",
        ),
        pytest.param(
            BadRequest("Bad Request: PEER_ID_INVALID"),
            Attempt(NOW),
            Gone("Peer_id_invalid"),
            id="peer-id-invalid-is-gone",
        ),
        pytest.param(
            BadRequest(PARSE),
            Attempt(NOW),
            ResendPlain("Can't parse entities: unsupported start tag"),
            id="refused-html-is-resent-as-plain-text",
        ),
        pytest.param(
            BadRequest(PARSE),
            Attempt(NOW, plain=True),
            Failed("Can't parse entities: unsupported start tag", refused=True),
            id="refused-plain-text-fails",
        ),
        pytest.param(
            BadRequest("Bad Request: message is too long"),
            Attempt(NOW),
            Failed("Message is too long", refused=True),
            id="other-400-fails",
        ),
        pytest.param(
            BadRequest("Bad Request: wrong file identifier/HTTP URL specified"),
            Attempt(NOW, photo=True),
            PictureRefused("Wrong file identifier/http url specified"),
            id="picture-url-refused-goes-as-text",
        ),
        pytest.param(
            BadRequest("Bad Request: failed to get HTTP URL content"),
            Attempt(NOW, photo=True),
            PictureRefused("Failed to get http url content"),
            id="picture-unreachable-goes-as-text",
        ),
        pytest.param(
            BadRequest("Bad Request: wrong type of the web page content"),
            Attempt(NOW, photo=True),
            PictureRefused("Wrong type of the web page content"),
            id="any-400-on-a-picture-goes-as-text",
        ),
        pytest.param(
            BadRequest(PARSE),
            Attempt(NOW, photo=True),
            PictureRefused("Can't parse entities: unsupported start tag"),
            id="refused-caption-goes-as-text",
        ),
        pytest.param(
            TimedOut(),
            Attempt(NOW, attempts=1),
            RetryAt(later(2), "network: Timed out"),
            id="timeout-is-retried",
        ),
        pytest.param(
            NetworkError("Bad Gateway"),
            Attempt(NOW, attempts=3),
            RetryAt(later(8), "network: Bad Gateway"),
            id="network-error-backs-off",
        ),
        pytest.param(
            NetworkError("Bad Gateway"),
            Attempt(NOW, attempts=5),
            Failed("network: Bad Gateway"),
            id="network-error-on-the-last-attempt-fails",
        ),
        pytest.param(
            TelegramError("Internal Server Error"),
            Attempt(NOW, attempts=4),
            RetryAt(later(16), "network: Internal Server Error"),
            id="other-telegram-error-is-retried",
        ),
    ],
)
def test_classify(answer: Message | TelegramError, attempt: Attempt, expected: SendOutcome) -> None:
    assert classify(answer, attempt, CONFIG) == expected


@pytest.mark.parametrize("photo", [False, True], ids=["text", "picture"])
@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(
            Forbidden("Forbidden: bot was blocked by the user"),
            Gone("Forbidden: bot was blocked by the user"),
            id="403-blocked-is-gone",
        ),
        pytest.param(
            BadRequest("Bad Request: chat not found"),
            Gone("Chat not found"),
            id="chat-not-found-is-gone",
        ),
        pytest.param(ChatMigrated(-1005), Migrate(-1005), id="group-became-a-supergroup"),
        pytest.param(
            BadRequest("Bad Request: message thread not found"),
            ThreadGone("Message thread not found"),
            id="deleted-topic-is-gone-not-the-chat",
        ),
        pytest.param(
            BadRequest("Bad Request: TOPIC_DELETED"),
            ThreadGone("Topic_deleted"),
            id="topic-deleted-is-gone",
        ),
        pytest.param(
            BadRequest("Bad Request: TOPIC_CLOSED"),
            ThreadGone("Topic_closed", closed=True),
            id="closed-topic",
        ),
    ],
)
def test_a_gone_or_migrated_chat_is_so_for_text_and_pictures(
    answer: TelegramError, expected: SendOutcome, photo: bool
) -> None:
    assert classify(answer, Attempt(NOW, photo=photo), CONFIG) == expected


def test_backoff_waits_five_minutes_at_most() -> None:
    config = PushConfig(max_attempts=20, backoff=2.0)
    outcome = classify(NetworkError("Bad Gateway"), Attempt(NOW, attempts=9), config)
    assert outcome == RetryAt(later(300), "network: Bad Gateway")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(Forbidden("Forbidden: bot was blocked by the user"), True, id="403"),
        pytest.param(BadRequest("Bad Request: chat not found"), True, id="chat-not-found"),
        pytest.param(BadRequest("Bad Request: user is deactivated"), True, id="deactivated"),
        pytest.param(BadRequest(PARSE), False, id="refused-html"),
        pytest.param(BadRequest("Bad Request: message is too long"), False, id="other-400"),
        pytest.param(BadRequest("Bad Request: message thread not found"), False, id="topic"),
        pytest.param(RetryAfter(timedelta(seconds=3)), False, id="429"),
        pytest.param(ChatMigrated(-1005), False, id="migrated"),
        pytest.param(TimedOut(), False, id="timeout"),
        pytest.param(ValueError("not Telegram's"), False, id="not-a-telegram-error"),
        pytest.param(None, False, id="no-error"),
    ],
)
def test_a_replys_refusal_is_judged_as_a_pushs(error: BaseException | None, expected: bool) -> None:
    assert chat_is_gone(error) is expected
    if isinstance(error, TelegramError):
        assert isinstance(classify(error, Attempt(NOW)), Gone) is expected
