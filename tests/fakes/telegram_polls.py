"""Long polls of the fake Bot API: a getUpdates replaced by another one is answered 409.

Telegram allows one getUpdates at a time per bot: a second one ends the first with "Conflict:
terminated by other getUpdates request; make sure that only one bot instance is running"
(ptb-testing.md §1.10), which is what two bot processes polling at once see.
"""

from tests.fakes.telegram_errors import BotAPIError

__all__ = ["CONFLICT", "LongPolls"]

CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class LongPolls:
    """Numbers each getUpdates; only the newest may go on waiting."""

    def __init__(self) -> None:
        self._newest = 0
        self.conflicts = 0  # long polls ended by a newer one

    def begin(self) -> int:
        """A getUpdates starts: its number (every older one is now replaced)."""
        self._newest += 1
        return self._newest

    def replaced(self, ticket: int) -> bool:
        """Whether a newer getUpdates came after this one."""
        return ticket != self._newest

    def check(self, ticket: int) -> None:
        """Raise Telegram's 409 if the long poll was replaced."""
        if self.replaced(ticket):
            self.conflicts += 1
            raise BotAPIError(409, CONFLICT)
