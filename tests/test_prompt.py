"""The prompt that summarizes (and across languages translates, with a headline) and its answer."""

from __future__ import annotations

import pytest

from news.errors import LLMError
from news.summaries.budget import Budget
from news.summaries.prompt import Written, read_answer, system_prompt

BUDGET = Budget(max_chars=400)
HEADLINE = "لاہور میں شدید بارش"
SUMMARY = "لاہور میں جمعہ کو شدید بارش سے کئی سڑکیں زیرِ آب آ گئیں۔"


def test_across_languages_one_prompt_asks_for_a_headline_and_a_summary() -> None:
    prompt = system_prompt("en", "ur", BUDGET)
    assert "translate as you summarize" in prompt
    assert "'Headline: '" in prompt and "'Summary: '" in prompt
    assert "400 characters" in prompt
    assert "Headline" not in system_prompt("ur", "ur", BUDGET)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(
            f"Headline: {HEADLINE}\nSummary: {SUMMARY}", Written(SUMMARY, HEADLINE), id="labels"
        ),
        pytest.param(
            f"**Headline:** {HEADLINE}\n\n**Summary:** {SUMMARY}",
            Written(SUMMARY, HEADLINE),
            id="bold",
        ),
        pytest.param(
            f"سرخی: {HEADLINE}\nخلاصہ: {SUMMARY}", Written(SUMMARY, HEADLINE), id="urdu-labels"
        ),
        pytest.param(f"Summary:\n{SUMMARY}", Written(SUMMARY, None), id="summary-only"),
        pytest.param(SUMMARY, Written(SUMMARY, None), id="no-labels"),
        pytest.param(
            f"Headline: Rain in Lahore\nSummary: {SUMMARY}",
            Written(SUMMARY, None),
            id="english-headline-dropped",
        ),
    ],
)
def test_the_answer_is_read(answer: str, expected: Written) -> None:
    assert read_answer(answer, "ur", BUDGET) == expected


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(f"Headline: {HEADLINE}\nSummary:", id="no-summary"),
        pytest.param("Headline: x\nSummary: Rain flooded Lahore.", id="wrong-script"),
    ],
)
def test_an_unusable_answer_is_refused(answer: str) -> None:
    with pytest.raises(LLMError):
        read_answer(answer, "ur", BUDGET)
