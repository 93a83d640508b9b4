"""The summary evaluation: a fixed tune/held-out split, the baselines and the bootstrap interval."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from scripts.eval_summaries import Scored, bootstrap, certainty, lead, lead_words, main
from scripts.rouge import RougeScores
from scripts.summary_sets import EvalSet, detokenize, load_sets

ARTICLE = (
    "Floods in Punjab displaced thousands of families on Monday. "
    "Relief camps opened near the flooded villages. "
    "The army sent boats to the worst-hit districts."
)


def _write_xlsum(root: Path, count: int) -> None:
    folder = root / "summaries" / "xlsum-english"
    folder.mkdir(parents=True)
    instances = [
        {"id": f"doc-{n}", "input": ARTICLE, "output": ["Floods displaced families in Punjab."]}
        for n in range(count)
    ]
    (folder / "task1357_xlsum_summary_generation.json").write_text(
        json.dumps({"Instances": instances}), encoding="utf-8"
    )


def test_the_halves_split_every_document_once(tmp_path: Path) -> None:
    _write_xlsum(tmp_path, 40)
    halves = {}
    for half in ("tune", "heldout", "all"):
        found = [s for s in load_sets(tmp_path, half) if isinstance(s, EvalSet)]
        halves[half] = {p.key for p in found[0].pairs}
    assert halves["tune"] and halves["heldout"]
    assert halves["tune"].isdisjoint(halves["heldout"])
    assert halves["tune"] | halves["heldout"] == halves["all"]
    notes = [s for s in load_sets(tmp_path) if isinstance(s, str)]
    assert len(notes) == 2  # Urdu and CNN are absent


def test_baselines() -> None:
    assert lead(ARTICLE, 1) == "Floods in Punjab displaced thousands of families on Monday."
    assert lead_words(ARTICLE, 4) == "Floods in Punjab displaced"


def test_bootstrap_interval_brackets_the_mean() -> None:
    low, high = bootstrap([1.0, 2.0, 3.0, 4.0] * 10)
    assert low < 2.5 < high
    assert bootstrap([1.0] * 8) == (1.0, 1.0)


def test_the_report_runs_on_a_tiny_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_xlsum(tmp_path, 10)
    monkeypatch.setenv("KHABAR_DATA_DIR", str(tmp_path))
    assert main(["--half", "all"]) == 0
    out = capsys.readouterr().out
    assert "XL-Sum English: 10 documents" in out
    assert "ours - lead-1" in out and "goal R-1 vs lead-k" in out


def _scored(name: str, rouge1: list[float]) -> Scored:
    scores = [RougeScores(rouge1=r, rouge2=0.0, rouge_l=r) for r in rouge1]
    return Scored(name, [""] * len(scores), scores)


@pytest.mark.parametrize(
    ("set_name", "mine", "expected"),
    [
        # Margins of 0.1 and 0.3 points, twice each: mean 0.2, deviation 0.1, error 0.05.
        pytest.param("XL-Sum Urdu", [0.101, 0.103] * 2, [4.0] * 3, id="margin-over-error"),
        pytest.param("XL-Sum Urdu", [0.1, 0.1], [0.0, 0.0, 0.0], id="level-with-lead"),
        # English must beat the same-length lead by a point: level with it is a sure miss.
        pytest.param("XL-Sum English", [0.1, 0.1], [0.0, -math.inf, 0.0], id="english-point"),
    ],
)
def test_certainty_of_each_goal(set_name: str, mine: list[float], expected: list[float]) -> None:
    eval_set = EvalSet(set_name, "en", 1, [])
    lead_k = _scored("lead-1", [0.1] * len(mine))
    found = certainty(eval_set, _scored("ours", mine), lead_k, lead_k)
    assert found == pytest.approx(expected)


@pytest.mark.parametrize(
    ("tokenised", "expected"),
    [
        pytest.param(
            "( cnn ) the army came . it left", "(cnn) the army came. It left", id="dateline"
        ),
        pytest.param("he does n't , she 's", "He doesn't, she's", id="clitics"),
        pytest.param("`` yes . '' then $ 5 or 10 %", '"Yes." Then $5 or 10%', id="quotes-symbols"),
        pytest.param("d.j . tanner", "D.j. Tanner", id="split-abbreviation"),
        pytest.param("why ? because ! ok", "Why? Because! Ok", id="marks"),
    ],
)
def test_detokenize(tokenised: str, expected: str) -> None:
    assert detokenize(tokenised) == expected
