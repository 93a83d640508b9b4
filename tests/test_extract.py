"""Tests for news.extract.pages, news.extract.textdoc and news.extract.boilerplate on pages written for this project."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import trafilatura

from news.extract.boilerplate import BoilerplateFilter, strip_edge_boilerplate
from news.extract.cascade import FULL_BELOW
from news.extract.pages import (
    MAX_INPUT_BYTES,
    ExtractedArticle,
    Extractor,
    extract_html,
    extract_text,
)
from news.extract.textdoc import make_lead, parse_date_line
from news.extract.topics import classify

PAGES = Path(__file__).parent / "data" / "pages"


def read(name: str) -> str:
    """Return a test page's text."""
    return (PAGES / name).read_text("utf-8")


def test_english_page() -> None:
    url = "https://www.harbour-ledger.test/business/2024/03/x?utm_source=rss"
    article = extract_html((PAGES / "en-article.html").read_bytes(), url=url)
    assert article is not None
    assert article.title == "Textile exporters win a reprieve on power tariffs"
    assert article.text.startswith("Textile exporters will pay a lower electricity tariff")
    assert article.text.endswith("during the peak months.")
    assert len(article.text.split("\n\n")) == 6
    for junk in ("Subscribe", "Share on", "Related stories", "Cotton crop", "©", "Privacy"):
        assert junk not in article.text
    assert article.published_at == datetime(2024, 3, 7, 9, 20, tzinfo=UTC)
    assert article.author == "Samina Qureshi"
    assert article.image_url == "https://static.harbour-ledger.test/img/looms.jpg"
    assert article.canonical_url == (
        "https://www.harbour-ledger.test/business/2024/03/textile-exporters-power-tariffs"
    )
    assert article.site_name == "The Harbour Ledger"
    assert article.language == "en"
    assert article.lead == article.text.split("\n\n")[0]
    topic = classify(url=url, title=article.title, text=article.text, language="en")
    assert topic == "business"


def test_urdu_page() -> None:
    article = extract_html(read("ur-article.html"), url=None)
    assert article is not None
    assert article.title == "لاہور میں شدید دھند، موٹروے کئی گھنٹے بند رہی"
    assert article.text.startswith("لاہور اور پنجاب کے وسطی اضلاع میں")
    assert article.text.endswith("معمول پر آ گیا۔")
    for junk in ("Live-TV", "Newspaper", "شیئر کریں", "مزید پڑھیے", "کراچی میں سردی", "©"):
        assert junk not in article.text
    assert article.language == "ur"
    assert article.canonical_url == "https://urdu.misal-news.test/pakistan/2023/12/lahore-fog"
    assert article.published_at == datetime(2023, 12, 28, 4, 15, tzinfo=UTC)
    assert article.site_name == "روزنامہ مثال"
    assert classify(url=article.canonical_url, language="ur") == "pakistan"


def test_without_describe_the_language_and_lead_are_left_to_the_caller() -> None:
    page = (PAGES / "en-article.html").read_bytes()
    described = extract_html(page, url=None)
    bare = extract_html(page, url=None, describe=False)
    assert described is not None and bare is not None
    assert (described.language, bool(described.lead)) == ("en", True)
    assert (bare.language, bare.lead) == (None, "")
    assert bare.text == described.text


def test_page_in_a_legacy_encoding_and_title_markup() -> None:
    body = "".join(
        f"<p>Paragraph {i} of a café review: the espresso was strong, the croissants were "
        f"fresh and the terrace stayed busy long after the lunch crowd had left.</p>"
        for i in range(6)
    )
    page = (
        '<html><head><meta charset="windows-1252">'
        '<meta property="og:image" content="/img/terrace.jpg">'
        "<title>Caf&eacute; review: &lt;em&gt;the&lt;/em&gt; best   terrace</title></head>"
        f"<body><article><h1>Café review</h1>{body}</article></body></html>"
    ).encode("cp1252")
    article = extract_html(page, url="https://food.example/cafe")
    assert article is not None
    assert "café review" in article.text
    assert "<" not in article.title and "  " not in article.title
    assert article.title.startswith("Caf")
    assert article.image_url == "https://food.example/img/terrace.jpg"


