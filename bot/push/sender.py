"""The push sender: drains the outbox within Telegram's limits and records every outcome.

Rows are claimed a chat at a time (a chat's whole backlog goes out as one message), paced by
``bot.push.pacing``, and their outcomes written back by ``bot.push.record``. Pushes go through
their own Bot without PTB's rate limiter, so command replies never queue behind them. A crash
leaves claimed rows in ``sending``; after ``lease`` seconds any sender puts them back in the
queue, so only the messages whose outcome was not yet written can arrive twice.
"""

from __future__ import annotations

import asyncio
import logging
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.push.gone import chat_is_gone, retire_chat
from bot.push.pacing import ChatSpacing, FloodWatch, Pacer, PushConfig
from bot.push.record import Recorder
from bot.push.render import render_push
from bot.render.html import to_plain_text
from bot.render.replies import Keyboard, keyboard
from news.delivery.policy import Action, ChatTimes, Decision, DeliveryPolicy
from storage import DeliveryState, Store
from storage.chats import migrate_chat
from storage.deliveries import (
    DeliveryView,
    claim_chats,
    count_by_state,
    delivery_views,
    requeue_stale,
)
from storage.stats import delivery_latencies
from storage.stories import StoryReports, story_reports

__all__ = ["PushConfig", "Sender"]

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Group = tuple[list[DeliveryView], dict[int, StoryReports]]  # one chat's claimed rows; the stories
Ready = tuple[list[DeliveryView], Decision]  # one chat's rows, to send now


