"""Crash safety with real processes: SIGKILL a sender mid fan-out, SIGTERM the next one, finish
with a third; every chat gets the story, and the only duplicates are messages Telegram had
accepted whose outcome the killed process had not yet written."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from storage import Delivery, DeliveryState, Store
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.push_helpers import sent_counts

SCRIPT = Path(__file__).with_name("crash_sender.py")
CHATS = 400
TITLE = "Flooding Closes Karachi Port As Monsoon Rains Continue"


async def _start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 60)
    if not line.startswith(b"crash_sender: sending"):
        _, err = await proc.communicate()
        raise AssertionError(f"crash_sender did not start: {line!r} {err.decode()[-2000:]}")
    return proc


async def _states(store: Store) -> dict[str, int]:
    async with store.read() as s:
        rows = await s.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return {state: n for state, n in rows.all()}


async def _unrecorded(store: Store, fake: FakeTelegramAPI) -> set[int]:
    """Chats Telegram accepted a message for whose delivery is not recorded as sent."""
    async with store.read() as s:
        stmt = select(Delivery.chat_id).where(Delivery.state == DeliveryState.SENT)
        recorded = set((await s.execute(stmt)).scalars())
    return set(sent_counts(fake)) - recorded


async def test_sigkill_mid_fan_out_loses_nothing(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    # The sender process runs on the real clock.
    now = datetime.now(UTC)
    await add_chats(store, range(1, CHATS + 1), subscribed_at=now - timedelta(days=1))
    await add_article(store, TITLE, published_at=now, push=True)
    async with FakeTelegramAPI(enforce_limits=True, time_scale=4.0) as fake:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": database_url,
            "PUSH_RATE": "100",  # the fake allows 120/s at time_scale 4
            "PUSH_LEASE": "1",  # a killed sender's rows are taken back after 1 s
            "LOG_LEVEL": "WARNING",
        }
        # 1. Killed a third of the way through: no chance to record anything.
        proc = await _start(env, tmp_path)
        await fake.wait_for("sendMessage", CHATS // 3, timeout=30)
        proc.kill()
        await proc.wait()
        await fake.idle()  # requests already on the wire are answered
        at_kill = await _states(store)
        unrecorded = await _unrecorded(store, fake)
        delivered_at_kill = len(fake.sent("sendMessage"))

        # 2. Restarted, then stopped with SIGTERM: what was sent is recorded, nothing is left
        # claimed, the rest is still queued.
        proc = await _start(env, tmp_path)
        await fake.wait_for("sendMessage", 2 * CHATS // 3, timeout=30)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 20)
        assert proc.returncode == 0, err.decode()[-2000:]
        at_term = await _states(store)
        assert at_term.get(DeliveryState.SENDING, 0) == 0
        assert at_term.get(DeliveryState.QUEUED, 0) > 0
        assert not await _unrecorded(store, fake)

        # 3. Restarted once more: it finishes.
        proc = await _start(env, tmp_path)
        await fake.wait_for("sendMessage", CHATS + len(unrecorded), timeout=30)
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.communicate(), 20)

    counts = sent_counts(fake)
    duplicates = sorted(chat for chat, n in counts.items() if n > 1)
    print(
        f"\nSIGKILL after {delivered_at_kill} of {CHATS} messages; states at the kill {at_kill};"
        f" accepted by Telegram but unrecorded: {len(unrecorded)};"
        f" duplicates after the restart: {len(duplicates)} {duplicates}"
    )
    assert set(counts) == set(range(1, CHATS + 1))
    assert max(counts.values()) <= 2
    assert set(duplicates) == unrecorded
    assert await _states(store) == {DeliveryState.SENT: CHATS}
