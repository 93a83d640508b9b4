"""Telegram HTML helpers and UTF-16 splitting without breaking markup."""

from __future__ import annotations

import html
import json
import random
import re

import pytest

from bot.render.bidi import RLM, strip_marks
from bot.render.html import (
    Html,
    bold,
    concat,
    escape,
    is_safe_url,
    italic,
    join,
    link,
    paginate,
    split_message,
    to_plain_text,
    truncate_caption,
    utf16_len,
)
from tests.conftest import shared_data_dir

_TAG = re.compile(r"<(/?)([a-z-]+)[^<>]*>")
_ENTITY_OR_AMP = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);|&")


def assert_valid_chunk(chunk: str, limit: int) -> None:
    """A chunk fits, has balanced tags, and has no broken entity or tag."""
    assert utf16_len(chunk) <= limit
    stack: list[str] = []
    for match in _TAG.finditer(chunk):
        if match.group(1):
            assert stack.pop() == match.group(2)
        else:
            stack.append(match.group(2))
    assert stack == []
    text = _TAG.sub("", chunk)
    assert "<" not in text and ">" not in text
    assert all(m.group(0) != "&" for m in _ENTITY_OR_AMP.finditer(text)), "broken entity"


def words_of(markup: str) -> list[str]:
    """The visible words, for checking that splitting loses and adds nothing."""
    return to_plain_text(strip_marks(markup)).split()


# --- escaping and links -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Tom & Jerry <3", "Tom &amp; Jerry &lt;3", id="amp-and-lt"),
        pytest.param('say "hi"', "say &quot;hi&quot;", id="double-quote"),
        pytest.param("it's", "it&#x27;s", id="single-quote-numeric"),
        pytest.param("a\x00b\x1bc\u0085d", "abcd", id="control-characters-dropped"),
        pytest.param("line\nnext\ttab", "line\nnext\ttab", id="newline-and-tab-kept"),
        pytest.param("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;", id="feed-markup-neutralised"),
    ],
)
def test_escape(text: str, expected: str) -> None:
    assert escape(text) == expected
    assert isinstance(escape(text), Html)


def test_html_is_not_escaped_twice() -> None:
    safe = bold("A & B")
    assert safe == "<b>A &amp; B</b>"
    assert escape(safe) == safe
    assert bold(italic("x<y")) == "<b><i>x&lt;y</i></b>"
    assert concat(safe, " & ", Html("<i>ok</i>")) == "<b>A &amp; B</b> &amp; <i>ok</i>"
    assert join("\n", ["<1>", Html("<b>2</b>")]) == "&lt;1&gt;\n<b>2</b>"


@pytest.mark.parametrize(
    ("url", "label", "expected"),
    [
        pytest.param(
            "https://www.bbc.com/urdu/a?x=1&y=2",
            "BBC <Urdu>",
            '<a href="https://www.bbc.com/urdu/a?x=1&amp;y=2">BBC &lt;Urdu&gt;</a>',
            id="https-escaped",
        ),
        pytest.param(
            'http://example.com/"onmouseover="x',
            "x",
            '<a href="http://example.com/&quot;onmouseover=&quot;x">x</a>',
            id="quote-in-href",
        ),
        pytest.param("javascript:alert(1)", "click", "click", id="javascript"),
        pytest.param("JavaScript:alert(1)", "click", "click", id="javascript-upper"),
        pytest.param("data:text/html,<b>", "d", "d", id="data"),
        pytest.param("tg://resolve?domain=x", "t", "t", id="tg-scheme"),
        pytest.param("/relative/path", "r", "r", id="relative"),
        pytest.param("http://", "h", "h", id="no-host"),
        pytest.param("http://exa mple.com/", "w", "w", id="whitespace"),
        pytest.param("http://[::1", "v6", "v6", id="broken-ipv6"),
        pytest.param("ftp://example.com/", "<f>", "&lt;f&gt;", id="ftp-label-escaped"),
    ],
)
def test_link(url: str, label: str, expected: str) -> None:
    assert link(url, label) == expected


