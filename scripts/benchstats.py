"""Figures over the benchmarks' samples: one percentile, the same in every table."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["percentile"]


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``samples`` (0.5 for p50, 0.99 for p99), by nearest rank, in the
    samples' own unit."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
