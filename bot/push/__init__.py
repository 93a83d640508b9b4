"""Pushing stories to chats: the sender, its pacing, outcome recording, rendering, gone chats."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from bot.push.gone import chat_is_gone, retire_chat
    from bot.push.pacing import ChatSpacing, FloodWatch, Pacer, PushConfig
    from bot.push.record import Recorder
    from bot.push.render import BACKLOG_SHOWN, render_backlog, render_push, render_story
    from bot.push.sender import Sender

__all__ = [
    "BACKLOG_SHOWN",
    "ChatSpacing",
    "FloodWatch",
    "Pacer",
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
