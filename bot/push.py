"""The push sender: drains the outbox within Telegram's limits and records every outcome.

Limits (Bot API FAQ; ptb-testing.md §2): about 30 messages a second overall, one a second to a
private chat, 20 a minute to a group. The sender spaces sends evenly at PUSH_RATE, keeps each
chat's own spacing, and merges a chat's backlog into one message. Pushes go through their own
Bot without PTB's rate limiter, so command replies never queue behind them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.push_render import render_backlog, render_story
from bot.render import to_plain_text
from bot.replies import keyboard
from storage import Store
from storage.chats import deactivate_chat, migrate_chat
from storage.deliveries import (
    DeliveryView,
    claim_due,
    delivery_views,
    mark_failed,
    mark_sent,
    requeue_stale,
    retry_later,
    skip_chat_deliveries,
)

__all__ = ["Pacer", "PushConfig", "Sender"]

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_GONE = (
    "chat not found",
    "user is deactivated",
    "bot was blocked",
    "bot was kicked",
    "chat was deleted",
)


@dataclass(frozen=True)
class PushConfig:
    """Sender limits; the defaults are Telegram's free-tier limits with headroom."""

    rate: float = 25.0
    private_interval: float = 1.0
    group_interval: float = 3.0
    max_attempts: int = 5
    lease: float = 60.0
    batch: int = 200
    concurrency: int = 64
    idle_poll: float = 2.0
    breaking_sources: int = 3


class Pacer:
    """Evenly spaced send slots at ``rate`` per second (no bursts), pausable after a 429."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        """Wait for the next free slot."""
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds``."""
        self._next = max(self._next, time.monotonic() + seconds)


Write = tuple[Callable[..., Awaitable[bool]], tuple[object, ...]]


def _seconds(value: object) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


