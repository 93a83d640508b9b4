"""Inline mode in the fake Bot API: inline queries as updates, and answerInlineQuery checked
against Telegram's rules (at most 50 results, unique ids of 1-64 bytes, next_offset of at most
64 bytes, each article result with a title and a message of 1-4096 characters)."""

import itertools
from typing import Any

from tests.fakes.telegram_errors import bad_request
from tests.fakes.telegram_html import render_text
from tests.fakes.telegram_objects import JSON, make_user_json, utf16_len
from tests.fakes.telegram_state import BotState

__all__ = ["answer_inline_query", "answers", "inline_query"]

MAX_RESULTS = 50
MAX_ID_BYTES = 64
MAX_TEXT_LENGTH = 4096
_query_ids = itertools.count(1)


def inline_query(
    state: BotState,
    user_id: int,
    query: str,
    *,
    offset: str = "",
    language_code: str | None = None,
    chat_type: str | None = "sender",
) -> JSON:
    """The update of a user typing ``@bot query`` (``offset`` as the last answer gave), for
    FakeTelegramAPI.push_update; its id is open for one answer."""
    query_id = f"inline-{next(_query_ids)}"
    state.open_inline_queries.add(query_id)
    inline: JSON = {
        "id": query_id,
        "from": make_user_json(user_id, language_code=language_code),
        "query": query,
        "offset": offset,
    }
    if chat_type is not None:
        inline["chat_type"] = chat_type
    return {"inline_query": inline}


def _check_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict):
        raise bad_request("can't parse inline query results JSON object")
    result_id = str(result.get("id") or "")
    if not 0 < len(result_id.encode()) <= MAX_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    if result.get("type") != "article" or not result.get("title"):
        raise bad_request("RESULT_TYPE_INVALID")
    content = result.get("input_message_content") or {}
    text, _ = render_text(
        str(content.get("message_text") or ""), content.get("parse_mode"), content.get("entities")
    )
    if not text.strip():
        raise bad_request("MESSAGE_EMPTY")
    if utf16_len(text.strip()) > MAX_TEXT_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")


def answer_inline_query(state: BotState, params: JSON) -> bool:
    """answerInlineQuery: validate the answer and keep it for the test to read."""
    query_id = str(params.get("inline_query_id") or "")
    if query_id not in state.open_inline_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    results = params.get("results") or []
    if not isinstance(results, list) or len(results) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _check_result(result, seen)
    # A string field: form-encoded "10" or "" reach the fake decoded as JSON (10, []).
    next_offset = str(params.get("next_offset") or "")
    if len(next_offset.encode()) > MAX_ID_BYTES:
        raise bad_request("NEXT_OFFSET_INVALID")
    state.open_inline_queries.discard(query_id)
    state.inline_answers[query_id] = {**params, "next_offset": next_offset}
    return True


def answers(state: BotState) -> list[JSON]:
    """Every answerInlineQuery the fake accepted, in order."""
    return list(state.inline_answers.values())
