"""Imports point one way: ``bot → news → storage``, and the bot at run time never needs its CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, also inside functions and through importlib."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                found.add(str(first.value))
    return found


def _sources(package: str, *, skip: tuple[str, ...] = ()) -> list[Path]:
    root = REPO / package
    return sorted(p for p in root.rglob("*.py") if not str(p.relative_to(REPO)).startswith(skip))


def _names(modules: set[str], prefix: str) -> list[str]:
    return sorted(m for m in modules if m == prefix or m.startswith(prefix + "."))


# bot/cli/ is the command line itself, and bot/__main__.py only starts it.
RUNTIME = _sources("bot", skip=("bot/cli/", "bot/__main__.py"))


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: str(p.relative_to(REPO)))
def test_runtime_modules_never_import_the_cli(path: Path) -> None:
    assert _names(imported_modules(path), "bot.cli") == []


@pytest.mark.parametrize(
    "path", _sources("news") + _sources("storage"), ids=lambda p: str(p.relative_to(REPO))
)
def test_news_and_storage_never_import_the_bot(path: Path) -> None:
    assert _names(imported_modules(path), "bot") == []


@pytest.mark.parametrize("path", _sources("storage"), ids=lambda p: str(p.relative_to(REPO)))
def test_storage_never_imports_news(path: Path) -> None:
    assert _names(imported_modules(path), "news") == []


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "import importlib\n"
        "def f():\n"
        "    from bot.cli.news import make_fetcher\n"
        "    return importlib.import_module('bot.cli.summarize')\n",
        encoding="utf-8",
    )

    assert _names(imported_modules(source), "bot.cli") == [
        "bot.cli.news",
        "bot.cli.news.make_fetcher",
        "bot.cli.summarize",
    ]
