"""Tests for news.extract.language: English, Urdu (Nastaliq and Roman) and other languages by script."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from news.extract.language import (
    detect_language,
    is_roman_urdu,
    language_label,
    normalize_language_tag,
)


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        pytest.param("The cabinet met on Monday to discuss the budget.", None, "en", id="english"),
        pytest.param("وزیر اعظم نے کہا ہے کہ بجٹ جلد پیش کیا جائے گا۔", None, "ur", id="urdu"),
        pytest.param("پاکستان", None, "ur", id="urdu-word-without-urdu-only-letters"),
        pytest.param("قال الوزير إن الحكومة ستقدم الميزانية قريبا", None, None, id="arabic"),
        pytest.param("وزیر گفت که دولت بودجه را به زودی ارائه خواهد کرد", None, None, id="persian"),
        pytest.param("وزير", "ur", "ur", id="short-arabic-form-declared-urdu"),
        pytest.param("bhai aaj ki khabrein dikhao", None, "ur", id="roman-urdu"),
        pytest.param("PM ne kaha economy theek hai", None, "ur", id="roman-urdu-mixed"),
        pytest.param("Apple unveils new phone", None, "en", id="short-headline"),
        pytest.param("Apple unveils new phone", "ur", "en", id="text-beats-declared-urdu"),
        pytest.param("Apple unveils new phone", "fr", None, id="declared-french-short"),
        pytest.param(
            "Le gouvernement a présenté le budget général de l'État à l'Assemblée nationale",
            None,
            None,
            id="french",
        ),
        pytest.param("", "en-GB", "en", id="empty-declared"),
        pytest.param("", None, None, id="empty"),
        pytest.param("Москва заявила о новых предложениях", None, None, id="cyrillic"),
    ],
)
def test_detect_language(text: str, declared: str | None, expected: str | None) -> None:
    assert detect_language(text, declared=declared) == expected


def test_english_prose_is_not_roman_urdu() -> None:
    text = "He said the meeting to discuss the plan is at the ministry in Karachi today."
    assert is_roman_urdu(text) is False
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-US", "en"),
        ("ur_PK", "ur"),
        ("Urdu", "ur"),
        ("english", "en"),
        ("fa", None),
        (None, None),
    ],
)
def test_normalize_language_tag(tag: str | None, expected: str | None) -> None:
    assert normalize_language_tag(tag) == expected


XLSUM = Path(os.environ.get("KHABAR_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))


@pytest.mark.shared
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("summaries/xlsum-urdu/urdu_xlsum.json", "ur"),
        ("summaries/xlsum-english/task1357_xlsum_summary_generation.json", "en"),
    ],
)
def test_real_bbc_articles_and_summaries(path: str, expected: str) -> None:
    file = XLSUM / path
    if not file.exists():
        pytest.skip(f"{file} absent")
    instances = json.loads(file.read_text("utf-8"))["Instances"]
    texts = [i["input"] for i in instances] + [i["output"][0] for i in instances]
    assert {detect_language(text) for text in texts} == {expected}


FRENCH = (
    "Le gouvernement a présenté lundi un plan d'aide pour les familles touchées par les "
    "inondations dans le sud du pays, a annoncé le ministre de l'Intérieur."
)


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        pytest.param("The cabinet met on Monday to discuss the budget.", None, "en", id="english"),
        pytest.param("وزیر اعظم نے کہا ہے کہ بجٹ جلد پیش کیا جائے گا۔", None, "ur", id="urdu"),
        pytest.param("bhai aaj ki khabrein dikhao", None, "ur", id="roman-urdu"),
        pytest.param("قال الوزير إن الحكومة ستقدم الميزانية قريبا", None, "ar", id="arabic"),
        pytest.param("وزیر گفت که دولت بودجه را به زودی ارائه خواهد کرد", None, "fa", id="persian"),
        pytest.param(
            "सरकार ने सोमवार को बाढ़ प्रभावित परिवारों के लिए राहत पैकेज की घोषणा की",
            None,
            "hi",
            id="hindi",
        ),
        pytest.param(
            "Москва заявила о новых предложениях по переговорам", None, "ru", id="russian"
        ),
        pytest.param(FRENCH, None, "fr", id="french"),
        pytest.param(FRENCH, "en", "fr", id="french-page-on-an-english-feed"),
        pytest.param("Apple unveils new phone", "en", "en", id="short-english"),
        pytest.param("Apple unveils new phone", "fr", "fr", id="short-declared-french"),
        pytest.param("", "en-GB", "en", id="empty-declared"),
        pytest.param("", "fr-FR", "fr", id="empty-declared-french"),
        pytest.param("", None, None, id="empty"),
    ],
)
def test_language_label(text: str, declared: str | None, expected: str | None) -> None:
    assert language_label(text, declared=declared) == expected
