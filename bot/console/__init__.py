"""The local console: the real bot in a terminal, its in-process Bot API, the demo set."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from bot.console.demo import (
        DEMO_URL_PREFIX,
        demo_candidates,
        import_demo_articles,
        remove_demo_articles,
    )
    from bot.console.request import ConsoleBotAPI, ConsoleButton, ConsoleMessage
    from bot.console.terminal import CONSOLE_CHAT_ID, Console, console_database_url, run_console

__all__ = [
    "CONSOLE_CHAT_ID",
    "DEMO_URL_PREFIX",
    "Console",
    "ConsoleBotAPI",
    "ConsoleButton",
    "ConsoleMessage",
    "console_database_url",
    "demo_candidates",
    "import_demo_articles",
    "remove_demo_articles",
    "run_console",
]

__getattr__ = lazy_exports(__name__, __path__)
