"""Fakes of external services for end-to-end tests: a Telegram Bot API server on loopback."""

from tests.fakes.telegram_api import DEFAULT_TOKEN, Call, FakeTelegramAPI
from tests.fakes.telegram_errors import BotAPIError
from tests.fakes.telegram_flood import FloodLimits, Limit
from tests.fakes.telegram_objects import make_callback_update_json, make_update_json

__all__ = [
    "DEFAULT_TOKEN",
    "BotAPIError",
    "Call",
    "FakeTelegramAPI",
    "FloodLimits",
    "Limit",
    "make_callback_update_json",
    "make_update_json",
]
