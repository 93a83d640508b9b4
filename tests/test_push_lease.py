"""A live sender never takes back its own rows as stale: those it still sends, and those whose
outcome it holds unwritten, keep their lease through its own sweep for stopped senders'."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.push.claim import Claims
from bot.push.record import Recorder
from storage import Delivery, DeliveryState, Store
from tests.factories import add_article, add_chats
from tests.push_helpers import T0, Clock

TITLE = "Flooding Closes Karachi Port As Monsoon Rains Continue"


async def _states(store: Store) -> dict[int, str]:
    async with store.read() as s:
        rows = await s.execute(select(Delivery.chat_id, Delivery.state))
        return {chat: state for chat, state in rows.all()}


async def test_own_rows_survive_the_stale_sweep_however_late_it_runs(store: Store) -> None:
    await add_chats(store, [1, 2])
    await add_article(store, TITLE, published_at=T0, push=True)
    clock = Clock(T0 + timedelta(hours=1))
    recorder = Recorder(store, clock)
    claims = Claims(store, recorder, clock, lease=1.0)
    claimed, chats = await claims.claim(10)
    assert claimed == 2
    # Chat 1's message went out; its outcome waits for the next flush. Chat 2 is still sending.
    done = next(c for c in chats if c.chat_id == 1)
    recorder.record(done.ids, DeliveryState.SENT)
    claims.release(done.target)
    # This machine was slow: the sweep runs long after the lease (no renewal happened).
    clock.advance(seconds=30)
    await claims.requeue_stale()
    assert await _states(store) == {1: DeliveryState.SENDING, 2: DeliveryState.SENDING}
    await recorder.flush()
    assert (await _states(store))[1] == DeliveryState.SENT


async def test_rows_of_a_stopped_sender_are_taken_back(store: Store) -> None:
    await add_chats(store, [1])
    await add_article(store, TITLE, published_at=T0, push=True)
    clock = Clock(T0 + timedelta(hours=1))
    stopped = Claims(store, Recorder(store, clock), clock, lease=1.0)
    assert (await stopped.claim(10))[0] == 1
    clock.advance(seconds=2)
    alive = Claims(store, Recorder(store, clock), clock, lease=1.0)
    await alive.requeue_stale()
    assert await _states(store) == {1: DeliveryState.QUEUED}