def test_oversized_page_is_capped_not_parsed_whole() -> None:
    page = read("en-article.html").replace("</body>", "<!--" + "x" * (6 * 1024 * 1024) + "-->")
    assert len(page) > MAX_INPUT_BYTES
    article = extract_html(page, url=None)
    assert article is not None
    assert article.title == "Textile exporters win a reprieve on power tariffs"


@pytest.mark.parametrize("page", ["", b"", "<html><body><nav>Home</nav></body></html>", "\x00"])
def test_no_article_gives_none(page: str | bytes) -> None:
    assert extract_html(page, url=None) is None


def test_english_text_document_like_a_saved_page() -> None:
    article = extract_text(read("en-seedlike.txt"))
    assert article.title == "Coastal towns brace for a second storm in a week"
    assert article.published_at == datetime(2024, 3, 10, tzinfo=UTC)  # not the page's date
    assert article.author == "News Desk"
    assert article.text.startswith("GWADAR: Fishing boats")
    assert article.text.endswith("before the rain arrived.")
    for junk in ("E-Paper", "Podcasts", "روزنامہ مثال", "News Desk", article.title):
        assert junk not in article.text
    assert article.language == "en"


def test_urdu_text_document_like_a_saved_page() -> None:
    article = extract_text(read("ur-seedlike.txt"))
    assert article.title == "کراچی میں پانی کی فراہمی تین روز بعد بحال"
    assert article.published_at == datetime(2024, 3, 14, tzinfo=UTC)
    assert article.author == "ویب ڈیسک"
    assert article.text.startswith("کراچی کے کئی علاقوں میں")
    assert article.text.endswith("شروع کیا جائے گا۔")
    for junk in ("Live-TV", "E-Paper", "روزنامہ مثال", "ویب ڈیسک"):
        assert junk not in article.text
    assert article.language == "ur"
    assert classify(title=article.title, text=article.text, language="ur") == "pakistan"


def test_title_found_without_repetition_and_page_date_ignored() -> None:
    lines = read("en-seedlike.txt").splitlines()
    title = "Coastal towns brace for a second storm in a week"
    lines.remove(title)  # the headline now appears once, below the menus
    lines = [line for line in lines if not line.startswith("March 10")]
    article = extract_text("\n".join(lines))
    assert article.title == title
    assert article.published_at is None  # the only date is the page's, above the title
    assert article.text.startswith("GWADAR:")


def test_simple_hard_wrapped_text_document() -> None:
    article = extract_text(read("en-simple.txt"))
    assert article.title == "Library extends opening hours for exam season"
    assert article.author == "Daniel Okafor"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("The city library will stay open until midnight")
    assert paragraphs[0].endswith("study in the evenings.")


def test_text_document_with_title_only() -> None:
    article = extract_text("Just a headline\n")
    assert (article.title, article.text, article.lead) == ("Just a headline", "", "")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Friday, January 28, 2022", (datetime(2022, 1, 28, tzinfo=UTC), "")),
        ("December 15, 2021 Web Desk", (datetime(2021, 12, 15, tzinfo=UTC), "Web Desk")),
        ("15 دسمبر 2021", (datetime(2021, 12, 15, tzinfo=UTC), "")),
        ("Published: 2021-12-15T10:30:00+05:00", (datetime(2021, 12, 15, 5, 30, tzinfo=UTC), "")),
        ("Updated 15/12/2021 3:05 pm", (datetime(2021, 12, 15, 15, 5, tzinfo=UTC), "")),
        ("The talks were held on December 15, 2021 in Moscow, officials said.", None),
        ("February 30, 2021", None),
        ("Russia hands proposals", None),
    ],
)
def test_parse_date_line(line: str, expected: tuple[datetime, str] | None) -> None:
    assert parse_date_line(line) == expected


