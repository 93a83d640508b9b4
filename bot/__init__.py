"""Khabar's Telegram bot: handlers, rendering, i18n, push fan-out, the CLI and the local console."""

__all__: list[str] = []
