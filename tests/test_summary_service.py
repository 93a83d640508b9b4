"""The summary service: cache, the LLM within SUMMARY_WAIT, and the fallbacks when a language is missing."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from news.summaries.llm import OpenAIBackend
from news.summaries.service import SummaryService
from storage import Store
from storage.articles import get_article
from tests.factories import add_article
from tests.fakes.openai_api import FakeOpenAI, Reply

T0 = datetime(2026, 11, 20, 9, tzinfo=UTC)
EN_TEXT = (
    "Heavy rain flooded parts of Karachi on Tuesday, officials said. "
    "Rescue teams moved families from low-lying areas to schools. "
    "The weather office expects more rain over the next two days. "
    "Power was cut in several districts as a precaution."
)
UR_TEXT = (
    "کراچی میں منگل کو تیز بارش سے کئی علاقے زیرِ آب آ گئے۔ "
    "امدادی ٹیموں نے نشیبی علاقوں سے خاندانوں کو اسکولوں میں منتقل کیا۔ "
    "محکمہ موسمیات نے اگلے دو دن مزید بارش کی پیش گوئی کی ہے۔"
)


async def _store(store: Store, n: int, language: str, title: str, text: str) -> int:
    added = await add_article(
        store,
        title,
        url=f"https://example.org/{n}",
        language=language,
        topic="pakistan",
        text=text,
        lead=text[:120],
        published_at=T0,
        fetched_at=datetime.now(UTC),
        source=f"Source {n}",
    )
    return added.article_id


async def test_extractive_summary_is_cached_and_in_the_article_language(store: Store) -> None:
    article_id = await _store(store, 1, "en", "Rain floods Karachi", EN_TEXT)
    service = SummaryService(store)
    async with store.read() as session:
        article = await get_article(session, article_id)
    assert article is not None
    first = await service.get(article, "en")
    again = await service.get(article, "en")
    assert (first.language, first.summary.backend) == ("en", "extractive")
    assert again.text == first.text and first.text.startswith("Heavy rain flooded")
    urdu_wanted = await service.get(article, "ur")
    # Extractive can't translate: the article's own language, so /read adds a note.
    assert urdu_wanted.language == "en"


async def test_urdu_article_of_the_same_story_is_preferred(store: Store) -> None:
    en_id = await _store(store, 1, "en", "Rain floods Karachi", EN_TEXT)
    ur_id = await _store(store, 2, "ur", "کراچی میں بارش", UR_TEXT)
    # Link the Urdu article into the English one's story, as clustering across outlets would.
    from storage.stories import attach_to_story

    async with store.read() as session:
        en = await get_article(session, en_id)
    assert en is not None and en.story_id is not None
    async with store.write() as session:
        await attach_to_story(session, ur_id, en.story_id)
    async with store.read() as session:
        en = await get_article(session, en_id)
    assert en is not None
    result = await SummaryService(store).get(en, "ur")
    assert (result.language, result.article_id) == ("ur", ur_id)


async def test_llm_answer_within_the_wait_is_used_and_cached(store: Store) -> None:
    article_id = await _store(store, 1, "en", "Rain floods Karachi", EN_TEXT)
    async with store.read() as session:
        article = await get_article(session, article_id)
    assert article is not None
    async with FakeOpenAI(Reply(content="کراچی میں بارش سے کئی علاقے ڈوب گئے۔")) as fake:
        async with OpenAIBackend(base_url=fake.base_url, model="m") as backend:
            service = SummaryService(store, backend, wait=2.0)
            result = await service.get(article, "ur")
            assert (result.language, result.summary.backend, result.pending) == (
                "ur",
                "openai",
                None,
            )
            cached = await service.get(article, "ur")
        assert cached.text == result.text
        assert len(fake.received) == 1


async def test_slow_llm_gives_extractive_now_and_the_better_one_later(store: Store) -> None:
    article_id = await _store(store, 1, "en", "Rain floods Karachi", EN_TEXT)
    async with store.read() as session:
        article = await get_article(session, article_id)
    assert article is not None
    async with (
        FakeOpenAI(Reply(content="Rain flooded Karachi; families were moved.", delay=0.6)) as fake,
        OpenAIBackend(base_url=fake.base_url, model="m") as backend,
    ):
        service = SummaryService(store, backend, wait=0.1)
        started = asyncio.get_running_loop().time()
        result = await service.get(article, "en")
        assert asyncio.get_running_loop().time() - started < 0.5
        assert result.summary.backend == "extractive" and result.pending is not None
        better = await result.pending
        assert (better.backend, better.text) == (
            "openai",
            "Rain flooded Karachi; families were moved.",
        )
        await service.close()


async def test_failing_llm_falls_back_to_extractive(store: Store) -> None:
    article_id = await _store(store, 1, "en", "Rain floods Karachi", EN_TEXT)
    async with store.read() as session:
        article = await get_article(session, article_id)
    assert article is not None
    async with (
        FakeOpenAI(Reply(status=500)) as fake,
        OpenAIBackend(base_url=fake.base_url, model="m", max_retries=0) as backend,
    ):
        result = await SummaryService(store, backend, wait=2.0).get(article, "en")
    assert result.summary.backend == "extractive"


def test_summarize_command_reads_json_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": EN_TEXT}),
        json.dumps({"id": "b", "text": UR_TEXT, "language": "ur"}),
        "not json",
    ]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SUMMARY_", "OPENAI_", "DATABASE_"))
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "summarize", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", None]
    assert (out[0]["language"], out[0]["backend"]) == ("en", "extractive")
    assert out[1]["language"] == "ur" and "۔" in out[1]["summary"]
    assert "error" in out[2]