def test_lead_takes_paragraphs_up_to_the_limit_and_cuts_at_a_sentence() -> None:
    short = ["First paragraph is short.", "Second one is short too.", "x" * 400]
    assert make_lead(short) == "First paragraph is short. Second one is short too."
    long = [("A sentence of about forty characters. " * 12).strip()]
    lead = make_lead(long)
    assert lead.endswith("characters.") and len(lead) <= 300
    assert make_lead(["word " * 100]).endswith("…")


@pytest.mark.parametrize("workers", [0, 1])
async def test_extractor_runs_off_the_event_loop(workers: int) -> None:
    pages = [(read("en-article.html"), None), (read("ur-article.html"), None), ("", None)]
    async with Extractor(workers) as extractor:
        results = await extractor.extract_many(pages)
    assert [r.language if r else None for r in results] == ["en", "ur", None]
    assert all(isinstance(r, ExtractedArticle) for r in results[:2])


def test_boilerplate_lines_repeated_across_a_host_are_dropped() -> None:
    signoff = "Follow The Harbour Ledger on WhatsApp for breaking news"
    story = "Paragraph about story {0} that is only on this page, with its own facts."
    filt = BoilerplateFilter()
    for i in range(3):
        filt.learn("ledger.test", f"{story.format(i)}\n\n{signoff}")
    cleaned = filt.filter("ledger.test", f"{story.format(9)}\n\n{signoff}\n\nLast line {9}.")
    assert cleaned == f"{story.format(9)}\n\nLast line 9."
    assert filt.clean("other.test", signoff) == signoff  # learnt per host


def test_boilerplate_needs_half_the_pages_and_spares_long_paragraphs() -> None:
    background = "Background: " + "the province has argued over canal water for decades. " * 5
    filt = BoilerplateFilter(min_pages=3, min_share=0.5)
    for i in range(8):
        extra = "Read more on our app" if i < 3 else f"Unique line {i}"
        filt.learn("site.test", f"{background}\n{extra}")
    assert not filt.is_boilerplate("site.test", "Read more on our app")  # 3 of 8 pages
    assert not filt.is_boilerplate("site.test", background)  # long: reporting, not a site line


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        pytest.param(
            ["Skip to main content", "Opinion | Floods return to the valley", "Body sentence."],
            ["Body sentence."],
            id="skip-link-and-headline-variant",
        ),
        pytest.param(
            ["Body sentence.", "Follow The Harbour Ledger on Facebook and X.", "© 2024 Ledger"],
            ["Body sentence."],
            id="follow-plug-and-copyright",
        ),
        pytest.param(
            ["متن کا جملہ۔", "یہ بھی پڑھیے", "ہمیں فالو کریں"],
            ["متن کا جملہ۔"],
            id="urdu-plugs",
        ),
        pytest.param(
            ["Floods in the valley", "The court ruled the song did not infringe copyright."],
            ["Floods in the valley", "The court ruled the song did not infringe copyright."],
            id="story-kept",
        ),
    ],
)
def test_strip_edge_boilerplate(paragraphs: list[str], expected: list[str]) -> None:
    title = "Floods return to the valley after a dry decade"
    assert strip_edge_boilerplate(paragraphs, title) == expected


def test_text_without_headline_keeps_its_first_paragraph() -> None:
    first = "The council approved the budget on Monday after a long debate."
    article = extract_text(f"{first}\n\nA second paragraph of the story follows here, as usual.")
    assert article.title == first
    assert article.text.startswith(first)


def test_dateline_city_beside_the_date_is_not_the_author() -> None:
    text = "Budget approved\nISLAMABAD, Dec 3 2020 (Reuters)\n\nThe council passed it on Monday."
    article = extract_text(text)
    assert article.author is None
    assert article.published_at == datetime(2020, 12, 3, tzinfo=UTC)


