"""The in-memory story index finds the same stories as matching against the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from news.pipeline import Pipeline
from news.stories.candidate import Candidate, build_candidate
from storage import Store, Story

T0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
LONG = " ".join(f"word{n}" for n in range(80))


def _c(n: int, title: str, *, text: str = "", hours: float = 0, language: str = "en") -> Candidate:
    return build_candidate(
        url=f"https://site{n}.example/a",
        title=title,
        language=language,
        topic="world",
        text=text or f"Short body {n}.",
        published_at=T0 + timedelta(hours=hours),
        fetched_at=T0 + timedelta(hours=hours),
    )


async def test_index_links_same_event_and_keeps_others_apart(store: Store) -> None:
    store_one = Pipeline(store).ingest_candidate
    first = await store_one(_c(1, "Flood relief package for Karachi families announced"))
    same = await store_one(
        _c(2, "Sindh announces flood relief package for Karachi families", hours=3)
    )
    other = await store_one(_c(3, "Pakistan beat Australia at Lahore", hours=4))
    late = await store_one(
        _c(4, "Flood relief package for Karachi families announced again", hours=60)
    )
    assert first.new_story and not same.new_story and same.story_id == first.story_id
    assert other.new_story and late.new_story


async def test_index_sees_near_duplicate_bodies_and_other_processes(store: Store) -> None:
    # Stored by another pipeline (its own index), as another process (khabar import) would.
    outside = await Pipeline(store).ingest_candidate(_c(1, "Budget passed", text=LONG + " end"))
    store_one = Pipeline(store).ingest_candidate
    copy = await store_one(_c(2, "Assembly approves the budget", text=LONG + " fin", hours=1))
    assert copy.story_id == outside.story_id and not copy.new_story
    urdu = await store_one(_c(3, "بجٹ منظور", text=LONG + " آخر", hours=1, language="ur"))
    assert urdu.new_story  # the same words in another language are another story here


async def test_a_duplicate_that_would_begin_a_story_leaves_none(store: Store) -> None:
    # The story is inserted before its first article: a duplicate drops it again.
    store_one = Pipeline(store).ingest_candidate
    first = await store_one(_c(1, "Flood relief package for Karachi families announced"))
    again = await store_one(_c(1, "Pakistan beat Australia at Lahore", hours=1))  # same URL
    joined = await store_one(_c(2, "Sindh announces flood relief package for Karachi families"))
    async with store.read() as session:
        stories = (await session.execute(select(Story.id, Story.article_count))).all()
    assert (again.duplicate, joined.story_id) == (True, first.story_id)
    assert [tuple(row) for row in stories] == [(first.story_id, 2)]
