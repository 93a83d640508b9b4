"""Package re-exports loaded on first use (PEP 562), so importing one module never imports its siblings.

Each stage package's ``__init__`` lists its public names in ``__all__`` (and imports them under
``TYPE_CHECKING`` for type checkers); at run time this ``__getattr__`` finds a name's module by
reading the ``__all__`` of the package's modules, without importing them. Eager re-exports made
import cycles: ``bot.runner`` imports ``bot.console.demo``, whose package would import
``bot.console.terminal``, which imports ``bot.runner``.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["lazy_exports"]


def _declared(path: Path) -> list[str]:
    """The names a module's literal ``__all__`` lists, read from its source."""
    for node in ast.parse(path.read_text("utf-8")).body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(value, ast.List | ast.Tuple) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in targets
        ):
            return [
                e.value
                for e in value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
    return []


def lazy_exports(package: str, paths: Iterable[str]) -> Callable[[str], object]:
    """A module-level ``__getattr__`` for ``package`` that imports each name from its module."""
    homes: dict[str, str] = {}

    def __getattr__(name: str) -> object:
        if not homes:
            for folder in paths:
                for source in sorted(Path(folder).glob("*.py")):
                    if source.stem != "__init__":
                        for declared in _declared(source):
                            homes.setdefault(declared, source.stem)
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{homes[name]}"), name)

    return __getattr__