class Sender:
    """Claims due deliveries in batches and sends them; one instance per process."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        config: PushConfig | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.bot = bot
        self.store = store
        self.config = config or PushConfig()
        self.clock = clock
        self.pacer = Pacer(self.config.rate)
        self.wake = asyncio.Event()
        self.sent = 0
        self.failed = 0
        self.rate_limited = 0
        self._ready: dict[int, float] = {}
        self._recent_429: list[tuple[float, int]] = []
        self._pending: list[Write] = []

    # --- bookkeeping -------------------------------------------------------------------------

    def _later(self, write: Write) -> None:
        self._pending.append(write)

    async def flush(self) -> None:
        """Record every finished send so far in one transaction."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        async with self.store.write() as session:
            for op, args in pending:
                await op(session, *args)

    @staticmethod
    def _record(op: Callable[..., Awaitable[bool]], *args: object) -> Write:
        return (op, args)

    # --- sending -----------------------------------------------------------------------------

    def _interval(self, chat_id: int, chat_type: str) -> float:
        private = chat_type == "private" and chat_id > 0
        return self.config.private_interval if private else self.config.group_interval

    def _on_429(self, chat_id: int, retry_after: float) -> None:
        now = time.monotonic()
        self.rate_limited += 1
        self._recent_429 = [(t, c) for t, c in self._recent_429 if t > now - 1.0] + [(now, chat_id)]
        self._ready[chat_id] = max(self._ready.get(chat_id, 0.0), now + retry_after)
        if len({c for _, c in self._recent_429}) >= 3:
            # Several chats refused at once: this is the bot-wide limit, so everyone waits.
            log.warning("push: global flood limit, pausing all sends for %.1f s", retry_after)
            self.pacer.pause(retry_after)

    async def _send(
        self, chat_id: int, text: str, views: list[DeliveryView], plain: bool = False
    ) -> int:
        rendered_buttons = (
            render_story(views[0], breaking=False)[1]
            if len(views) == 1
            else render_backlog(views)[1]
        )
        message = await self.bot.send_message(
            chat_id,
            to_plain_text(text) if plain else text,
            parse_mode=None if plain else ParseMode.HTML,
            reply_markup=keyboard(rendered_buttons),
            link_preview_options=_NO_PREVIEW,
        )
        return message.message_id

    async def send_group(self, views: list[DeliveryView]) -> None:
        """Send one chat's due deliveries: one story, or one message for a backlog."""
        first = views[0]
        chat_id = first.chat_id
        wait = self._ready.get(chat_id, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await self.pacer.wait()
        self._ready[chat_id] = time.monotonic() + self._interval(chat_id, first.chat_type)
        if len(views) == 1:
            text, _ = render_story(
                first, breaking=first.story_sources >= self.config.breaking_sources
            )
        else:
            text, _ = render_backlog(views)
        ids = [v.delivery_id for v in views]
        try:
            try:
                message_id = await self._send(chat_id, text, views)
                note = None
            except BadRequest as exc:
                if "can't parse entities" not in str(exc).lower():
                    raise
                # Our HTML was refused: send the same words as plain text, once, and say so.
                log.warning("push: chat %s refused HTML (%s); sending plain text", chat_id, exc)
                message_id = await self._send(chat_id, text, views, plain=True)
                note = f"sent as plain text: {exc}"
        except RetryAfter as exc:
            seconds = _seconds(exc.retry_after)
            self._on_429(chat_id, seconds)
            due = self.clock() + timedelta(seconds=seconds)
            for i in ids:
                self._later(self._record(retry_later, i, due, f"429: retry after {seconds:g} s"))
            return
        except ChatMigrated as exc:
            new_id = exc.new_chat_id
            log.info("push: chat %s moved to %s", chat_id, new_id)
            async with self.store.write() as session:
                await migrate_chat(session, chat_id, new_id)
            for i in ids:
                self._later(self._record(retry_later, i, self.clock(), "chat migrated"))
            return
        except (Forbidden, BadRequest) as exc:
            reason = str(exc)
            if isinstance(exc, Forbidden) or any(g in reason.lower() for g in _GONE):
                log.info("push: chat %s is gone (%s); deactivated", chat_id, reason)
                async with self.store.write() as session:
                    await deactivate_chat(session, chat_id, reason)
                    await skip_chat_deliveries(session, chat_id, reason)
            else:
                log.warning("push: chat %s refused the message: %s", chat_id, reason)
            self.failed += len(ids)
            for i in ids:
                self._later(self._record(mark_failed, i, reason))
            return
        except (TimedOut, NetworkError) as exc:
            # The outcome of a timed-out send is unknown: retrying may duplicate (at-least-once).
            attempts = max(v.attempts for v in views)
            if attempts >= self.config.max_attempts:
                self.failed += len(ids)
                for i in ids:
                    self._later(self._record(mark_failed, i, f"network: {exc}"))
                return
            due = self.clock() + timedelta(seconds=min(300.0, 2.0**attempts))
            for i in ids:
                self._later(self._record(retry_later, i, due, f"network: {exc}"))
            return
        self.sent += len(ids)
        for i in ids:
            self._later(self._record(mark_sent, i, message_id, note))

    # --- the loop ----------------------------------------------------------------------------

    async def drain_once(self, stop: asyncio.Event | None = None) -> int:
        """Claim one batch of due deliveries and send it; return how many were claimed."""
        batch = min(self.config.batch, max(10, int(self.config.rate * 5)))
        async with self.store.write() as session:
            claimed = await claim_due(session, self.clock(), batch)
        if not claimed:
            return 0
        async with self.store.read() as session:
            views = await delivery_views(session, [d.id for d in claimed])
        seen = {v.delivery_id for v in views}
        for d in claimed:
            if d.id not in seen:  # its article was pruned: nothing left to send
                self._later(self._record(mark_failed, d.id, "article gone"))
        groups: defaultdict[int, list[DeliveryView]] = defaultdict(list)
        for v in views:
            groups[v.chat_id].append(v)
        semaphore = asyncio.Semaphore(self.config.concurrency)
        flusher = asyncio.create_task(self._flush_periodically())

        async def one(group: list[DeliveryView]) -> None:
            async with semaphore:
                if stop is not None and stop.is_set():
                    # Shutting down: unsent rows go back to the queue untouched.
                    for v in group:
                        self._later(self._record(retry_later, v.delivery_id, self.clock(), None))
                    return
                try:
                    await self.send_group(group)
                except Exception as exc:  # a bug must not lose the batch
                    log.exception("push: chat %s failed", group[0].chat_id)
                    for v in group:
                        self._later(self._record(mark_failed, v.delivery_id, f"error: {exc!r}"))

        try:
            await asyncio.gather(*(one(g) for g in groups.values()))
        finally:
            flusher.cancel()
            await asyncio.gather(flusher, return_exceptions=True)
            await self.flush()
        return len(claimed)

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(0.1)
            await self.flush()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; sends in flight finish, the rest stays queued."""
        async with self.store.write() as session:
            requeued = await requeue_stale(
                session, self.clock() - timedelta(seconds=self.config.lease)
            )
        if requeued:
            log.info(
                "push: %d deliveries left sending by a previous run are queued again", requeued
            )
        last_requeue = time.monotonic()
        while not stop.is_set():
            try:
                claimed = await self.drain_once(stop)
                if time.monotonic() - last_requeue > self.config.lease / 2:
                    async with self.store.write() as session:
                        await requeue_stale(
                            session, self.clock() - timedelta(seconds=self.config.lease)
                        )
                    last_requeue = time.monotonic()
            except Exception:
                log.exception("push: drain failed")
                claimed = 0
            if claimed == 0:
                self.wake.clear()
                waiters = [
                    asyncio.ensure_future(stop.wait()),
                    asyncio.ensure_future(self.wake.wait()),
                ]
                await asyncio.wait(
                    waiters, timeout=self.config.idle_poll, return_when=asyncio.FIRST_COMPLETED
                )
                for w in waiters:
                    w.cancel()
        log.info(
            "push: stopped (sent %d, failed %d, 429s %d)", self.sent, self.failed, self.rate_limited
        )
