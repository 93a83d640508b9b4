"""The topic examples the project wrote (tests/data/topics/<language>-<topic>.jsonl: headline and
lede, English and Urdu written apart, not translated), split for training and evaluation.

An example's half is fixed by a hash of its language, topic and title: 30% are held out, never
trained on, and ``make eval`` reports on them (scripts/eval_topics.py); the rest train the
embedding classifier (scripts/train_topics.py). Adding examples never moves an old one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from news.extract.topics import TOPICS

__all__ = ["TOPIC_DATA", "Example", "Half", "is_held_out", "load_examples"]

TOPIC_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "topics"
LANGUAGES = ("en", "ur")
_HELD_OUT_PERCENT = 30

Half = Literal["train", "heldout", "all"]


@dataclass(frozen=True)
class Example:
    """One labelled headline and lede."""

    language: str
    topic: str
    title: str
    lead: str


def is_held_out(example: Example) -> bool:
    """Whether the example is in the held-out 30% (by a hash, so the split never changes)."""
    key = f"{example.language}/{example.topic}/{example.title}".encode()
    return int(hashlib.sha256(key).hexdigest()[:8], 16) % 100 < _HELD_OUT_PERCENT


def load_examples(half: Half = "all", folder: Path = TOPIC_DATA) -> list[Example]:
    """The examples of one half (or all), by language then topic, in file order."""
    examples = []
    for language in LANGUAGES:
        for topic in TOPICS:
            path = folder / f"{language}-{topic}.jsonl"
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    examples.append(Example(language, topic, row["title"], row["lead"]))
    if half == "all":
        return examples
    return [e for e in examples if is_held_out(e) == (half == "heldout")]
