"""Every package and module lists its public names in ``__all__``, and each of them exists."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bot
import news
import storage

_SKIP = ("migrations", "__main__")


def _modules() -> list[str]:
    names: list[str] = []
    for package in (bot, news, storage):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not any(part in _SKIP for part in info.name.split(".")):
                names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_module_declares_all(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    missing = [member for member in exported if not hasattr(module, member)]
    assert missing == []
    assert module.__doc__, f"{name} has no docstring"
