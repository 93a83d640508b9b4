"""Running the real ``khabar`` command in a subprocess, in a clean environment, from tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TIMEOUT", "Finished", "clean_env", "run_khabar", "run_khabar_async"]

# Settings of the developer's shell must not leak into a test's khabar.
_OURS = ("TELEGRAM_", "ADMIN_", "DEFAULT_", "DATABASE_", "KHABAR_", "LOG_", "WEBHOOK_", "METRICS_")
TIMEOUT = 120.0  # generous: a loaded machine is slow, and the tests wait for the exit anyway


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without Khabar's settings, plus ``env``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    base.update(env or {})
    return base


def run_khabar(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` and wait for it (for tests with no server in their loop)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@dataclass(frozen=True)
class Finished:
    """How a khabar process ended: exit status and everything it wrote."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Standard output and standard error together."""
        return self.stdout + self.stderr


async def run_khabar_async(*args: str, env: dict[str, str] | None = None, cwd: Path) -> Finished:
    """Run ``python -m bot ARGS`` without blocking the loop (a fake server may live in it)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=clean_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    assert proc.returncode is not None
    return Finished(proc.returncode, out.decode(), err.decode())
