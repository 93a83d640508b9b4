"""Headlines without the site's name: " - Times of India", " | Dawn", " - BBC News اردو" go."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from news.extract.pages import extract_html
from news.extract.titles import strip_site_name
from storage import Article
from tests.factories import add_feed
from tests.pipeline_helpers import BODY, Harness, rss

TOI = "https://timesofindia.indiatimes.com/world/pakistan/anti-terror-op/articleshow/1.cms"


@pytest.mark.parametrize(
    ("title", "names", "url", "expected"),
    [
        pytest.param(
            "Anti-terror op turns sinister - Times of India",
            ["The Times of India"],
            TOI,
            "Anti-terror op turns sinister",
            id="site-name-without-the",
        ),
        pytest.param(
            "Floods hit Sindh as rivers rise | Dawn",
            ["Dawn - Home"],
            "https://www.dawn.com/news/1",
            "Floods hit Sindh as rivers rise",
            id="feed-title-part",
        ),
        pytest.param(
            "کراچی میں شدید بارش کا امکان - BBC News اردو",
            ["BBC News اردو"],
            "https://www.bbc.com/urdu/articles/c1",
            "کراچی میں شدید بارش کا امکان",
            id="urdu",
        ),
        pytest.param(
            "How RPA vendors aim to remain relevant | TechCrunch",
            [],
            "https://techcrunch.com/2024/09/01/rpa/",
            "How RPA vendors aim to remain relevant",
            id="host-name",
        ),
        pytest.param(
            "Mining blasts shatter homes - Lesotho Times",
            [],
            "https://lesothotimes.com/2024/09/01/mining/",
            "Mining blasts shatter homes",
            id="host-name-with-spaces",
        ),
        pytest.param(
            "The Express Tribune | Rupee gains against the dollar",
            ["The Express Tribune"],
            "https://tribune.com.pk/story/1",
            "Rupee gains against the dollar",
            id="prefix",
        ),
        pytest.param(
            "Pakistan - India talks resume in Lahore",
            ["Dawn"],
            "https://www.dawn.com/news/2",
            "Pakistan - India talks resume in Lahore",
            id="a-dash-inside-the-headline",
        ),
        pytest.param(
            "About - State of AI newsletter",
            ["State of AI newsletter"],
            "https://stateofai.substack.com/about",
            "About - State of AI newsletter",
            id="too-little-left",
        ),
        pytest.param(
            "Talks resume | by Cristina Laila",
            ["The Gateway Pundit"],
            "https://www.thegatewaypundit.com/2024/1",
            "Talks resume | by Cristina Laila",
            id="a-byline-is-not-the-site",
        ),
    ],
)
def test_strip_site_name(title: str, names: list[str], url: str, expected: str) -> None:
    assert strip_site_name(title, names=names, url=url) == expected


def test_extracted_title_loses_the_site_suffix() -> None:
    paragraphs = "".join(f"<p>{BODY} Paragraph {n}.</p>" for n in range(3))
    page = (
        "<html><head><title>Anti-terror op turns sinister - Times of India</title>"
        '<meta property="og:site_name" content="The Times of India"></head>'
        f"<body><article>{paragraphs}</article></body></html>"
    )
    article = extract_html(page, url=TOI)
    assert article is not None
    assert article.title == "Anti-terror op turns sinister"


async def test_feed_titles_lose_the_site_suffix(harness: Harness) -> None:
    items = [
        {"title": "Floods hit Sindh as rivers rise | Dawn", "link": "https://www.dawn.com/news/1"},
        {
            "title": "کراچی میں شدید بارش کا امکان - BBC News اردو",
            "link": "https://www.bbc.com/urdu/articles/c1",
            "body": "کراچی میں آج رات شدید بارش کا امکان ہے اور شہریوں کو احتیاط کی ہدایت کی گئی ہے۔",
        },
    ]
    harness.server.add_bytes("/feed.xml", rss("Dawn - Home", items[:1]))
    harness.server.add_bytes("/ur.xml", rss("BBC News اردو", items[1:], language="ur"))
    await add_feed(harness.store, harness.server.url("/feed.xml"), title="/feed.xml")
    await add_feed(harness.store, harness.server.url("/ur.xml"), title="/ur.xml", language="ur")
    await harness.pipeline.run_pass()
    async with harness.store.read() as session:
        titles = set((await session.execute(select(Article.title))).scalars())
    assert titles == {"Floods hit Sindh as rivers rise", "کراچی میں شدید بارش کا امکان"}
