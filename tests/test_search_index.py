"""The search index (news.embeddings.nearest, .crosssearch): window, preload, failures,
cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from news.embeddings.backend import E5Backend
from news.embeddings.crosssearch import search_both_languages
from news.embeddings.nearest import SEARCH_WINDOW, RecentVectors
from news.embeddings.service import Embeddings
from news.embeddings.vectors import DIM
from storage import Store
from storage.models import ArticleEmbedding
from tests.factories import NOW, add_article


async def _spoil_vector(store: Store, article_id: int) -> None:
    """Store a vector blob of the wrong size for this article (numpy refuses to decode it)."""
    async with store.write() as session:
        await session.execute(
            update(ArticleEmbedding)
            .where(ArticleEmbedding.article_id == article_id)
            .values(vector=b"\x00" * 10)
        )


async def test_a_preload_that_fails_otherwise_than_in_the_store_is_logged_and_given_up(
    store: Store, embeddings: Embeddings, caplog: pytest.LogCaptureFixture
) -> None:
    added = await add_article(store, "Heavy rain floods Karachi streets", embeddings=embeddings)
    await _spoil_vector(store, added.article_id)
    vectors = RecentVectors(store, embeddings)
    with caplog.at_level(logging.INFO, logger="news.embeddings.nearest"):
        await vectors.preload(NOW)  # returns: the task does not die of it
    assert len(vectors) == 0
    assert [r.getMessage() for r in caplog.records] == [
        "search: index not loaded at start, the first /search reads it: "
        "ValueError: embeddings: a stored vector is not 388 bytes"
    ]


async def _collected() -> None:
    """Collect garbage in a later step of the loop: the handle that resumed the caller (and
    holds the task it awaited) is gone by then; a task collected with an error never
    retrieved is reported to the loop's exception handler."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def collect() -> None:
        gc.collect()
        done.set_result(None)

    asyncio.get_running_loop().call_soon(collect)
    await done


class _FailingQuery:
    """An engine whose vector for the query ``"boom"`` is missing (an empty matrix: the
    service's ``rows[0]`` fails); other queries get a unit vector. ``asked`` is set when it is
    given "boom"."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.asked = threading.Event()

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.queries(texts)

    def queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if list(texts) == ["boom"]:
            self.asked.set()
            return np.zeros((0, DIM), dtype=np.float32)
        return np.full((len(texts), DIM), DIM**-0.5, dtype=np.float32)


async def test_a_failed_embedding_is_not_reported_lost_when_the_reads_fail_too(
    store: Store, embeddings: Embeddings, e5_backend: E5Backend
) -> None:
    # search_both_languages cancels the embedding task in ``finally``: cancel() on a task done
    # already marks its error retrieved (CPython asyncio/futures.py, Future.cancel), so
    # asyncio does not report "Task exception was never retrieved" when it is collected.
    added = await add_article(store, "Heavy rain floods Karachi streets", embeddings=embeddings)
    await _spoil_vector(store, added.article_id)  # the index's refresh fails on it
    engine = _FailingQuery(e5_backend.name)
    failing = Embeddings(engine)
    loop = asyncio.get_running_loop()
    unretrieved: list[str] = []
    loop.set_exception_handler(lambda _loop, context: unretrieved.append(context["message"]))
    # One worker for asyncio.to_thread, held: the refresh's decoding (which fails) waits
    # until the query's embedding has failed.
    loop.set_default_executor(ThreadPoolExecutor(1))
    gate = threading.Event()
    held = loop.run_in_executor(None, gate.wait)
    try:
        search = asyncio.ensure_future(
            search_both_languages(store, RecentVectors(store, failing), "boom", NOW)
        )
        with ThreadPoolExecutor(1) as waiter:
            await loop.run_in_executor(waiter, engine.asked.wait)
        # Behind "boom" in the query worker: once this is back, the search's embedding task
        # has failed (its result reached the loop first).
        assert await failing.query("after") is not None
        gate.set()
        with pytest.raises(ValueError, match="388 bytes"):
            await search
        del search
        await _collected()
    finally:
        gate.set()
        await held
        failing.close()
        loop.set_exception_handler(None)
    assert unretrieved == []


class _Gate:
    """``entered`` is set when a worker thread reaches the gate; it waits there for ``open``."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.open = threading.Event()


class _HeldDate(datetime):
    """A stored date whose ``replace`` (what the index's decoding calls, in its worker
    thread) waits at a gate first."""

    gate: _Gate

    def replace(self, *args: Any, **kwargs: Any) -> datetime:  # type: ignore[override]
        self.gate.entered.set()
        self.gate.open.wait()
        return datetime.combine(self.date(), self.time(), self.tzinfo).replace(*args, **kwargs)


