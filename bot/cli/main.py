"""The ``khabar`` command line: parses arguments, loads settings, dispatches to each command."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from importlib import metadata
from typing import Any, TypeAlias

from bot.config import ConfigError, Settings, load_settings
from bot.logs import redact, setup_logging
from bot.startup import StartupError
from storage import StorageError, open_store

__all__ = ["EXIT_BROKEN_PIPE", "build_parser", "main"]

log = logging.getLogger("khabar")

EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]
# A string: argparse._SubParsersAction cannot be subscripted at run time on Python 3.11.
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _command(
    sub: Subcommands,
    name: str,
    help_text: str,
    example: str,
) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=f"Example:\n  {example}",
        formatter_class=_Formatter,
    )


def _lazy(name: str, module: str = "bot.cli.news") -> Handler:
    """A command handler imported only when its command runs (keeps --help fast)."""

    async def handler(args: argparse.Namespace, settings: Settings) -> int:
        command: Handler = getattr(importlib.import_module(module), name)
        return await command(args, settings)

    return handler


async def _db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    store = await open_store(settings.database_url, upgrade=False)
    try:
        await store.upgrade()
        from storage.migrate import current_revision

        print(f"database at revision {await current_revision(store.engine)}")
    finally:
        await store.close()
    return 0


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        print(
            "khabar run: TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather in Telegram "
            "and put it in .env; `khabar console` works without one.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from bot.runner import run_bot

    return await run_bot(settings)


async def _console(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.terminal import run_console

    return await run_console(settings)


async def _start(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        from bot.i18n import t
        from bot.render.html import to_plain_text

        print(to_plain_text(t("en", "console.no_token")), flush=True)
        return await _console(args, settings)
    return await _run(args, settings)


def _version() -> str:
    try:
        return metadata.version("khabar")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="khabar",
        description="Khabar (خبر): an English and Urdu news bot for Telegram.",
        epilog="Example:\n  khabar console",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"khabar {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_bot_commands(sub)
    _add_news_commands(sub)
    _add_summarize_command(sub)
    _add_feeds_commands(sub)
    _add_db_commands(sub)
    return parser


def _add_bot_commands(sub: Subcommands) -> None:
    """``start``, ``run`` and ``console``: the bot itself."""
    p = _command(
        sub,
        "start",
        "Run the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the local console.",
        "khabar start",
    )
    p.set_defaults(handler=_start)

    p = _command(sub, "run", "Run the Telegram bot (and the ingest loop).", "khabar run")
    p.set_defaults(handler=_run)

    p = _command(sub, "console", "Use the bot in this terminal, as one chat.", "khabar console")
    p.set_defaults(handler=_console)


def _add_news_commands(sub: Subcommands) -> None:
    """``ingest``, ``import`` and ``extract``: articles from feeds, files and pages."""
    p = _command(
        sub, "ingest", "Fetch the feeds and store new articles.", "khabar ingest --once --force"
    )
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.add_argument(
        "--force",
        action="store_true",
        help="fetch every feed now, ignoring back-off and next-check times",
    )
    p.set_defaults(handler=_lazy("ingest_command"))

    p = _command(
        sub,
        "import",
        "Store articles from HTML, text and RSS/Atom files (no network).",
        "khabar import saved/*.html feed.xml",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(handler=_lazy("import_command"))

    p = _command(
        sub,
        "extract",
        "Print the clean article extracted from each file or URL: title, date, language, "
        "topic, URL and text; --json for one JSON object per line.",
        "khabar extract page.html https://example.com/story",
    )
    p.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
    p.add_argument(
        "--json", action="store_true", help="one JSON object per input (errors too), for scripts"
    )
    p.set_defaults(handler=_lazy("extract_command"))


def _add_summarize_command(sub: Subcommands) -> None:
    """``summarize``: a stored article, a file, or JSON lines."""
    p = _command(
        sub,
        "summarize",
        "Summarize a stored article, a file, or JSON lines from standard input.",
        "khabar summarize 42 --lang ur",
    )
    p.add_argument("target", metavar="ID|PATH|-")
    p.add_argument("--lang", choices=("en", "ur"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_lazy("summarize_command", "bot.cli.summarize"))


_FEEDS_ACTIONS = (
    ("list", "List the feeds and their health.", "khabar feeds list"),
    (
        "add",
        "Add a feed; its title, language and topic are read from it unless given.",
        "khabar feeds add https://www.dawn.com/feeds/home --topic pakistan",
    ),
    ("remove", "Remove a feed by id.", "khabar feeds remove 3"),
    ("import", "Import feeds from an OPML file.", "khabar feeds import feeds.opml"),
    ("export", "Print the feeds as OPML.", "khabar feeds export > feeds.opml"),
)


def _add_feeds_commands(sub: Subcommands) -> None:
    """``feeds list|add|remove|import|export``."""
    feeds = _command(
        sub, "feeds", "List, add, remove, import or export feeds.", "khabar feeds list"
    )
    feeds_sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    for name, help_text, example in _FEEDS_ACTIONS:
        fp = _command(feeds_sub, name, help_text, example)
        if name == "add":
            fp.add_argument("url")
            fp.add_argument("--topic", help="the feed's topic (default: read from the feed)")
            fp.add_argument(
                "--language",
                "--lang",
                choices=("en", "ur"),
                help="the feed's language (default: read from the feed)",
            )
        elif name == "remove":
            fp.add_argument("feed_id", type=int, metavar="ID")
        elif name == "import":
            fp.add_argument("file", metavar="FILE.opml")
        fp.set_defaults(handler=_lazy("feeds_command"))


def _add_db_commands(sub: Subcommands) -> None:
    """``db upgrade``."""
    db = _command(sub, "db", "Database maintenance.", "khabar db upgrade")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = _command(
        db_sub,
        "upgrade",
        "Create or migrate the database to the newest schema.",
        "khabar db upgrade",
    )
    p.set_defaults(handler=_db_upgrade)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``khabar`` console script; returns the exit status."""
    try:
        status = _main(argv)
        sys.stdout.flush()  # a reader that left early shows up here, not at interpreter exit
    except BrokenPipeError:
        # `khabar feeds list | head`: the reader has what it wanted. Point stdout at devnull so
        # the flush at exit cannot fail again (Python docs, signal module, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    setup_logging(settings.log_level, settings.secrets())
    handler: Handler = args.handler
    try:
        return asyncio.run(handler(args, settings))
    except StorageError as exc:
        print(redact(f"khabar: {exc}"), file=sys.stderr)
        return 1
    except StartupError as exc:
        print(redact(f"khabar {args.command}: {exc}"), file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except Exception:  # a bug: its traceback, once, through the log's redactor
        log.critical("khabar %s: unexpected error", args.command, exc_info=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