def test_is_safe_url() -> None:
    assert is_safe_url("HTTPS://Example.com")
    assert not is_safe_url("")
    assert not is_safe_url("http://example.com/\x00")


def test_to_plain_text() -> None:
    assert to_plain_text('<b>A &amp; B</b> <a href="https://x.example">x</a>') == "A & B x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("abc", 3, id="ascii"),
        pytest.param("خبر", 3, id="urdu-bmp"),
        pytest.param("😀", 2, id="astral-emoji-surrogate-pair"),
        pytest.param("👨‍👩‍👧", 8, id="zwj-sequence"),
        pytest.param("", 0, id="empty"),
    ],
)
def test_utf16_len(text: str, expected: int) -> None:
    assert utf16_len(text) == expected


# --- splitting ----------------------------------------------------------------------------


def test_short_text_is_one_chunk() -> None:
    assert split_message("<b>hello</b> world") == ["<b>hello</b> world"]
    assert split_message("") == []


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param(
            "First para here.\n\nSecond para.\nSecond line here",
            30,
            ["First para here.", "Second para.\nSecond line here"],
            id="paragraph",
        ),
        pytest.param(
            "aaa bbb ccc\nddd eee fff ggg",
            16,
            ["aaa bbb ccc", "ddd eee fff ggg"],
            id="line",
        ),
        pytest.param(
            "پہلا جملہ یہاں۔ دوسرا جملہ یہاں ہے",
            24,
            ["پہلا جملہ یہاں۔", "دوسرا جملہ یہاں ہے"],
            id="urdu-full-stop",
        ),
        pytest.param(
            "کیا یہ سچ ہے؟ ہاں یہ سچ ہے",
            16,
            ["کیا یہ سچ ہے؟", "ہاں یہ سچ ہے"],
            id="urdu-question-mark",
        ),
        pytest.param(
            "اس نے کہا ’ہم آئیں گے۔‘ پھر وہ چلا گیا",
            28,
            ["اس نے کہا ’ہم آئیں گے۔‘", "پھر وہ چلا گیا"],
            id="urdu-closing-quote",
        ),
        pytest.param(
            "Is it so? Yes it is",
            12,
            ["Is it so?", "Yes it is"],
            id="latin-question",
        ),
        pytest.param("one two three four", 9, ["one two", "three", "four"], id="words"),
        pytest.param("abcdefghij", 4, ["abcd", "efgh", "ij"], id="hard-cut-long-word"),
    ],
)
def test_split_boundaries(text: str, limit: int, expected: list[str]) -> None:
    assert split_message(text, limit) == expected


def test_split_prefers_paragraph_over_later_sentence() -> None:
    text = "A" * 30 + ".\n\n" + "Bb. " * 5 + "end"
    chunks = split_message(text, 45)
    assert chunks[0] == "A" * 30 + "."


def test_split_never_breaks_an_entity() -> None:
    text = "&amp;" * 10
    chunks = split_message(text, 12)
    assert chunks == ["&amp;&amp;", "&amp;&amp;", "&amp;&amp;", "&amp;&amp;", "&amp;&amp;"]


def test_split_never_breaks_a_surrogate_pair_or_combining_mark() -> None:
    assert split_message("😀😀😀", 3) == ["😀", "😀", "😀"]
    # ZER (U+0650) belongs to the letter before it.
    assert split_message("بِبِبِ", 3) == ["بِ", "بِ", "بِ"]


def test_split_reopens_tags_across_chunks() -> None:
    text = '<b>bold words <a href="https://x.example/a">link text here</a> more</b> tail'
    chunks = split_message(text, 50)
    for chunk in chunks:
        assert_valid_chunk(chunk, 50)
    assert chunks[0].startswith("<b>")
    assert any(chunk.startswith('<b><a href="https://x.example/a">') for chunk in chunks[1:])
    assert words_of(" ".join(chunks)) == words_of(text)


def test_split_drops_empty_tag_pairs() -> None:
    chunks = split_message("<b>" + "word " * 6 + "</b>", 20)
    assert all("<b></b>" not in chunk for chunk in chunks)
    assert words_of(" ".join(chunks)) == ["word"] * 6


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("<b>unclosed", id="unclosed"),
        pytest.param("closed</b>", id="stray-close"),
        pytest.param("<b><i>x</b></i>", id="crossed"),
    ],
)
def test_split_rejects_unbalanced_html(text: str) -> None:
    with pytest.raises(ValueError, match="HTML"):
        split_message(text, 4)


