"""Right-to-left layout: RLM at Urdu line starts, LRM around Latin runs, markup left intact."""

from __future__ import annotations

import re

import pytest

from bot.render.bidi import (
    LRM,
    RLM,
    apply_direction,
    contains_rtl,
    direction_for,
    isolate_ltr,
    isolate_ltr_runs,
    rtl_paragraph,
    strip_marks,
)

L, R = LRM, RLM
_MARKUP = re.compile(r"<[^<>]*>|&#?[A-Za-z0-9]+;")
# Telegram clients detect a command only after start of text or whitespace.
_GLUED_COMMAND = re.compile(r"[^\s]/(latest|help|topics|quiet)\b")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        pytest.param("en", "ltr", id="english"),
        pytest.param("ur", "rtl", id="urdu"),
        pytest.param("ur-PK", "rtl", id="urdu-region"),
        pytest.param("UR", "rtl", id="upper-case"),
        pytest.param("xx", "ltr", id="unknown"),
    ],
)
def test_direction_for(lang: str, expected: str) -> None:
    assert direction_for(lang) == expected


def test_contains_rtl() -> None:
    assert contains_rtl("BBC اردو")
    assert not contains_rtl("BBC News 2024")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("خبریں آ گئیں", "خبریں آ گئیں", id="urdu-line-unchanged"),
        pytest.param("BBC کے مطابق", R + "BBC کے مطابق", id="latin-start"),
        pytest.param("5 افراد ہلاک", R + "5 افراد ہلاک", id="digit-start"),
        pytest.param("• /help — مدد", R + "• /help — مدد", id="bullet-start"),
        pytest.param("<b>Reuters</b> کی خبر", R + "<b>Reuters</b> کی خبر", id="tag-then-latin"),
        pytest.param("<b>خلاصہ</b>", "<b>خلاصہ</b>", id="tag-then-urdu"),
        pytest.param("&quot;خبر&quot;", R + "&quot;خبر&quot;", id="entity-start"),
        pytest.param("خبر\nBBC\n\nاردو", "خبر\n" + R + "BBC\n\nاردو", id="per-line"),
        pytest.param("  BBC", R + "  BBC", id="leading-space"),
        pytest.param(R + "BBC", R + "BBC", id="already-marked"),
        pytest.param("", "", id="empty"),
    ],
)
def test_rtl_paragraph(text: str, expected: str) -> None:
    assert rtl_paragraph(text) == expected
    assert rtl_paragraph(expected) == expected


def test_isolate_ltr_wraps_whole_fragment() -> None:
    assert isolate_ltr("Pakistan floods...") == L + "Pakistan floods..." + L
    assert isolate_ltr("") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "BBC News کے مطابق", L + "BBC News" + L + " کے مطابق", id="latin-at-line-start"
        ),
        pytest.param(
            "بقول BBC: یہ",
            "بقول" + L + " BBC" + L + ": یہ",
            id="colon-stays-with-urdu",
        ),
        pytest.param(
            "خبریں: /latest [موضوع]",
            "خبریں:" + L + " /latest" + L + " [موضوع]",
            id="command-keeps-space-before-slash",
        ),
        pytest.param(
            "قیمت 8.6% بڑھ گئی", "قیمت" + L + " 8.6%" + L + " بڑھ گئی", id="decimal-percent"
        ),
        pytest.param(
            "فون +92 300 1234567 پر",
            "فون" + L + " +92 300 1234567" + L + " پر",
            id="phone-number",
        ),
        pytest.param("2024 میں", "2024 میں", id="bare-number-untouched"),
        pytest.param(
            "&quot;خبر&quot; AT&amp;T کمپنی",
            "&quot;خبر&quot;" + L + " AT&amp;T" + L + " کمپنی",
            id="entities-whole",
        ),
        pytest.param(
            "’Reuters‘ کی خبر", "’" + L + "Reuters" + L + "‘ کی خبر", id="bbc-urdu-quotes"
        ),
        pytest.param(
            "<b>Reuters</b> کی خبر",
            "<b>" + L + "Reuters" + L + "</b> کی خبر",
            id="inside-tag-content",
        ),
        pytest.param(
            '<a href="https://bbc.com/urdu">BBC</a> اردو',
            '<a href="https://bbc.com/urdu">' + L + "BBC" + L + "</a> اردو",
            id="href-untouched",
        ),
        pytest.param(
            "&lt;موضوع|جملہ|all&gt;",
            "&lt;موضوع|جملہ|" + L + "all" + L + "&gt;",
            id="brackets-around-urdu",
        ),
        pytest.param(
            "مثال: /timezone &lt;Area/City&gt;، یا",
            "مثال:" + L + " /timezone &lt;Area/City&gt;" + L + "، یا",
            id="balanced-angle-brackets",
        ),
        pytest.param("Only English here.", "Only English here.", id="no-urdu-no-change"),
    ],
)
def test_isolate_ltr_runs(text: str, expected: str) -> None:
    assert isolate_ltr_runs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "سرخی: " + L + "Pakistan floods..." + L + " ختم",
        "BBC News کے مطابق 5 افراد، U.S. اور C++ میں",
        "• /help — یہی پیغام\n• /quiet 23:00-07:00 — خاموشی",
        '<b>Reuters</b> اور <a href="https://x.example/a?b=1&amp;c=2">AFP</a> کی خبر',
    ],
)
def test_isolate_ltr_runs_is_idempotent_and_leaves_markup(text: str) -> None:
    once = isolate_ltr_runs(text)
    assert isolate_ltr_runs(once) == once
    assert strip_marks(once) == strip_marks(text)
    assert _MARKUP.findall(once) == _MARKUP.findall(text)
    assert _GLUED_COMMAND.search(once) is None


def test_apply_direction() -> None:
    english = "BBC News 2024\nSecond line"
    assert apply_direction(english, "en") == english
    urdu = "BBC کے مطابق\nخبر 10:30 پر"
    expected = rtl_paragraph(isolate_ltr_runs(urdu))
    assert apply_direction(urdu, "ur") == expected
    assert expected == R + L + "BBC" + L + " کے مطابق\nخبر" + L + " 10:30" + L + " پر"
    assert apply_direction(expected, "ur") == expected


def test_strip_marks() -> None:
    assert strip_marks(R + L + "BBC" + L + " اردو\u061c") == "BBC اردو"
