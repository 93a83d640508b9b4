"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the bot.

PTB talks to it over real HTTP (`ApplicationBuilder().base_url(fake.base_url)`). Tests script
incoming updates, change chat states, inject faults and assert on what the bot sent. It is
hand-written because no maintained package fakes the Bot API for PTB 22 (research notes
ptb-testing.md §3.1).
"""

import asyncio
import contextlib
import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.fakes.telegram_errors import BotAPIError
from tests.fakes.telegram_flood import FloodControl, FloodLimits
from tests.fakes.telegram_http import Call, Signal, read_params, reply_error, sent_at
from tests.fakes.telegram_methods import CHAT_METHODS, METHODS, commands_key
from tests.fakes.telegram_objects import JSON, make_chat_json, make_user_json
from tests.fakes.telegram_polls import LongPolls
from tests.fakes.telegram_state import BotState
from tests.fakes.telegram_updates import callback_update, text_message

__all__ = ["DEFAULT_TOKEN", "Call", "FakeTelegramAPI"]

# Shaped like a real token (digits, a colon, 35 characters): Khabar refuses any other shape.
DEFAULT_TOKEN = "123456:TEST-fake-token-0123456789abcdefghi"
FLOOD_METHODS = frozenset({"sendMessage", "sendPhoto"})
_METHOD_NAMES = {name.lower(): name for name in [*METHODS, "getUpdates"]}  # case-insensitive
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass
class _Fault:
    error: BotAPIError
    remaining: int


class FakeTelegramAPI:
    """A Bot API server on 127.0.0.1:0 that records calls and refuses what Telegram refuses."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        enforce_limits: bool = False,
        limits: FloodLimits | None = None,
        time_scale: float = 1.0,
        bot_username: str = "khabar_test_bot",
        bot_first_name: str = "Khabar Test",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.clock = clock  # when a request that carries no sent-at stamp arrived
        self.enforce_limits = enforce_limits
        self.flood = FloodControl(limits or FloodLimits(), time_scale)
        bot_user = make_user_json(
            int(token.split(":", 1)[0]),
            first_name=bot_first_name,
            username=bot_username,
            is_bot=True,
        )
        bot_user.update(can_join_groups=True, can_read_all_group_messages=False)
        self.state = BotState(bot_user)
        self.calls: list[Call] = []
        self.rate_limited_count = 0
        self.polls = LongPolls()
        self.port = 0
        self._accepted: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._signal = Signal()
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._next_query_id = 1
        self._handling = 0  # requests being answered now

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Bot API base for PTB, which appends the token: http://127.0.0.1:PORT/bot."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base for PTB: http://127.0.0.1:PORT/file/bot."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot's User object, as getMe returns it."""
        return copy.deepcopy(self.state.bot_user)

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        self._stopping = False
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Answer every parked long poll and delayed call, then close the server."""
        self._stopping = True
        self._signal.notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - bounded on purpose
        """Wait until no client is connected and no request is being answered: whatever a
        client wrote before it went away (a killed bot) has been answered by then."""
        async with asyncio.timeout(timeout):
            while self._handling or self._connected():  # noqa: ASYNC110 - no event for a close
                await asyncio.sleep(0.01)

    def _connected(self) -> int:
        server = self._runner.server if self._runner is not None else None
        return len(server.connections) if server is not None else 0

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.Response:
        return reply_error(BotAPIError(404, "Not Found"))

    async def _handle(self, request: web.Request) -> web.Response:
        self._handling += 1
        try:
            return await self._handle_one(request)
        finally:
            self._handling -= 1

    async def _handle_one(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return reply_error(BotAPIError(401, "Unauthorized"))
        method = _METHOD_NAMES.get(request.match_info["method"].lower())
        if method is None:
            return reply_error(BotAPIError(404, "Not Found"))
        try:
            params = await read_params(request)
        except ValueError:
            return reply_error(BotAPIError(400, "Bad Request: can't parse JSON object"))
        call = Call(method, params, sent_at(request) or self.clock())
        self.calls.append(call)
        try:
            result = await self._answer(call)
        except BotAPIError as error:
            if error.status == HTTPStatus.TOO_MANY_REQUESTS:
                self.rate_limited_count += 1
            self._signal.notify()
            return reply_error(error)
        self._accepted.append(call)
        self._signal.notify()
        return web.json_response({"ok": True, "result": result})

    async def _answer(self, call: Call) -> Any:
        seconds = self._delays.get(call.method, 0.0)
        if seconds > 0:
            await self._wait(lambda: self._stopping, seconds)
        faults = self._faults.get(call.method)
        if faults:
            fault = faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.pop(0)
            raise BotAPIError(fault.error.status, fault.error.description, **fault.error.parameters)
        if call.method == "getUpdates":
            return await self._get_updates(call.params)
        chat_id = call.params.get("chat_id")
        if call.method in CHAT_METHODS and isinstance(chat_id, int | str):
            self.state.check_access(chat_id, call.method)
        limited = self.enforce_limits and call.method in FLOOD_METHODS
        if limited and isinstance(chat_id, int | str):
            self.flood.check(chat_id, call.timestamp)
        result = METHODS[call.method](self.state, call.params)
        if limited and isinstance(chat_id, int | str):
            self.flood.record(chat_id, call.timestamp)
        return result

    async def _wait(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait up to `seconds` for predicate() to hold; return whether it does."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._signal.wait_until(predicate)
        return predicate()

    async def _get_updates(self, params: JSON) -> list[JSON]:
        """Long poll: confirm by offset, then wait up to `timeout` s for an update or stop()."""
        if self.state.webhook is not None:
            raise BotAPIError(409, _WEBHOOK_CONFLICT)
        offset = params.get("offset")
        if isinstance(offset, int) and offset != 0:
            self.state.confirm_updates(offset)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        ticket = self.polls.begin()
        self._signal.notify()  # a parked older poll learns it was replaced
        await self._wait(
            lambda: bool(self.state.updates) or self._stopping or self.polls.replaced(ticket),
            timeout,
        )
        self.polls.check(ticket)
        return copy.deepcopy(self.state.updates[:limit])

    # -- scripting incoming updates ----------------------------------------------------------

    def push_update(self, update: JSON) -> JSON:
        """Queue a raw Update for getUpdates (numbered if it has no update_id) and return it."""
        queued = self.state.push_update(copy.deepcopy(update))
        self._signal.notify()
        return copy.deepcopy(queued)

    def push_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        language_code: str = "en",
        username: str | None = None,
        first_name: str = "Test",
    ) -> JSON:
        """Queue a user's text message (/commands get bot_command entities); return the Update."""
        message = text_message(
            self.state,
            chat_id,
            text,
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            username=username,
            first_name=first_name,
        )
        return self.push_update({"message": message})

    def push_callback(
        self,
        chat_id: int,
        data: str,
        message_id: int,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        language_code: str = "en",
        username: str | None = None,
        first_name: str = "Test",
    ) -> JSON:
        """Queue a button press under a bot message; answerCallbackQuery accepts its id once."""
        query_id = str(self._next_query_id)
        self._next_query_id += 1
        self.state.open_callback_queries.add(query_id)
        update = callback_update(
            self.state,
            chat_id,
            data,
            message_id,
            query_id,
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            username=username,
            first_name=first_name,
        )
        return self.push_update(update)

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self.state.updates)

    # -- chat states and admins --------------------------------------------------------------

    def block(self, chat_id: int) -> None:
        """Make the user block the bot: sends answer 403 "bot was blocked by the user"."""
        self.state.chat(chat_id).blocked = True

    def kick(self, chat_id: int) -> None:
        """Remove the bot from a group: calls answer 403 "bot was kicked from the group chat"."""
        self.state.chat(chat_id).kicked = True

    def delete_chat(self, chat_id: int) -> None:
        """Make the chat vanish: calls answer 400 "chat not found"."""
        self.state.chat(chat_id).deleted = True

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        """Upgrade a group: calls answer 400 with parameters.migrate_to_chat_id=new_chat_id."""
        old = self.state.chat(chat_id)
        old.migrated_to = new_chat_id
        title = old.chat.get("title")
        self.state.chat(new_chat_id, make_chat_json(new_chat_id, "supergroup", title=title))

    def restore_chat(self, chat_id: int) -> None:
        """Undo block/kick/delete_chat/migrate for the chat."""
        chat = self.state.chat(chat_id)
        chat.blocked = chat.kicked = chat.deleted = False
        chat.migrated_to = None

    def set_admins(
        self, chat_id: int, admin_ids: list[int], *, owner_id: int | None = None
    ) -> None:
        """Configure who getChatMember/getChatAdministrators report as administrator/creator."""
        chat = self.state.chat(chat_id)
        chat.admin_ids = list(admin_ids)
        chat.owner_id = owner_id

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        count: int = 1,
        **parameters: Any,
    ) -> None:
        """Answer the next `count` calls of `method` with this error (429 gets retry_after=1)."""
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            parameters.setdefault("retry_after", 1)
            description = (
                description or f"Too Many Requests: retry after {parameters['retry_after']}"
            )
        error = BotAPIError(status, description or HTTPStatus(status).phrase, **parameters)
        self._faults.setdefault(self._method(method), []).append(_Fault(error, count))

    def delay(self, method: str, seconds: float) -> None:
        """Answer every later call of `method` only after `seconds` (0 turns the delay off)."""
        self._delays[self._method(method)] = seconds

    @staticmethod
    def _method(name: str) -> str:
        try:
            return _METHOD_NAMES[name.lower()]
        except KeyError:
            raise ValueError(f"the fake Bot API does not implement {name!r}") from None

    # -- inspection --------------------------------------------------------------------------

    def sent(self, method: str | None = None, chat_id: int | str | None = None) -> list[JSON]:
        """Params of accepted calls (all but getUpdates when no method), optionally per chat."""
        wanted = self._method(method) if method else None
        return [
            call.params
            for call in self._accepted
            if (call.method == wanted if wanted else call.method != "getUpdates")
            and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 30.0,  # noqa: ASYNC109 - bounded, and generous: it returns when done
        *,
        chat_id: int | str | None = None,
    ) -> list[JSON]:
        """Wait until `count` calls of `method` were accepted; return their params."""
        if not await self._wait(lambda: len(self.sent(method, chat_id)) >= count, timeout):
            seen = [call.method for call in self.calls]
            raise TimeoutError(f"{count} x {method} not accepted within {timeout} s; calls: {seen}")
        return self.sent(method, chat_id)

    def messages(self, chat_id: int | str) -> list[JSON]:
        """The bot's live messages in the chat as Telegram shows them now (after edits)."""
        chat = self.state.chats.get(chat_id)
        stored = sorted(chat.messages.items()) if chat else []
        return [copy.deepcopy(m.json) for _, m in stored if m.from_bot and not m.deleted]

    def commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        """The commands setMyCommands recorded for this scope and language_code."""
        return copy.deepcopy(self.state.commands.get(commands_key(scope, language_code), []))

    @property
    def webhook(self) -> JSON | None:
        """Params of the last setWebhook (url, secret_token…), or None when no webhook is set."""
        return copy.deepcopy(self.state.webhook)

    def clear(self) -> None:
        """Forget recorded calls and the 429 count; chats, messages and queued updates remain."""
        self.calls.clear()
        self._accepted.clear()
        self.rate_limited_count = 0