def test_split_rejects_markup_that_cannot_fit() -> None:
    with pytest.raises(ValueError, match="cannot fit"):
        split_message('<a href="https://example.com/very/long">x y</a>', 10)


def test_split_urdu_chunks_start_right_to_left() -> None:
    text = "BBC کے مطابق " + "خبر " * 30
    chunks = split_message(text, 40, lang="ur")
    assert len(chunks) > 1
    for chunk in chunks:
        assert utf16_len(chunk) <= 40
        assert chunk.startswith(RLM) or chunk[0] in "خک"
    assert chunks[0].startswith(RLM + "BBC")


_WORDS = ["news", "Pakistan", "خبر", "پاکستان", "۔", "؟", "&amp;", "&lt;", "😀", "8.6", "کی"]


def _random_html(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    for _ in range(size):
        word = rng.choice(_WORDS)
        roll = rng.random()
        if roll < 0.1:
            word = f"<b>{word} {rng.choice(_WORDS)}</b>"
        elif roll < 0.15:
            word = f'<a href="https://e.example/{rng.randint(1, 99)}">{word}</a>'
        elif roll < 0.2:
            word = f"<b><i>{word}</i> {rng.choice(_WORDS)}</b>"
        parts.append(word)
        parts.append(rng.choice([" ", " ", " ", "\n", "\n\n", ". "]))
    return "".join(parts).strip()


@pytest.mark.parametrize("seed", range(12))
def test_split_random_html_keeps_invariants(seed: int) -> None:
    rng = random.Random(seed)
    text = _random_html(rng, rng.randint(20, 400))
    limit = rng.choice([60, 100, 200, 4096])
    chunks = split_message(text, limit)
    for chunk in chunks:
        assert_valid_chunk(chunk, limit)
    assert words_of(" ".join(chunks)) == words_of(text)


@pytest.mark.shared
def test_split_real_bbc_urdu_articles() -> None:
    path = shared_data_dir() / "summaries" / "xlsum-urdu" / "urdu_xlsum.json"
    if not path.exists():
        pytest.skip("shared data not available")
    instances = json.loads(path.read_text(encoding="utf-8"))["Instances"][:40]
    for instance in instances:
        text = escape(instance["input"])
        pages = paginate(text, 700, lang="ur")
        for page in pages:
            assert_valid_chunk(page, 700)
            assert page.startswith(RLM) or not page[0].isascii()
        assert words_of(" ".join(pages)) == words_of(text)


# --- captions and pages -------------------------------------------------------------------


def test_truncate_caption() -> None:
    short = "<b>Title</b> short"
    assert truncate_caption(short) == short
    long_text = "<b>Title</b> " + "word " * 400
    caption = truncate_caption(long_text)
    assert utf16_len(caption) <= 1024
    assert caption.endswith("…")
    assert caption.startswith("<b>Title</b> word")
    assert truncate_caption("<b>" + "x " * 50 + "</b>", 20) == "<b>x x x x x x</b>…"


def test_paginate_pages_at_paragraphs() -> None:
    paragraphs = [f"Paragraph {i} " + "text " * 50 for i in range(10)]
    pages = paginate("\n\n".join(p.strip() for p in paragraphs), 700)
    assert len(pages) > 1
    for page in pages:
        assert utf16_len(page) <= 700
        assert page.startswith("Paragraph ")
        assert page.endswith("text")


@pytest.mark.parametrize("size", [0, 4097])
def test_paginate_rejects_bad_page_size(size: int) -> None:
    with pytest.raises(ValueError, match="page_size"):
        paginate("x", size)


def test_paginate_empty_text_is_one_empty_page() -> None:
    assert paginate("") == [""]


def test_escape_round_trips_through_plain_text() -> None:
    raw = "A < B & \"C\" 'D'"
    assert html.unescape(escape(raw)) == raw
