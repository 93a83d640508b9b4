"""One send budget per bot token: Telegram's limits, slots kept here or in the shared database,
replies before pushes."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from bot.budget.budget import (
        BOT_BUCKET,
        SendBudget,
        SendStopped,
        Sleep,
        counts_against_budget,
    )
    from bot.budget.limits import HEADROOM, FloodWatch, SendLimits
    from bot.budget.shared import SharedSlots
    from bot.budget.slots import LocalSlots, SlotClock
    from bot.budget.turns import Priority, Turns

__all__ = [
    "BOT_BUCKET",
    "HEADROOM",
    "FloodWatch",
    "LocalSlots",
    "Priority",
    "SendBudget",
    "SendLimits",
    "SendStopped",
    "SharedSlots",
    "Sleep",
    "SlotClock",
    "Turns",
    "counts_against_budget",
]

__getattr__ = lazy_exports(__name__, __path__)
