"""Sending one claimed chat its message: render it, post it, and record what Telegram answered."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.push.claim import ClaimedChat
from bot.push.gone import chat_is_gone, retire_chat
from bot.push.pacing import Pacing, PushConfig
from bot.push.record import Recorder
from bot.push.render import render_push
from bot.render.html import to_plain_text
from bot.render.replies import Keyboard, keyboard
from storage import DeliveryState, Store
from storage.chats import migrate_chat

__all__ = ["Courier"]

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _seconds(value: object) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


class Courier:
    """Sends each claimed chat its one message and records the outcome; counts what happened."""

    def __init__(
        self,
        bot: Bot,
        store: Store,
        recorder: Recorder,
        pacing: Pacing,
        config: PushConfig,
        clock: Callable[[], datetime],
    ) -> None:
        self.bot = bot
        self.store = store
        self.recorder = recorder
        self.pacing = pacing
        self.config = config
        self.clock = clock
        self.sent = self.failed = self.rate_limited = self.plain_text = 0

    async def _post(self, chat_id: int, text: str, buttons: Keyboard, plain: bool) -> int:
        message = await self.bot.send_message(
            chat_id,
            to_plain_text(text) if plain else text,
            parse_mode=None if plain else ParseMode.HTML,
            reply_markup=keyboard(buttons),
            link_preview_options=_NO_PREVIEW,
        )
        return message.message_id

    async def send(self, chat: ClaimedChat, breaking: bool) -> None:
        """Send the chat its stories as one message (the "Breaking" mark when ``breaking``)."""
        views = chat.views
        chat_id = chat.chat_id
        ids = chat.ids
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
            self.pacing.refused(chat_id, seconds)
            due = self.clock() + timedelta(seconds=seconds)
            self.recorder.requeue(ids, due, f"429: retry after {seconds:g} s")
        except ChatMigrated as exc:
            log.info("push: chat %s moved to %s", chat_id, exc.new_chat_id)
            async with self.store.write() as session:
                await migrate_chat(session, chat_id, exc.new_chat_id)
            self.recorder.requeue(ids, note="chat migrated")
        except (Forbidden, BadRequest) as exc:
            reason = str(exc)
            if chat_is_gone(exc):
                await retire_chat(self.store, chat_id, exc, during="push")
            else:
                log.warning("push: chat %s refused the message: %s", chat_id, reason)
            self.failed += len(ids)
            self.recorder.record(ids, DeliveryState.FAILED, note=reason)
        except TelegramError as exc:
            # Timeouts, refused connections, 5xx: the outcome of a timed-out send is unknown,
            # and retrying may send it twice (at-least-once, ptb-testing.md §4.9).
            attempts = max(v.attempts for v in views)
            reason = f"network: {exc}"
            if attempts >= self.config.max_attempts:
                self.failed += len(ids)
                self.recorder.record(ids, DeliveryState.FAILED, note=reason)
            else:
                wait = min(300.0, self.config.backoff**attempts)
                due = self.clock() + timedelta(seconds=wait)
                self.recorder.record(ids, DeliveryState.QUEUED, due_at=due, note=reason)
        else:
            self.sent += len(ids)
            self.recorder.record(ids, DeliveryState.SENT, message_id=message_id, note=note)
