"""Running the bot: open the services, start polling or the webhook, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from bot.app import build_application, register_commands
from bot.config import Settings
from bot.services import KhabarApp, Services
from news.llm import OpenAIBackend
from news.summaries import SummaryService
from storage import open_store

__all__ = ["open_services", "run_bot", "start_background", "stop_background"]

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """The store (migrated) and the summary service, closed on exit."""
    store = await open_store(settings.database_url)
    backend = None
    if settings.summary_backend == "openai":
        backend = OpenAIBackend(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
        )
    summaries = SummaryService(store, backend, wait=settings.summary_wait)
    try:
        yield Services(settings=settings, store=store, summaries=summaries)
    finally:
        await summaries.close()
        if backend is not None:
            await backend.aclose()
        await store.close()


async def start_background(application: KhabarApp, services: Services) -> None:
    """Start the ingest loop and the push sender as tasks of the application."""
    del application, services  # filled in by the ingestion and push issues


async def stop_background(application: KhabarApp) -> None:
    """Stop background work, letting sends in flight finish."""
    del application


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Run the Telegram bot until SIGINT/SIGTERM (or ``stop``): polling, or a webhook when set."""
    stop = stop or asyncio.Event()
    _install_signals(stop)
    async with open_services(settings) as services:
        application = build_application(services)
        async with application:
            await register_commands(application)
            updater = application.updater
            assert updater is not None
            if settings.webhook_url:
                await updater.start_webhook(
                    listen=settings.webhook_listen,
                    port=settings.webhook_port,
                    url_path=settings.webhook_path,
                    webhook_url=settings.webhook_url,
                    secret_token=settings.webhook_secret.get_secret_value()
                    if settings.webhook_secret
                    else None,
                    drop_pending_updates=False,
                )
                log.info("bot: webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
            else:
                await updater.start_polling(
                    poll_interval=0.0, timeout=30, drop_pending_updates=False
                )
                log.info("bot: polling for updates")
            await application.start()
            await start_background(application, services)
            await stop.wait()
            log.info("bot: stopping")
            await stop_background(application)
            await updater.stop()
            await application.stop()
    return 0
