"""Pushing stories to chats: the sender, claiming and leasing, sending, pacing, outcome recording,
rendering, gone chats."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from bot.push.claim import ClaimedChat, Claims
    from bot.push.gone import chat_is_gone, retire_chat
    from bot.push.pacing import ChatSpacing, FloodWatch, Pacer, Pacing, PushConfig
    from bot.push.record import Recorder
    from bot.push.render import BACKLOG_SHOWN, render_backlog, render_push, render_story
    from bot.push.send import Courier
    from bot.push.sender import Sender

__all__ = [
    "BACKLOG_SHOWN",
    "ChatSpacing",
    "ClaimedChat",
    "Claims",
    "Courier",
    "FloodWatch",
    "Pacer",
    "Pacing",
    "PushConfig",
    "Recorder",
    "Sender",
    "chat_is_gone",
    "render_backlog",
    "render_push",
    "render_story",
    "retire_chat",
]

__getattr__ = lazy_exports(__name__, __path__)
