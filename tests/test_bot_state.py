"""The bot's per-process state is typed: ``BotData`` and ``KhabarContext``, no string-keyed stash."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.app import build_application
from bot.services import BotData, KhabarContext, Recent, Services
from tests.fakes import FakeTelegramAPI

pytest_plugins = ["tests.bot_harness"]

BOT = Path(__file__).resolve().parent.parent / "bot"
_DICTS = ("bot_data", "chat_data", "user_data")
_DICT_METHODS = ("get", "setdefault", "pop", "update", "__getitem__", "__setitem__")


def test_recent_keeps_the_keys_set_last() -> None:
    recent: Recent[str, int] = Recent(3)
    for n, key in enumerate("abcd"):
        recent[key] = n
    recent["b"] = 10  # set again: newest now
    recent["e"] = 4

    assert list(recent.items()) == [("d", 3), ("b", 10), ("e", 4)]


async def test_the_application_is_built_with_the_typed_state(
    fake_api: FakeTelegramAPI, services: Services
) -> None:
    application = build_application(services)

    assert isinstance(application.bot_data, BotData)
    assert application.bot_data.services is services
    assert application.context_types.context is KhabarContext


def test_bot_data_without_services_says_so() -> None:
    with pytest.raises(RuntimeError, match="no services installed"):
        BotData().services  # noqa: B018


def _untyped_stashes(path: Path) -> list[str]:
    """Where a module indexes PTB's data dicts by key or writes into a context's ``__dict__``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            found.append(f"{path.name}:{node.lineno} __dict__")
        target: ast.expr | None = None
        if isinstance(node, ast.Subscript):
            target = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value if node.func.attr in _DICT_METHODS else None
        name = target.attr if isinstance(target, ast.Attribute) else None
        name = target.id if isinstance(target, ast.Name) else name
        if target is not None and name in _DICTS:
            found.append(f"{path.name}:{target.lineno} {name}")
    return found


@pytest.mark.parametrize(
    "path", sorted(BOT.rglob("*.py")), ids=lambda p: str(p.relative_to(BOT.parent))
)
def test_no_string_keyed_state(path: Path) -> None:
    assert _untyped_stashes(path) == []
