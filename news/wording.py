"""English wording of counts in operator output (CLI lines, log lines): "1 feed", "2 feeds"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the form English wants: counted(1, "story", "stories") → "1 story"."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