class _HeldReads(AsyncSession):
    """A real session whose rows' dates (the second column) wait at ``gate`` when replaced."""

    def __init__(self, store: Store, gate: _Gate) -> None:
        super().__init__(store.engine, expire_on_commit=False)
        self.gate = gate

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        rows = (await super().execute(statement, *args, **kwargs)).all()
        return _Rows([(row[0], self._held(row[1]), *row[2:]) for row in rows])

    def _held(self, date: datetime) -> _HeldDate:
        held = _HeldDate.combine(date.date(), date.time(), date.tzinfo)
        held.gate = self.gate
        return held


class _Rows:
    """What ``_HeldReads.execute`` returns: the rows, as a result's ``all()``."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows

    def all(self) -> list[tuple[Any, ...]]:
        return self.rows


async def test_a_refresh_cancelled_while_its_thread_appends_keeps_what_it_appended(
    store: Store, embeddings: Embeddings
) -> None:
    await add_article(store, "Heavy rain floods Karachi streets", embeddings=embeddings)
    vectors = RecentVectors(store, embeddings)
    await vectors.refresh(NOW)  # the pools now have spare room, written into by the next
    budget = await add_article(store, "Budget passed in Islamabad", embeddings=embeddings)
    gate = _Gate()
    async with _HeldReads(store, gate) as session:
        refresh = asyncio.ensure_future(vectors.refresh(NOW, session))
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(1) as waiter:
            await loop.run_in_executor(waiter, gate.entered.wait)  # the append's thread waits
        refresh.cancel()
        # The next refresh, asked for meanwhile, must not write the same rows into the room.
        following = asyncio.ensure_future(vectors.refresh(NOW))
        gate.open.set()
        with pytest.raises(asyncio.CancelledError):
            await refresh
    assert len(vectors) == 2  # the cancelled refresh's rows stayed: none read again
    await following
    assert len(vectors) == 2
    found = await vectors.nearest("Budget passed in Islamabad", NOW, 5)
    assert [article_id for article_id, _ in found] == [budget.article_id]


@contextlib.contextmanager
def _threads_dropping() -> Iterator[list[bool]]:
    """Whether each call of the pools' window drop (``_Pool.since``) in the block ran on the
    calling (event loop) thread, recorded by a profile hook in every thread."""
    on_loop: list[bool] = []
    loop_thread = threading.get_ident()

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_qualname == "_Pool.since":
            on_loop.append(threading.get_ident() == loop_thread)

    sys.setprofile(profile)
    threading.setprofile(profile)  # for the worker threads started in the block
    try:
        yield on_loop
    finally:
        threading.setprofile(None)
        sys.setprofile(None)


async def test_the_windows_oldest_leave_in_the_worker_thread_not_on_the_loop(
    store: Store, embeddings: Embeddings
) -> None:
    await add_article(
        store, "Heavy rain floods Karachi streets", embeddings=embeddings, published_at=NOW
    )
    vectors = RecentVectors(store, embeddings)
    # A worker thread of its own, started under the hook.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(1))
    with _threads_dropping() as on_loop:
        await vectors.refresh(NOW)
        later = NOW + timedelta(days=1)
        await add_article(
            store, "Budget passed in Islamabad", embeddings=embeddings, published_at=later
        )
        await vectors.refresh(NOW + SEARCH_WINDOW + timedelta(minutes=1))  # the first leaves
    assert len(vectors) == 1
    assert on_loop != [] and not any(on_loop)


async def test_articles_leave_the_index_as_they_leave_the_window(
    store: Store, embeddings: Embeddings
) -> None:
    titles = [f"Rain floods street {n} of Karachi" for n in range(10)]
    ages = [timedelta(days=29, hours=23 - n) for n in range(10)]  # the first the oldest
    ids = [
        (await add_article(store, title, embeddings=embeddings, published_at=NOW - age)).article_id
        for title, age in zip(titles, ages, strict=True)
    ]
    vectors = RecentVectors(store, embeddings)
    await vectors.refresh(NOW)
    sizes = [len(vectors)]
    # An hour later the oldest has left (one of ten: kept aside), two hours later the next
    # (two of ten: the pool is copied without them), then none for a while.
    for hours in (1, 2, 2, 5):
        await vectors.refresh(NOW + timedelta(hours=hours, minutes=1))
        sizes.append(len(vectors))
    assert sizes == [10, 9, 8, 8, 5]
    found = await vectors.nearest(titles[0], NOW + timedelta(hours=5, minutes=1), 10)
    assert {article_id for article_id, _ in found} <= set(ids[5:])
