"""Telegram handlers, one module per command family; registered in ``bot.app``."""

__all__: list[str] = []
