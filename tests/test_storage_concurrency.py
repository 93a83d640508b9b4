"""Concurrent writers on the outbox lose no update and never see "database is locked"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage import Delivery, DeliveryState, Store
from storage.articles import ArticleIn, add_article
from storage.chats import ensure_chat
from storage.deliveries import (
    Outcome,
    claim_chats,
    queue_delivery,
    record_outcomes,
    requeue_stale,
)
from storage.stories import create_story

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ROWS = 60
WORKERS = 20


async def _seed(store: Store) -> None:
    async with store.write() as s:
        for n in range(ROWS):
            await ensure_chat(s, 1000 + n, type="private", language="en", timezone="UTC")
        a = await add_article(
            s,
            ArticleIn(
                canonical_url="https://example.com/1",
                url="https://example.com/1",
                title="t",
                language="en",
                topic="world",
                published_at=T0,
                content_hash="h",
            ),
        )
        assert a is not None
        story_id = await create_story(s, a)
        for n in range(ROWS):
            await queue_delivery(s, chat_id=1000 + n, story_id=story_id, article_id=a, due_at=T0)


async def test_concurrent_claims_lose_no_update(store: Store) -> None:
    await _seed(store)
    now = T0 + timedelta(seconds=1)
    claimed: list[int] = []

    retried: set[int] = set()

    async def worker(n: int) -> None:
        while True:
            # The sender's own claim and record calls (storage.deliveries), as it makes them.
            async with store.write() as s:
                batch = await claim_chats(s, now, limit=2)
            if not batch:
                return
            await asyncio.sleep(0.001)  # "send" outside the transaction
            outcomes = []
            for delivery_id in batch:
                claimed.append(delivery_id)
                # Every other row fails once and is retried, to move rows through all states.
                if delivery_id % 2 and delivery_id not in retried:
                    retried.add(delivery_id)
                    due = now - timedelta(seconds=1)
                    outcomes.append(Outcome(delivery_id, DeliveryState.QUEUED, due_at=due))
                else:
                    outcomes.append(Outcome(delivery_id, DeliveryState.SENT, delivery_id))
            async with store.write() as s:
                await record_outcomes(s, outcomes, now)

    await asyncio.gather(*(worker(n) for n in range(WORKERS)))
    async with store.read() as s:
        states = dict(
            (await s.execute(select(Delivery.state, func.count()).group_by(Delivery.state))).all()
        )
        attempts = (await s.execute(select(func.sum(Delivery.attempts)))).scalar_one()
    assert states == {"sent": ROWS}
    # Each row was claimed exactly once per attempt: odd ids twice, even ids once.
    assert len(claimed) == attempts == ROWS + ROWS // 2


async def test_rows_left_sending_by_a_crash_are_requeued(store: Store) -> None:
    await _seed(store)
    async with store.write() as s:
        batch = await claim_chats(s, T0 + timedelta(seconds=1), limit=5)
    assert len(batch) == 5
    async with store.write() as s:
        moved = await requeue_stale(s, older_than=T0 + timedelta(hours=1))
    assert moved == 5