def _seconds(value: object) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


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
    ) -> None:
        self.bot = bot
        self.store = store
        self.config = config = config or PushConfig()
        self.policy = policy or DeliveryPolicy()
        self.clock = clock
        self.pacer = Pacer(config.rate)
        self.spacing = ChatSpacing(config.private_interval, config.group_interval)
        self.flood = FloodWatch()
        self.wake = asyncio.Event()
        self.sent = self.failed = self.rate_limited = self.plain_text = 0
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
        self._busy: dict[int, list[int]] = {}  # chat id -> its claimed delivery ids
        self._queue: asyncio.Queue[Ready | None] = asyncio.Queue()  # chats ready to send
        self._timers: dict[int, tuple[asyncio.TimerHandle, Group]] = {}  # chats not ready yet
        self._workers: list[asyncio.Task[None]] = []
        self._room = asyncio.Event()
        self._idle = asyncio.Event()
        self.recorder = Recorder(store, clock)
        self._record = self.recorder.record
        self._requeue = self.recorder.requeue

    async def flush(self) -> None:
        """Write every outcome so far."""
        await self.recorder.flush()

    # --- sending -----------------------------------------------------------------------------

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; False when the sender is stopping."""
        if seconds > 0 and not self._stop.is_set():
            stopping = asyncio.ensure_future(self._stop.wait())
            try:
                await asyncio.wait([stopping], timeout=seconds)
            finally:
                stopping.cancel()
        return not self._stop.is_set()

    def _decide(self, views: list[DeliveryView], stories: dict[int, StoryReports]) -> Decision:
        """When the chat's claimed (so due) deliveries may go out, as the delivery policy says."""
        v = views[0]
        chat = ChatTimes(v.chat_timezone, v.quiet_start, v.quiet_end)
        facts = [stories.get(x.story_id, StoryReports()) for x in views]
        return self.policy.decide_backlog(self.clock(), chat, facts)

    async def _post(self, chat_id: int, text: str, buttons: Keyboard, plain: bool) -> int:
        message = await self.bot.send_message(
            chat_id,
            to_plain_text(text) if plain else text,
            parse_mode=None if plain else ParseMode.HTML,
            reply_markup=keyboard(buttons),
            link_preview_options=_NO_PREVIEW,
        )
        return message.message_id

    async def _send(self, views: list[DeliveryView], breaking: bool) -> None:
        chat_id = views[0].chat_id
        ids = [v.delivery_id for v in views]
        text, buttons = render_push(views, breaking=breaking)
        note = None
        try:
            try:
                message_id = await self._post(chat_id, text, buttons, plain=False)
            except BadRequest as exc:
                if "can't parse entities" not in str(exc).lower():
                    raise
                # Our HTML was refused: send the same words as plain text, once, and say so.
                log.warning("push: chat %s refused our HTML (%s); sent as plain text", chat_id, exc)
                self.plain_text += 1
                note = f"sent as plain text: {exc}"
                message_id = await self._post(chat_id, text, buttons, plain=True)
        except RetryAfter as exc:
            seconds = _seconds(exc.retry_after)
            self.rate_limited += 1
            self.spacing.hold(chat_id, seconds)
            if self.flood.refused(chat_id):
                log.warning("push: bot-wide flood limit; every chat waits %.0f s", seconds)
                self.pacer.pause(seconds)
            due = self.clock() + timedelta(seconds=seconds)
            self._requeue(ids, due, f"429: retry after {seconds:g} s")
        except ChatMigrated as exc:
            log.info("push: chat %s moved to %s", chat_id, exc.new_chat_id)
            async with self.store.write() as session:
                await migrate_chat(session, chat_id, exc.new_chat_id)
            self._requeue(ids, note="chat migrated")
        except (Forbidden, BadRequest) as exc:
            reason = str(exc)
            if chat_is_gone(exc):
                await retire_chat(self.store, chat_id, exc, during="push")
            else:
                log.warning("push: chat %s refused the message: %s", chat_id, reason)
            self.failed += len(ids)
            self._record(ids, DeliveryState.FAILED, note=reason)
        except TelegramError as exc:
            # Timeouts, refused connections, 5xx: the outcome of a timed-out send is unknown,
            # and retrying may send it twice (at-least-once, ptb-testing.md §4.9).
            attempts = max(v.attempts for v in views)
            reason = f"network: {exc}"
            if attempts >= self.config.max_attempts:
                self.failed += len(ids)
                self._record(ids, DeliveryState.FAILED, note=reason)
            else:
                wait = min(300.0, self.config.backoff**attempts)
                due = self.clock() + timedelta(seconds=wait)
                self._record(ids, DeliveryState.QUEUED, due_at=due, note=reason)
        else:
            self.sent += len(ids)
            self._record(ids, DeliveryState.SENT, message_id=message_id, note=note)

    # --- claiming ----------------------------------------------------------------------------

    async def _claim(self, limit: int) -> int:
        """Claim the due rows of up to ``limit`` chats and start sending them; how many rows."""
        async with self.store.write() as session:
            ids = await claim_chats(session, self.clock(), limit, self._busy.keys())
        if not ids:
            return 0
        try:
            async with self.store.read() as session:
                views = await delivery_views(session, ids)
                stories = await story_reports(session, {v.story_id for v in views})
        except BaseException:
            self._requeue(ids)  # claimed for nothing: back to the queue, untried
            raise
        gone = set(ids) - {v.delivery_id for v in views}
        if gone:  # its article was pruned: nothing left to send
            self._record(gone, DeliveryState.FAILED, note="article gone")
        groups: defaultdict[int, list[DeliveryView]] = defaultdict(list)
        for v in views:
            groups[v.chat_id].append(v)
        for chat_id, group in groups.items():
            self._busy[chat_id] = [v.delivery_id for v in group]
            self._dispatch((group, stories))
        return len(ids)

    def _dispatch(self, item: Group) -> None:
        """Hand a claimed chat to the workers as soon as it may get a message: now, after its
        own interval, or when the delivery policy lets it (after quiet hours)."""
        views, stories = item
        chat_id = views[0].chat_id
        self._timers.pop(chat_id, None)
        try:
            if self._stop.is_set():
                self._requeue([v.delivery_id for v in views])
            elif (decision := self._decide(views, stories)).action is not Action.SEND:
                self._requeue([v.delivery_id for v in views], decision.at)
            elif (wait := self.spacing.wait_for(chat_id)) > 0:
                handle = asyncio.get_running_loop().call_later(wait, self._dispatch, item)
                self._timers[chat_id] = (handle, item)
                return
            else:
                self._queue.put_nowait((views, decision))
                return
        except Exception as exc:
            self._fail(views, exc)
        self._done(chat_id)

    async def _worker(self) -> None:
        """Send chats from the queue, one at a time, each in its global slot (a fixed set of
        workers costs far less CPU than a task per chat waiting on a semaphore)."""
        while (item := await self._queue.get()) is not None:
            views, decision = item
            try:
                if self._stop.is_set() or not await self.pacer.wait(self._sleep):
                    self._requeue([v.delivery_id for v in views])
                else:
                    self.spacing.sending(views[0].chat_id, views[0].chat_type)
                    await self._send(views, decision.breaking)
            except Exception as exc:
                self._fail(views, exc)
            finally:
                self._done(views[0].chat_id)

    def _fail(self, views: list[DeliveryView], exc: Exception) -> None:
        """A bug must not leave rows claimed until the lease runs out."""
        log.error("push: chat %s failed", views[0].chat_id, exc_info=exc)
        self.failed += len(views)
        self._record([v.delivery_id for v in views], DeliveryState.FAILED, note=f"error: {exc!r}")

    def _done(self, chat_id: int) -> None:
        self._busy.pop(chat_id, None)
        if self.max_groups - len(self._busy) >= self._min_claim:
            self._room.set()
        if not self._busy:
            self._idle.set()

    def _start_workers(self) -> None:
        self._workers = [
            asyncio.create_task(self._worker(), name=f"push-{n}") for n in range(self._concurrency)
        ]

    async def _stop_workers(self) -> None:
        """Hand back chats still waiting for their interval; let each worker finish its send."""
        for handle, (views, _) in self._timers.values():
            handle.cancel()
            self._requeue([v.delivery_id for v in views])
            self._busy.pop(views[0].chat_id, None)
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
            if self._busy:
                self._idle.clear()
                await self._idle.wait()
        finally:
            await self._stop_workers()
            await self.flush()
        return claimed

    # --- the loop ----------------------------------------------------------------------------

    async def _requeue_stale(self) -> None:
        now = self.clock()
        async with self.store.write() as session:
            requeued = await requeue_stale(
                session, now - timedelta(seconds=self.config.lease), now=now
            )
        if requeued:
            log.info(
                "push: %d deliveries left sending by a stopped sender are queued again", requeued
            )

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
        await self._requeue_stale()
        finished = asyncio.Event()
        flusher = asyncio.create_task(
            self.recorder.run(
                finished,
                gap=self.config.flush_gap,
                lease=self.config.lease,
                leased=lambda: [i for ids in self._busy.values() for i in ids],
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
                room = self.max_groups - len(self._busy)
                claimed = 0
                if room >= self._min_claim or not self._busy:
                    try:
                        claimed = await self._claim(min(self.config.batch, room))
                    except Exception:
                        log.exception("push: claiming failed")
                if time.monotonic() - last_requeue > self.config.lease / 2:
                    last_requeue = time.monotonic()
                    try:
                        await self._requeue_stale()
                    except Exception:
                        log.exception("push: requeueing stale deliveries failed")
                if time.monotonic() - last_stats > self.config.stats_interval:
                    last_stats = time.monotonic()
                    await self.log_stats()
                # Chats that finished during the claim may have set _room: the count decides.
                self._room.clear()
                if self.max_groups - len(self._busy) < self._min_claim:
                    await self._wait(self._room, seconds=self.config.idle_poll)
                elif not claimed:
                    # Nothing due, or only rows of chats still sending: poll briefly while busy.
                    idle = min(0.2, self.config.idle_poll) if self._busy else self.config.idle_poll
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
