"""The ``khabar`` command line: the parser and dispatch, the news and summary commands."""

from bot.cli.main import EXIT_BROKEN_PIPE, build_parser, main

__all__ = ["EXIT_BROKEN_PIPE", "build_parser", "main"]
