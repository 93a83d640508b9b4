"""The bot's typed state: the services, per-process ``BotData`` and the per-update context.

As in python-telegram-bot's ``examples/contexttypesbot.py``, the Application is built with
``ContextTypes(context=KhabarContext, bot_data=BotData)``, so every handler and job reaches the
shared objects through typed attributes, never through string keys in a dict.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from bot.budget.budget import SendBudget
from bot.config import Settings
from news.embeddings.nearest import RecentVectors
from news.embeddings.service import Embeddings
from news.summaries.service import SummaryService
from storage import Store

if TYPE_CHECKING:
    from bot.chatprefs import ChatPrefs

__all__ = [
    "KEPT_ADMIN_ANSWERS",
    "KEPT_CARDS",
    "KEPT_CHATS",
    "KEPT_FOLLOW_OFFERS",
    "KEPT_SEARCHES",
    "BotData",
    "KhabarApp",
    "KhabarContext",
    "Recent",
    "Services",
]

KEPT_SEARCHES = 2000  # searches whose page buttons still work
KEPT_CARDS = 2000  # article cards whose language a late summary checks
KEPT_FOLLOW_OFFERS = 2000  # links offered as feeds whose Follow button still works
KEPT_ADMIN_ANSWERS = 5000  # (chat, user) admin answers from getChatMember, kept briefly
KEPT_CHATS = 20000  # chats whose preferences are kept in memory (bot.chatprefs)

K = TypeVar("K")
V = TypeVar("V")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Settings, the store, the send budget and the clock, shared by handlers, jobs and the
    push sender (no per-update state)."""

    settings: Settings
    store: Store
    summaries: SummaryService
    clock: Callable[[], datetime] = _utcnow
    embeddings: Embeddings = field(default_factory=Embeddings)  # query vectors for /search
    vectors: RecentVectors | None = None  # recent articles' vectors (None: embeddings off)
    budget: SendBudget = field(default_factory=SendBudget)

    def install(self, application: KhabarApp) -> None:
        """Make these services reachable as ``context.services`` in every callback."""
        application.bot_data.install(self)


class Recent(OrderedDict[K, V]):
    """A mapping that keeps only the ``size`` keys set most recently (memory stays bounded)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class BotData:
    """What the bot keeps for the life of the process, beside the store (PTB's ``bot_data``).

    python-telegram-bot builds it with no arguments when it builds the Application; the services
    are installed right after (``Services.install``).
    """

    def __init__(self) -> None:
        self._services: Services | None = None
        self.search_queries: Recent[str, str] = Recent(KEPT_SEARCHES)
        """Search words by the short token their page buttons carry (callback data is small)."""
        self.card_languages: Recent[tuple[int, int], str] = Recent(KEPT_CARDS)
        """The language each card message (chat id, message id) was last asked in."""
        self.late_summary_edits: set[asyncio.Task[None]] = set()
        """Card edits still waiting for a summary from the language model."""
        self.follow_links: Recent[str, str] = Recent(KEPT_FOLLOW_OFFERS)
        """Links sent in private chats by the short token of their Follow button."""
        self.admin_answers: Recent[tuple[int, int], tuple[float, bool]] = Recent(KEPT_ADMIN_ANSWERS)
        """Whether (chat id, user id) administers the chat, and when that answer expires
        (monotonic seconds): a channel configured from a private chat (bot.admincache)."""
        self.chat_prefs: Recent[int, tuple[float, ChatPrefs]] = Recent(KEPT_CHATS)
        """Each chat's preferences and when that copy expires (monotonic seconds)."""

    def install(self, services: Services) -> None:
        """Attach the services every callback uses; forget a chat's kept preferences whenever
        a write through the store changes them."""
        self._services = services
        services.store.watch_chats(self._forget_chats)

    def _forget_chats(self, chat_ids: Collection[int]) -> None:
        for chat_id in chat_ids:
            self.chat_prefs.pop(chat_id, None)

    @property
    def services(self) -> Services:
        """The installed services."""
        if self._services is None:
            raise RuntimeError("no services installed on this Application")
        return self._services


class KhabarContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The callback context with typed access to the services and per-update state."""

    def __init__(
        self, application: KhabarApp, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.admin_memo: dict[tuple[int, int], bool] = {}
        """Whether (chat id, user id) is a chat admin, asked of Telegram once per update."""

    @property
    def services(self) -> Services:
        """The services installed on the application."""
        return self.bot_data.services


KhabarApp = Application[ExtBot[None], KhabarContext, dict[Any, Any], dict[Any, Any], BotData, Any]
