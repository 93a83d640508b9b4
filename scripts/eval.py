"""Run every quality evaluation (scripts/eval_*.py) in turn; each skips what ../shared lacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Run each evaluation script; return non-zero if one of them failed."""
    failed = 0
    for script in sorted(Path(__file__).parent.glob("eval_*.py")):
        print(f"\n== {script.stem} ==", flush=True)
        failed |= subprocess.call([sys.executable, str(script)]) != 0
    return failed


if __name__ == "__main__":
    sys.exit(main())
