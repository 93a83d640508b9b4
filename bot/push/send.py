"""Sending one claimed chat its message: render it, post it, and act on what Telegram answered
(as bot.push.outcomes reads the answer)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import assert_never

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.push.claim import ClaimedChat
from bot.push.gone import retire_chat
from bot.push.outcomes import (
    Attempt,
    Failed,
    Gone,
    Migrate,
    ResendPlain,
    RetryAt,
    SendOutcome,
    Sent,
    classify,
)
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

    async def _try(
        self, chat: ClaimedChat, text: str, buttons: Keyboard, *, plain: bool
    ) -> SendOutcome:
        """Post the message (as plain text when ``plain``) and read Telegram's answer."""
        answer: Message | TelegramError
        try:
            answer = await self.bot.send_message(
                chat.chat_id,
                to_plain_text(text) if plain else text,
                parse_mode=None if plain else ParseMode.HTML,
                reply_markup=keyboard(buttons),
                link_preview_options=_NO_PREVIEW,
            )
        except TelegramError as exc:
            answer = exc
        attempts = max(v.attempts for v in chat.views)
        return classify(answer, Attempt(self.clock(), attempts, plain), self.config)

    async def send(self, chat: ClaimedChat, breaking: bool) -> None:
        """Send the chat its stories as one message (the "Breaking" mark when ``breaking``)."""
        text, buttons = render_push(chat.views, breaking=breaking)
        outcome = await self._try(chat, text, buttons, plain=False)
        note = None
        if isinstance(outcome, ResendPlain):
            # Our HTML was refused: send the same words as plain text, once, and say so.
            log.warning(
                "push: chat %s refused our HTML (%s); sent as plain text",
                chat.chat_id,
                outcome.reason,
            )
            self.plain_text += 1
            note = f"sent as plain text: {outcome.reason}"
            outcome = await self._try(chat, text, buttons, plain=True)
        await self._apply(chat, outcome, note)

    async def _apply(self, chat: ClaimedChat, outcome: SendOutcome, note: str | None) -> None:
        """Record the outcome, and do what it asks of the chat, the pacing or the store."""
        ids = chat.ids
        match outcome:
            case Sent(message_id):
                self.sent += len(ids)
                self.recorder.record(ids, DeliveryState.SENT, message_id=message_id, note=note)
            case RetryAt(at, reason, retry_after=float() as seconds):  # a 429: not a try
                self.rate_limited += 1
                self.pacing.refused(chat.chat_id, seconds)
                self.recorder.requeue(ids, at, reason)
            case RetryAt(at, reason):
                self.recorder.record(ids, DeliveryState.QUEUED, due_at=at, note=reason)
            case Migrate(new_id):
                log.info("push: chat %s moved to %s", chat.chat_id, new_id)
                async with self.store.write() as session:
                    await migrate_chat(session, chat.chat_id, new_id)
                self.recorder.requeue(ids, note="chat migrated")
            case Gone(reason):
                await retire_chat(self.store, chat.chat_id, reason, during="push")
                self.fail(ids, reason)
            case Failed(reason, refused=True) | ResendPlain(reason):
                log.warning("push: chat %s refused the message: %s", chat.chat_id, reason)
                self.fail(ids, reason)
            case Failed(reason):  # the retries ran out
                self.fail(ids, reason)
            case _:
                assert_never(outcome)

    def fail(self, ids: list[int], reason: str) -> None:
        """The deliveries fail for good, for ``reason``."""
        self.failed += len(ids)
        self.recorder.record(ids, DeliveryState.FAILED, note=reason)