def test_inline_elements_never_split_a_paragraph() -> None:
    # The markup of a real Times of India story: a div holding the text with its links, <br>
    # between paragraphs and block widgets (polls, ads) in the middle of it.
    ad = '<div class="ad"><div data-type="in_view"><span class="loader"></span></div></div>'
    story = (
        'NEW DELHI: <a href="/topic/pakistan">Pakistan</a>\'s "whole-of-system approach" to '
        "countering <!-- -->militancy<!-- --> is evolving and may be taking a turn to the "
        "sinister as its army's new anti-terror operation is increasingly focusing on what it "
        "calls digital terrorism.<br>The army chief has over the past few months repeatedly "
        "warned that digital platforms are being exploited to disseminate misinformation."
        f"{ad}He blamed a political party without naming ousted PM "
        '<a href="/topic/imran-khan">Imran Khan</a>’s Pakistan Tehreek-e-Insaaf party, which '
        "has a formidable social media presence, for the campaign against the military.<br>"
        f"{ad}Rights activists say the term lacks a clear legal definition and could be "
        "weaponised against individuals who criticise the military or the government online."
    )
    page = (
        "<html><head><title>Anti-terror op turns sinister</title></head><body>"
        f'<h1>Anti-terror op turns sinister</h1><div class="story">{story}</div></body></html>'
    )
    article = extract_html(page, url="https://news.example.in/world/pakistan/story/1.cms")
    assert article is not None
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith('NEW DELHI: Pakistan\'s "whole-of-system approach" to')
    assert any(
        p.startswith("He blamed a political party without naming ousted PM Imran Khan’s")
        for p in paragraphs
    )
    assert not [p for p in paragraphs if p[0] in "'’" or p in ("Pakistan", "Imran Khan")]


def test_a_page_in_another_language_is_labelled_with_its_code() -> None:
    paragraphs = "".join(
        f"<p>Le gouvernement a présenté lundi un plan d'aide numéro {n} pour les familles "
        "touchées par les inondations dans le sud du pays, a annoncé le ministre.</p>"
        for n in range(4)
    )
    page = (
        f'<html lang="fr"><body><article><h1>Plan d\'aide</h1>{paragraphs}</article></body></html>'
    )
    article = extract_html(page, url="https://www.example.fr/monde/1", declared_language="en")
    assert article is not None and article.language == "fr"


def test_a_page_whose_fast_extraction_is_short_gets_the_full_cascade() -> None:
    # The <article> holds a two-paragraph summary, the story itself sits in a plain div:
    # trafilatura's own extractor stops at the article, and only its readability comparison
    # (which the fast pass skips) finds the longer story.
    summary = "".join(
        f"<p>Summary point {i}: the council met on Tuesday evening to discuss the budget for "
        "the coming year, and the meeting ran late into the night as members argued.</p>"
        for i in range(2)
    )
    story = "".join(
        f"<p>Paragraph {i} of the report: the committee heard from residents who said the new "
        "road would cut their journey to work by half, while shop owners on the high street "
        "worried that fewer people would walk past their doors each day.</p>"
        for i in range(12)
    )
    html = (
        "<html><head><title>Budget</title></head><body><article><h1>Budget</h1>"
        f"{summary}</article><div class='story-body'>{story}</div></body></html>"
    )
    fast = trafilatura.bare_extraction(html, fast=True, include_comments=False)
    assert fast is not None and not isinstance(fast, dict)
    assert len(fast.text or "") < FULL_BELOW  # the premise: the fast pass alone falls short

    article = extract_html(html, url="https://council.test/budget", metadata=False)

    assert article is not None
    assert article.text.startswith("Paragraph 0 of the report")
    assert article.text.endswith("walk past their doors each day.")
    assert len(article.text.split("\n\n")) == 12
