"""Tests for the English/Urdu sentence splitter and the boilerplate-line rules."""

from __future__ import annotations

import pytest

from news.summaries import sentences
from news.summaries.sentences import is_boilerplate, split_sentences, strip_dateline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Mr. Khan met Dr. Ahmed in Lahore. They talked.",
            ["Mr. Khan met Dr. Ahmed in Lahore.", "They talked."],
            id="titles",
        ),
        pytest.param(
            "Inflation rose to 3.5% in May. Prices fell 2.1 points.",
            ["Inflation rose to 3.5% in May.", "Prices fell 2.1 points."],
            id="decimals",
        ),
        pytest.param(
            "The U.S. Army left. J. K. Rowling wrote it. It ended in 2019. Then it began.",
            [
                "The U.S. Army left.",
                "J. K. Rowling wrote it.",
                "It ended in 2019.",
                "Then it began.",
            ],
            id="acronyms-initials-years",
        ),
        pytest.param(
            '"Why?" he asked. "Because," she said. It is over!',
            ['"Why?" he asked.', '"Because," she said.', "It is over!"],
            id="question-inside-quote",
        ),
        pytest.param(
            "He said: “We will win.” The crowd cheered.",
            ["He said: “We will win.”", "The crowd cheered."],
            id="closing-quote-kept",
        ),
        pytest.param(
            "The talks start at 9 a.m. on Monday. They end at 5 p.m. Nobody expects a deal.",
            [
                "The talks start at 9 a.m. on Monday.",
                "They end at 5 p.m.",
                "Nobody expects a deal.",
            ],
            id="am-pm",
        ),
        pytest.param(
            "Floods hit the north\nOfficials said 40 people died",
            ["Floods hit the north", "Officials said 40 people died"],
            id="line-breaks",
        ),
        pytest.param(
            "see www.example.com for details. Wait... no, that is wrong",
            ["see www.example.com for details.", "Wait... no, that is wrong"],
            id="url-and-ellipsis",
        ),
        pytest.param(
            "lahore ( cnn ) the match was called off . `` it is a shame , '' he said . fans left .",
            [
                "lahore ( cnn ) the match was called off .",
                "`` it is a shame , '' he said .",
                "fans left .",
            ],
            id="tokenised-lowercase",
        ),
    ],
)
def test_split_english(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "بارش سے شہر میں پانی جمع ہو گیا۔ کیا حکومت تیار تھی؟ جی ہاں! کام جاری ہے۔",
            ["بارش سے شہر میں پانی جمع ہو گیا۔", "کیا حکومت تیار تھی؟", "جی ہاں!", "کام جاری ہے۔"],
            id="urdu-marks",
        ),
        pytest.param(
            "وزیر نے کہا کہ ’ہم یہ میچ جیتیں گے۔‘ اس کے بعد کھلاڑی میدان میں آئے۔",
            ["وزیر نے کہا کہ ’ہم یہ میچ جیتیں گے۔‘", "اس کے بعد کھلاڑی میدان میں آئے۔"],
            id="bbc-quote-closes-after-mark",
        ),
        pytest.param(
            "انہوں نے کہا کہ ’یہ فیصلہ درست ہے‘۔ عدالت نے سماعت ملتوی کر دی۔",
            ["انہوں نے کہا کہ ’یہ فیصلہ درست ہے‘۔", "عدالت نے سماعت ملتوی کر دی۔"],
            id="bbc-quote-closes-before-mark",
        ),
        pytest.param(
            "شرح سود 8.6 فیصد ہو گئی. مارکیٹ میں مندی رہی۔",
            ["شرح سود 8.6 فیصد ہو گئی.", "مارکیٹ میں مندی رہی۔"],
            id="latin-stop-after-urdu-word",
        ),
        pytest.param(
            "لاہور میں Mr. Khan نے BBC News سے بات کی۔ انہوں نے U.S. کا ذکر کیا۔",
            ["لاہور میں Mr. Khan نے BBC News سے بات کی۔", "انہوں نے U.S. کا ذکر کیا۔"],
            id="latin-inside-urdu",
        ),
        pytest.param(
            "اجلاس ختم ہو گیا۔ان سے جب پوچھا گیا تو وہ خاموش رہے۔",
            ["اجلاس ختم ہو گیا۔", "ان سے جب پوچھا گیا تو وہ خاموش رہے۔"],
            id="missing-space-after-mark",
        ),
        pytest.param(
            "ایم۔کیو۔ایم نے ہڑتال کی کال دی۔ شہر بند رہا",
            ["ایم۔کیو۔ایم نے ہڑتال کی کال دی۔", "شہر بند رہا"],
            id="acronym-and-unmarked-last-sentence",
        ),
        pytest.param(
            "اس نے پوچھا: ’کیا تم آؤ گے؟‘ میں نے کہا ہاں۔",
            ["اس نے پوچھا: ’کیا تم آؤ گے؟‘", "میں نے کہا ہاں۔"],
            id="question-in-quote",
        ),
    ],
)
def test_split_urdu(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_keeps_every_character_but_spaces() -> None:
    text = "پہلا جملہ۔ Second one. تیسرا؟\nFourth line! 3.5 percent"
    assert "".join(split_sentences(text)).replace(" ", "") == text.replace(" ", "").replace(
        "\n", ""
    )


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("By Jane Smith, BBC News", id="byline"),
        pytest.param("Reporting by Ali Khan; Editing by Sara Lee", id="wire-credit"),
        pytest.param("Image caption, Protesters gathered outside parliament", id="bbc-caption"),
        pytest.param("Demonstrators in Lahore. Photograph: Arif Ali/AFP/Getty Images", id="credit"),
        pytest.param("Read more: Floods in Sindh leave thousands homeless", id="read-more"),
        pytest.param("RELATED: Ten things to know", id="related"),
        pytest.param("LAHORE, March 3 (Reuters) -", id="dateline-only"),
        pytest.param("Published 3 June 2024", id="timestamp"),
        pytest.param("،تصویر کا ذریعہGetty Images", id="urdu-picture-source"),
        pytest.param("تصویر کا کیپشن پولیس نے علاقے کو گھیرے میں لے لیا", id="urdu-caption"),
        pytest.param("یہ بھی پڑھیے", id="urdu-read-also"),
        pytest.param("مزید پڑھیں: سیلاب سے ہزاروں افراد بے گھر", id="urdu-read-more"),
        pytest.param("شہزاد ملک، بی بی سی اردو، اسلام آباد", id="urdu-byline"),
        pytest.param("تحریر: احمد علی", id="urdu-written-by"),
    ],
)
def test_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("By Tuesday the floods had killed 40 people.", id="by-as-preposition"),
        pytest.param("The minister said the photo was taken in 2019.", id="mentions-photo"),
        pytest.param("Police said they would read more evidence on Monday.", id="read-inside"),
        pytest.param("بی بی سی اردو سے بات کرتے ہوئے انہوں نے کہا کہ صورتحال بہتر ہے۔", id="urdu"),
    ],
)
def test_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "WASHINGTON (Reuters) - The Senate passed the bill.",
            "The Senate passed the bill.",
            id="reuters",
        ),
        pytest.param("LONDON — Rain fell all day long.", "Rain fell all day long.", id="caps-dash"),
        pytest.param(
            "washington ( cnn ) president obama says he is committed .",
            "president obama says he is committed .",
            id="cnn-tokenised",
        ),
        pytest.param(
            "کراچی (نمائندہ خصوصی) شہر میں بارش کا سلسلہ جاری ہے۔",
            "شہر میں بارش کا سلسلہ جاری ہے۔",
            id="urdu-correspondent",
        ),
        pytest.param("The UN said aid arrived.", "The UN said aid arrived.", id="no-dateline"),
    ],
)
def test_strip_dateline(sentence: str, expected: str) -> None:
    assert strip_dateline(sentence) == expected


def test_exports_exist() -> None:
    assert all(hasattr(sentences, name) for name in sentences.__all__)
