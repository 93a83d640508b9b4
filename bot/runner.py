"""Running the bot: open the services, start polling or the webhook, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import signal
from contextlib import AsyncExitStack, suppress

from bot.app import build_application, register_commands
from bot.background import Background
from bot.config import Settings
from bot.console.demo import remove_demo_articles
from bot.logs import add_secret
from bot.metrics import Metrics, MetricsServer
from bot.poller import Poller
from bot.services import KhabarApp, Services
from bot.startup import background_task, connect, listening
from bot.wiring import open_services, poller_leadership, push_bot_for
from news.retention import prune_forever

__all__ = ["run_bot", "start_metrics", "webhook_secret"]

log = logging.getLogger(__name__)


async def start_metrics(services: Services, background: Background) -> MetricsServer | None:
    """Serve /healthz and /metrics when METRICS_PORT is set."""
    settings = services.settings
    if not settings.metrics_port:
        return None
    metrics = Metrics(services.store, services.clock)
    metrics.pipeline = background.pipeline
    metrics.sender = background.sender
    metrics.summaries = services.summaries
    server = MetricsServer(metrics, settings.metrics_port, settings.metrics_host)
    with listening("metrics", settings.metrics_host, settings.metrics_port):
        await server.start()
    return server


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def _start_updates(stack: AsyncExitStack, application: KhabarApp, services: Services) -> None:
    """Start taking updates: from the webhook when WEBHOOK_URL is set (every instance serves
    it), else by long polling (only the instance elected through the database polls)."""
    settings = services.settings
    updater = application.updater
    assert updater is not None
    if settings.webhook_url:
        with listening("webhook", settings.webhook_listen, settings.webhook_port):
            await updater.start_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=webhook_secret(settings),
                drop_pending_updates=False,
            )
        log.info("bot: webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
    elif (leadership := poller_leadership(services)) is None:  # SQLite: the one process polls
        await updater.start_polling(poll_interval=0.0, timeout=30, drop_pending_updates=False)
        log.info("bot: polling for updates")
    else:
        poller = Poller(application, leadership)
        done = asyncio.Event()  # set while unwinding: the poller stops polling, gives up the lock
        task = asyncio.create_task(poller.run(done), name="poller")

        async def finish() -> None:
            done.set()
            await task

        stack.push_async_callback(finish)


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or one made for this run: without it anyone could post updates."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    # setWebhook hands it to Telegram at every start, so a new one each run is fine.
    secret = secrets.token_urlsafe(32)  # A-Z a-z 0-9 _ -, as Telegram requires
    add_secret(secret)
    log.info("bot: WEBHOOK_SECRET is not set; using a secret generated for this run")
    return secret


async def _stop_updates(application: KhabarApp) -> None:
    updater = application.updater
    if updater is not None and updater.running:
        await updater.stop()


async def _serve(stack: AsyncExitStack, settings: Settings, stop: asyncio.Event) -> None:
    """Start every part in order, each undone by ``stack`` in reverse; updates come last."""
    services = await stack.enter_async_context(open_services(settings))
    # The console's demo stories are made up: never serve them to a real chat, also when the
    # console was pointed at this database (CONSOLE_DATABASE_URL) or an older Khabar put them
    # here.
    await remove_demo_articles(services.store)
    application = build_application(services)
    stack.push_async_callback(application.bot.shutdown)  # its HTTP clients, even if getMe failed
    retry = settings.telegram_startup_retry
    if not await connect(application.bot, settings.telegram_api_base_url, retry=retry, stop=stop):
        return
    await application.initialize()
    stack.push_async_callback(application.shutdown)
    await register_commands(application)
    push_bot = push_bot_for(settings)
    stack.push_async_callback(push_bot.shutdown)
    if not await connect(push_bot, settings.telegram_api_base_url, retry=retry, stop=stop):
        return
    background = Background(services, push_bot)
    stack.push_async_callback(background.stop)  # also undoes a start that failed half-way
    await background.start()
    if services.vectors is not None:
        # In the background: the first /search would otherwise wait for the window's vectors.
        await stack.enter_async_context(background_task(services.vectors.preload(services.clock())))
    metrics_server = await start_metrics(services, background)
    if metrics_server is not None:
        stack.push_async_callback(metrics_server.stop)
    await stack.enter_async_context(
        background_task(
            prune_forever(services.store, settings.retention_days, stop, clock=services.clock)
        )
    )
    await application.start()
    stack.push_async_callback(application.stop)
    stack.push_async_callback(_stop_updates, application)
    await _start_updates(stack, application, services)
    # What start-up made lives as long as the process: frozen, the collector never walks it
    # again (shorter full collections; its pages are not written to by the collector).
    gc.collect()
    gc.freeze()
    await stop.wait()
    log.info("bot: stopping")


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Run the Telegram bot until SIGINT/SIGTERM (or ``stop``): polling, or a webhook when set.

    A step that fails stops what was started before it, in reverse order, and its own error
    comes out (never PTB's "This Application is still running!" raised while unwinding).
    """
    if stop is None:
        stop = asyncio.Event()
        _install_signals(stop)
    async with AsyncExitStack() as stack:
        await _serve(stack, settings, stop)
    return 0
