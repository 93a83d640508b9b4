"""Pushing stories to chats: the sender, claiming and leasing, sending, what Telegram's answers
mean, pacing, outcome recording, rendering, gone chats."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from bot.push.claim import ClaimedChat, Claims
    from bot.push.gone import chat_is_gone, retire_chat
    from bot.push.outcomes import (
        Attempt,
        Failed,
        Gone,
        Migrate,
        ResendPlain,
        RetryAt,
        SendOutcome,
        Sent,
        classify,
    )
    from bot.push.pacing import PushConfig
    from bot.push.record import Recorder
    from bot.push.render import BACKLOG_SHOWN, render_backlog, render_push, render_story
    from bot.push.send import Courier
    from bot.push.sender import Sender

__all__ = [
    "BACKLOG_SHOWN",
    "Attempt",
    "ClaimedChat",
    "Claims",
    "Courier",
    "Failed",
    "Gone",
    "Migrate",
    "PushConfig",
    "Recorder",
    "ResendPlain",
    "RetryAt",
    "SendOutcome",
    "Sender",
    "Sent",
    "chat_is_gone",
    "classify",
    "render_backlog",
    "render_push",
    "render_story",
    "retire_chat",
]

__getattr__ = lazy_exports(__name__, __path__)
