"""What every handler and job needs, reached through the typed ``KhabarContext``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from news.summaries.service import SummaryService
from storage import Store

__all__ = ["KhabarApp", "KhabarContext", "Services"]

_SERVICES_KEY = "khabar.services"


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Settings, the store and the clock, shared by handlers and jobs (no per-update state)."""

    settings: Settings
    store: Store
    summaries: SummaryService
    clock: Callable[[], datetime] = _utcnow
    extras: dict[str, Any] = field(default_factory=dict)

    def install(self, application: KhabarApp) -> None:
        """Make these services reachable as ``context.services`` in every callback."""
        application.bot_data[_SERVICES_KEY] = self


class KhabarContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context with typed access to the services."""

    @property
    def services(self) -> Services:
        """The services installed on the application."""
        services = self.bot_data[_SERVICES_KEY]
        assert isinstance(services, Services)
        return services


KhabarApp = Application[
    ExtBot[None], KhabarContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
