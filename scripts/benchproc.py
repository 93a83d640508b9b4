"""Process figures for the benchmarks (Linux /proc): descendants, CPU time and PSS of a tree."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["descendants", "process_cpu", "pss_mib", "tree_pss_mib"]

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces and parentheses: split after the last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> list[int]:
    """The process ids of every descendant of ``pid`` (children, their children, …)."""
    parents = _parents()
    found = {pid}
    while more := {child for child, parent in parents.items() if parent in found} - found:
        found |= more
    found.discard(pid)
    return sorted(found)


def process_cpu(pid: int) -> float:
    """User + system CPU seconds ``pid`` has used so far (0.0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def pss_mib(pid: int) -> float:
    """The proportional set size of ``pid`` in MiB (0.0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_pss_mib(pid: int) -> float:
    """PSS summed over ``pid`` and its descendants, in MiB: the memory the tree costs."""
    return sum(pss_mib(p) for p in (pid, *descendants(pid)))
