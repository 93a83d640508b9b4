"""The summary evaluation sets on ../shared/data, each split in two halves: one to tune on, one to report.

Sets (under $KHABAR_DATA_DIR/summaries, default <repo>/../shared/data/summaries): XL-Sum Urdu and
English with one-sentence references (lead-1 is their baseline), and CNN stories with
three-sentence highlights (lead-3). A document's half is fixed by a hash of its id (of its text
for CNN), so the split never changes and nothing tuned on one half is reported on it.

CNN's text comes lower-cased and tokenised ("does n't", "`` quoted ''", "obama 's", " , ").
The product never sees such text, so articles, highlights and BART's outputs alike are
detokenised and their sentences' first letters capitalised again (detokenize) before anything
is split or scored: 60 words are then 60 words, as for a real article, not ~50 words and ~10
tokens of punctuation. ROUGE lower-cases and splits punctuation off, so every system is
compared on the same tokens.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from news.summaries.budget import Language

__all__ = ["EvalSet", "Half", "Pair", "detokenize", "load_sets", "locate_data"]

Half = Literal["tune", "heldout", "all"]


@dataclass(frozen=True)
class Pair:
    """One article, its reference summary, and its published system outputs (CNN's BART)."""

    key: str
    article: str
    reference: str
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EvalSet:
    """One evaluation set: pairs, language, and the lead-k baseline's k."""

    name: str
    language: Language
    lead: int
    pairs: list[Pair]


def locate_data() -> Path:
    """Return the shared data folder: $KHABAR_DATA_DIR or <repo>/../shared/data."""
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return Path(os.environ.get("KHABAR_DATA_DIR", default))


# PTB-style tokens: a sentence-ending mark (maybe followed by a closing quote) before a word.
_SENTENCE_START = re.compile(r"(^|\s[.?!]\s(?:''\s|'\s)?)((?:``\s)?)([a-z])")
_CLITIC = re.compile(r"\s(n't|'s|'re|'m|'ve|'ll|'d)(?=\s|$)")
_OPEN_QUOTE = re.compile(r"``\s?")
_CLOSE_QUOTE = re.compile(r"\s?''")
_SPACE_BEFORE = re.compile(r"\s([,.;:?!%)\]])")
_SPACE_AFTER = re.compile(r"([(\[$#])\s")


def detokenize(text: str) -> str:
    """Undo CNN/DM's tokenisation: "he said `` it 's fine . '' then" -> 'He said "it's fine." Then'."""
    text = _SENTENCE_START.sub(lambda m: m[1] + m[2] + m[3].upper(), text)
    text = _CLITIC.sub(r"\1", text)
    text = _OPEN_QUOTE.sub('"', text)
    text = _CLOSE_QUOTE.sub('"', text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    return _SPACE_AFTER.sub(r"\1", text)


def _half_of(key: str) -> Half:
    return "tune" if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def _xlsum(path: Path) -> list[Pair]:
    instances = json.loads(path.read_text(encoding="utf-8"))["Instances"]
    return [Pair(str(i["id"]), i["input"], i["output"][0]) for i in instances]


def _cnn(tsv: Path) -> list[Pair]:
    with tsv.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row]
    bart = tsv.with_name("cnndm_mini-bart-output.txt")
    outputs = bart.read_text(encoding="utf-8").splitlines() if bart.is_file() else []
    if len(outputs) != len(rows):
        outputs = []
    # The key hashes the text as stored, so the halves are those of the tokenised file.
    return [
        Pair(
            hashlib.sha256(row[0].encode()).hexdigest()[:16],
            detokenize(row[0]),
            detokenize(row[1]),
            (("BART (published outputs)", detokenize(outputs[n])),) if outputs else (),
        )
        for n, row in enumerate(rows)
    ]


def load_sets(data: Path, half: Half = "heldout") -> Iterator[EvalSet | str]:
    """Yield each set found (only the documents of ``half``), or a note naming a missing one."""
    root = data / "summaries"
    sources: list[tuple[str, Language, int, Path]] = [
        ("XL-Sum Urdu", "ur", 1, root / "xlsum-urdu" / "urdu_xlsum.json"),
        ("XL-Sum English", "en", 1, root / "xlsum-english/task1357_xlsum_summary_generation.json"),
        ("CNN", "en", 3, root / "cnndm-mini" / "cnndm_mini-dataset.tsv"),
    ]
    for name, language, lead, path in sources:
        if not path.is_file():
            yield f"note: {name} skipped, {path} is absent"
            continue
        pairs = _cnn(path) if path.suffix == ".tsv" else _xlsum(path)
        kept = [p for p in pairs if half == "all" or _half_of(p.key) == half]
        yield EvalSet(name, language, lead, kept)
