"""The push sender: drains the outbox within Telegram's limits and records every outcome.

Rows are claimed a chat at a time (a chat's whole backlog goes out as one message) and leased
by ``bot.push.claim``, held back or let through by the delivery policy
(``news.delivery.policy``), paced by the bot's send budget (``bot.budget``), sent by
``bot.push.send`` and their outcomes written back by ``bot.push.record``. Pushes go through a
Bot of their own (their own connections) but take their slots from the budget the replies use,
after every waiting reply.
"""

from __future__ import annotations

import asyncio
import logging
import math
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import Bot

from bot.budget.budget import SendBudget
from bot.push.claim import ClaimedChat, Claims
from bot.push.localize import Localizer
from bot.push.pacing import PushConfig
from bot.push.record import Recorder
from bot.push.send import Courier
from news.delivery.policy import Action, Decision, DeliveryPolicy
from storage import Store
from storage.deliveries import Target, count_by_state
from storage.stats import delivery_latencies

__all__ = ["PushConfig", "Sender"]

log = logging.getLogger(__name__)


class Sender:
    """Claims due deliveries chat by chat and sends them; one instance per process."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        config: PushConfig | None = None,
        *,
        policy: DeliveryPolicy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        budget: SendBudget | None = None,
        localize: Localizer | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.config = config = config or PushConfig()
        self.policy = policy or DeliveryPolicy()
        self.clock = clock
        self.wake = asyncio.Event()
        concurrency = config.concurrency or (
            16 if math.isinf(config.rate) else min(128, max(8, math.ceil(config.rate * 0.3)))
        )
        # Chats claimed and not finished: enough to keep the pacer fed through a claim, few
        # enough that a stop hands back little. Claims are the costly part, so they are big.
        rate_groups = config.batch * 4 if math.isinf(config.rate) else math.ceil(config.rate * 2)
        self.max_groups = max(concurrency * 2, min(config.batch * 4, rate_groups))
        self._min_claim = max(1, min(config.batch, self.max_groups // 4))
        self._concurrency = concurrency
        self._stop = asyncio.Event()
        # Chats ready to send, with whether the story is breaking; and chats not ready yet.
        self._queue: asyncio.Queue[tuple[ClaimedChat, bool] | None] = asyncio.Queue()
        self._timers: dict[Target, tuple[asyncio.TimerHandle, ClaimedChat]] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._room = asyncio.Event()
        self._idle = asyncio.Event()
        self.recorder = Recorder(store, clock)
        self._requeue = self.recorder.requeue
        self.budget = budget or config.own_budget()
        self.claims = Claims(store, self.recorder, clock, config.lease)
        self.courier = Courier(
            bot, store, self.recorder, self.budget, config, clock, localize=localize
        )

    @property
    def sent(self) -> int:
        """Deliveries sent by this sender."""
        return self.courier.sent

    @property
    def failed(self) -> int:
        """Deliveries that failed here for good."""
        return self.courier.failed

    @property
    def rate_limited(self) -> int:
        """429s Telegram answered."""
        return self.courier.rate_limited

    @property
    def plain_text(self) -> int:
        """Messages resent as plain text because Telegram refused their HTML."""
        return self.courier.plain_text

    async def flush(self) -> None:
        """Write every outcome so far."""
        await self.recorder.flush()

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; False when the sender is stopping."""
        if seconds > 0 and not self._stop.is_set():
            stopping = asyncio.ensure_future(self._stop.wait())
            try:
                await asyncio.wait([stopping], timeout=seconds)
            finally:
                stopping.cancel()
        return not self._stop.is_set()

    # --- claiming and sending ----------------------------------------------------------------

    async def _claim(self, limit: int) -> int:
        """Claim the due rows of up to ``limit`` chats and start sending them; how many rows."""
        claimed, chats = await self.claims.claim(limit)
        for chat in chats:
            self._dispatch(chat)
        return claimed

    def _decide(self, chat: ClaimedChat) -> Decision:
        """When the chat's claimed (so due) deliveries may go out, as the delivery policy says."""
        return self.policy.decide_backlog(self.clock(), chat.times(), chat.reports())

    def _dispatch(self, chat: ClaimedChat) -> None:
        """Hand a claimed chat to the workers as soon as it may get a message: now, after its
        own interval, or when the delivery policy lets it (after quiet hours)."""
        self._timers.pop(chat.target, None)
        try:
            if self._stop.is_set():
                self._requeue(chat.ids)
            elif (decision := self._decide(chat)).action is not Action.SEND:
                self._requeue(chat.ids, decision.at)
            elif (wait := self.budget.chat_ready_in(chat.chat_id)) > 0:
                handle = asyncio.get_running_loop().call_later(wait, self._dispatch, chat)
                self._timers[chat.target] = (handle, chat)
                return
            else:
                self._queue.put_nowait((chat, decision.breaking))
                return
        except Exception as exc:
            self._fail(chat, exc)
        self._done(chat.target)

    async def _worker(self) -> None:
        """Send chats from the queue, one at a time, each in its slot of the budget (a fixed
        set of workers costs far less CPU than a task per chat waiting on a semaphore)."""
        while (item := await self._queue.get()) is not None:
            chat, breaking = item
            try:
                if self._stop.is_set():
                    self._requeue(chat.ids)
                else:
                    await self.courier.send(chat, breaking, self._sleep)
            except Exception as exc:
                self._fail(chat, exc)
            finally:
                self._done(chat.target)

    def _fail(self, chat: ClaimedChat, exc: Exception) -> None:
        """A bug must not leave rows claimed until the lease runs out."""
        log.error("push: chat %s failed", chat.chat_id, exc_info=exc)
        self.courier.fail(chat.ids, f"error: {exc!r}")

    def _done(self, target: Target) -> None:
        self.claims.release(target)
        if self.max_groups - len(self.claims.busy) >= self._min_claim:
            self._room.set()
        if not self.claims.busy:
            self._idle.set()

    def _start_workers(self) -> None:
        self._workers = [
            asyncio.create_task(self._worker(), name=f"push-{n}") for n in range(self._concurrency)
        ]

    async def _stop_workers(self) -> None:
        """Hand back chats still waiting for their interval; let each worker finish its send."""
        for handle, chat in self._timers.values():
            handle.cancel()
            self._requeue(chat.ids)
            self.claims.release(chat.target)
        self._timers.clear()
        for _ in self._workers:
            self._queue.put_nowait(None)
        await asyncio.gather(*self._workers)
        self._workers = []

    async def drain_once(self) -> int:
        """Claim what is due now (up to ``batch`` chats), send it and record the outcomes;
        return how many deliveries were claimed."""
        self._start_workers()
        try:
            claimed = await self._claim(self.config.batch)
            if self.claims.busy:
                self._idle.clear()
                await self._idle.wait()
        finally:
            await self._stop_workers()
            await self.flush()
        return claimed

    # --- the loop ----------------------------------------------------------------------------

    async def _wait(self, *events: asyncio.Event, seconds: float) -> None:
        waiters = [asyncio.ensure_future(e.wait()) for e in (self._stop, *events)]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; sends in flight finish, everything else stays queued."""
        self._stop = stop
        await self.claims.requeue_stale()
        finished = asyncio.Event()
        flusher = asyncio.create_task(
            self.recorder.run(
                finished,
                gap=self.config.flush_gap,
                lease=self.config.lease,
                leased=self.claims.leased,
                sleep=self._sleep,
            ),
            name="push-record",
        )
        self._start_workers()
        last_requeue = last_stats = time.monotonic()
        try:
            while not stop.is_set():
                # Cleared before claiming, so a new story stored meanwhile is not missed.
                self.wake.clear()
                room = self.max_groups - len(self.claims.busy)
                claimed = 0
                if room >= self._min_claim or not self.claims.busy:
                    try:
                        claimed = await self._claim(min(self.config.batch, room))
                    except Exception:
                        log.exception("push: claiming failed")
                if time.monotonic() - last_requeue > self.config.lease / 2:
                    last_requeue = time.monotonic()
                    try:
                        await self.claims.requeue_stale()
                    except Exception:
                        log.exception("push: requeueing stale deliveries failed")
                if time.monotonic() - last_stats > self.config.stats_interval:
                    last_stats = time.monotonic()
                    await self.log_stats()
                # Chats that finished during the claim may have set _room: the count decides.
                self._room.clear()
                if self.max_groups - len(self.claims.busy) < self._min_claim:
                    await self._wait(self._room, seconds=self.config.idle_poll)
                elif not claimed:
                    # Nothing due, or only rows of chats still sending: poll briefly while busy.
                    idle = (
                        min(0.2, self.config.idle_poll)
                        if self.claims.busy
                        else self.config.idle_poll
                    )
                    await self._wait(self.wake, seconds=idle)
        finally:
            await self._stop_workers()
            finished.set()
            self.recorder.wake()
            await flusher
            await self.log_stats()

    # --- observability -----------------------------------------------------------------------

    async def stats_line(self) -> str:
        """Deliveries by state and publish-to-delivery latency (p50, p95) over the last hour."""
        async with self.store.read() as session:
            states = await count_by_state(session)
            latencies = await delivery_latencies(session, self.clock() - timedelta(hours=1))
        line = ", ".join(f"{k} {v}" for k, v in states.items())
        if latencies:
            p50 = statistics.median(latencies)
            p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else p50
            line += f"; latency p50 {p50:.1f} s, p95 {p95:.1f} s"
        return (
            f"{line}; this run: sent {self.sent}, failed {self.failed}, "
            f"429s {self.rate_limited}, plain-text resends {self.plain_text}"
        )

    async def log_stats(self) -> None:
        """Log the stats line (errors reading it are logged, never raised)."""
        try:
            log.info("push: %s", await self.stats_line())
        except Exception:
            log.exception("push: reading stats failed")
