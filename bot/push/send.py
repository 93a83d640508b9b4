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

from bot.budget.budget import SendBudget, SendStopped, Sleep
from bot.budget.turns import Priority
from bot.push.claim import ClaimedChat
from bot.push.gone import retire_chat, retire_thread
from bot.push.localize import Localizer
from bot.push.outcomes import (
    Attempt,
    Failed,
    Gone,
    Migrate,
    PictureRefused,
    ResendPlain,
    RetryAt,
    SendOutcome,
    Sent,
    ThreadGone,
    classify,
)
from bot.push.pacing import PushConfig
from bot.push.record import Recorder
from bot.push.render import push_card, render_push
from bot.render.cards import Card
from bot.render.html import to_plain_text
from bot.render.replies import Keyboard, keyboard
from storage import DeliveryState, Store
from storage.articles import refuse_image
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
        budget: SendBudget,
        config: PushConfig,
        clock: Callable[[], datetime],
        *,
        localize: Localizer | None = None,
    ) -> None:
        self.bot = bot
        self.localize = localize
        self.store = store
        self.recorder = recorder
        self.budget = budget
        self.config = config
        self.clock = clock
        self.sent = self.failed = self.rate_limited = self.plain_text = self.pictures = 0
        self.pictures_refused = 0

    async def _try(
        self, chat: ClaimedChat, text: str, buttons: Keyboard, *, plain: bool, sleep: Sleep
    ) -> SendOutcome:
        """Post the message (as plain text when ``plain``) in its slot of the budget and read
        Telegram's answer; SendStopped when the sender stopped before the slot came."""
        if not await self.budget.acquire(chat.chat_id, Priority.PUSH, sleep):
            raise SendStopped
        answer: Message | TelegramError
        try:
            answer = await self.bot.send_message(
                chat.chat_id,
                to_plain_text(text) if plain else text,
                parse_mode=None if plain else ParseMode.HTML,
                reply_markup=keyboard(buttons),
                link_preview_options=_NO_PREVIEW,
                message_thread_id=chat.thread_id,
            )
        except TelegramError as exc:
            answer = exc
        attempts = max(v.attempts for v in chat.views)
        return classify(answer, Attempt(self.clock(), attempts, plain), self.config)

    async def _try_photo(
        self, chat: ClaimedChat, card: Card, photo: str, sleep: Sleep
    ) -> SendOutcome:
        """Post the picture card (Telegram fetches the picture itself) in its slot of the
        budget and read the answer; SendStopped as for _try."""
        if not await self.budget.acquire(chat.chat_id, Priority.PUSH, sleep):
            raise SendStopped
        answer: Message | TelegramError
        try:
            answer = await self.bot.send_photo(
                chat.chat_id,
                photo,
                caption=card.caption,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(card.buttons),
                message_thread_id=chat.thread_id,
            )
        except TelegramError as exc:
            answer = exc
        attempts = max(v.attempts for v in chat.views)
        return classify(answer, Attempt(self.clock(), attempts, photo=True), self.config)

    async def _picture(
        self, chat: ClaimedChat, card: Card, photo: str, sleep: Sleep
    ) -> SendOutcome | str:
        """Send the card with its picture; when Telegram refuses the picture, remember that
        (the article's cards go as text from now on) and return the reason to send text."""
        outcome = await self._try_photo(chat, card, photo, sleep)
        if not isinstance(outcome, PictureRefused):
            if isinstance(outcome, Sent):
                self.pictures += 1
            return outcome
        article_id = chat.views[0].article_id
        log.info("push: picture of article %s refused: %s", article_id, outcome.reason)
        self.pictures_refused += 1
        if article_id is not None:
            async with self.store.write() as session:
                await refuse_image(session, article_id)
        return f"picture refused: {outcome.reason}"

    async def send(self, chat: ClaimedChat, breaking: bool, sleep: Sleep) -> None:
        """Send the chat its stories as one message (the "Breaking" mark when ``breaking``): a
        picture card when the story has a picture, else (or when it is refused) text; across
        languages with the headline and summary in the chat's language (``localize``).
        ``sleep`` waits for the slots, and when it is cut short the stories stay queued."""
        try:
            await self._send(chat, breaking, sleep)
        except SendStopped:
            self.recorder.requeue(chat.ids)

    async def _send(self, chat: ClaimedChat, breaking: bool, sleep: Sleep) -> None:
        local = None
        if self.localize is not None and len(chat.views) == 1:
            local = await self.localize(chat.views[0])
        card = push_card(chat.views, breaking=breaking, local=local)
        note: str | None = None
        if card is not None and card.photo is not None:
            tried = await self._picture(chat, card, card.photo, sleep)
            if not isinstance(tried, str):
                await self._apply(chat, tried, None)
                return
            note = tried
        text, buttons = (
            (str(card.caption), card.buttons)
            if card is not None
            else render_push(chat.views, breaking=breaking, local=local)
        )
        outcome = await self._try(chat, text, buttons, plain=False, sleep=sleep)
        if isinstance(outcome, ResendPlain):
            # Our HTML was refused: send the same words as plain text, once, and say so.
            log.warning(
                "push: chat %s refused our HTML (%s); sent as plain text",
                chat.chat_id,
                outcome.reason,
            )
            self.plain_text += 1
            note = f"sent as plain text: {outcome.reason}"
            outcome = await self._try(chat, text, buttons, plain=True, sleep=sleep)
        await self._apply(chat, outcome, note)

    async def _apply(self, chat: ClaimedChat, outcome: SendOutcome, note: str | None) -> None:
        """Record the outcome, and do what it asks of the chat, the budget or the store."""
        ids = chat.ids
        match outcome:
            case Sent(message_id):
                self.sent += len(ids)
                self.recorder.record(ids, DeliveryState.SENT, message_id=message_id, note=note)
            case RetryAt(at, reason, retry_after=float() as seconds):  # a 429: not a try
                self.rate_limited += 1
                await self.budget.refused(chat.chat_id, seconds)
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
            case ThreadGone(reason, closed) if chat.thread_id is not None:
                await retire_thread(
                    self.store, chat.chat_id, chat.thread_id, reason, closed=closed, during="push"
                )
                self.fail(ids, reason)
            case (
                Failed(reason, refused=True)
                | ResendPlain(reason)
                | PictureRefused(reason)
                | ThreadGone(reason)
            ):
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
