"""The exception trees written at the top of ``news/errors.py`` and ``storage/errors.py`` are the
real class hierarchies (as httpx/_exceptions.py writes its own out)."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

import news.errors
import storage.errors
from news.summaries import llm

# A tree line: indentation and branch marks (``* x + -`` or box drawing), then a class name.
_LINE = re.compile(r"^[\s*x+\-│├└─]*([A-Z]\w*)")


def _classes(module: ModuleType) -> dict[str, type[BaseException]]:
    return {
        name: value
        for name in module.__all__
        if isinstance(value := getattr(module, name), type) and issubclass(value, BaseException)
    }


def _written_tree(module: ModuleType) -> dict[str, str]:
    """Each class the docstring's tree names, with the class above it (the root's is Exception)."""
    classes = _classes(module)
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in (module.__doc__ or "").splitlines():
        found = _LINE.match(line)
        if found is None or found.group(1) not in classes:
            continue
        column, name = found.start(1), found.group(1)
        while stack and stack[-1][0] >= column:
            stack.pop()
        parents[name] = stack[-1][1] if stack else "Exception"
        stack.append((column, name))
    return parents


@pytest.mark.parametrize("module", [news.errors, storage.errors], ids=lambda m: m.__name__)
def test_the_written_tree_is_the_class_tree(module: ModuleType) -> None:
    actual = {name: cls.__mro__[1].__name__ for name, cls in _classes(module).items()}

    assert _written_tree(module) == actual


def test_llm_errors_are_news_errors() -> None:
    assert llm.LLMError is news.errors.LLMError
    assert issubclass(llm.LLMError, news.errors.NewsError)
