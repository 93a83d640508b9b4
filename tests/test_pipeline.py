"""The ingest pipeline end to end: feeds and pages from a local server into a real store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from news.summaries.service import SummaryService
from storage import Article, Delivery, Story
from storage.summaries import get_summary
from tests.factories import add_chats, add_feed
from tests.pipeline_helpers import BODY, Harness, rss, unique_text
from tests.waiting import until


async def test_ingest_stores_then_second_pass_is_not_modified(harness: Harness) -> None:
    server = harness.server
    body = rss(
        "Desk",
        [
            {
                "title": "Relief package announced for flood families",
                "link": server.url("/a1?utm_source=rss"),
            }
        ],
    )
    server.add_conditional("/feed.xml", body, etag='"v1"')
    feed_id = await add_feed(
        harness.store, harness.server.url("/feed.xml"), title="/feed.xml", topic="pakistan"
    )

    first = await harness.pipeline.run_pass()
    assert (first.feeds_ok, first.new_articles, first.feeds_failed) == (1, 1, 0)
    (article,) = await harness.articles()
    assert article.canonical_url == server.url("/a1")
    assert (article.language, article.topic) == ("en", "pakistan")
    assert (await harness.feed(feed_id)).etag == '"v1"'

    harness.later(1)
    second = await harness.pipeline.run_pass()
    assert (second.feeds_unchanged, second.new_articles) == (1, 0)
    assert server.requests_to("/feed.xml")[-1].headers.get("if-none-match") == '"v1"'
    assert len(await harness.articles()) == 1


async def test_tracking_amp_and_syndicated_copies_are_not_stored_twice(harness: Harness) -> None:
    server = harness.server
    original = {
        "title": "Relief package announced for flood families",
        "link": "https://news.example.org/pk/relief-1",
    }
    server.add_bytes("/one.xml", rss("One", [original]))
    server.add_bytes(
        "/two.xml",
        rss(
            "Two",
            [
                {
                    "title": original["title"],
                    "link": "https://news.example.org/pk/relief-1?utm_source=twitter&fbclid=x",
                },
                {
                    "title": original["title"],
                    "link": "https://news.example.org/amp/pk/relief-1",
                    "guid": "amp-1",
                },
                {
                    "title": "Flood families to get relief package",
                    "link": "https://other.example.net/syndicated/99",
                },
            ],
        ),
    )
    await add_feed(harness.store, harness.server.url("/one.xml"), title="/one.xml")
    await add_feed(harness.store, harness.server.url("/two.xml"), title="/two.xml")
    stats = await harness.pipeline.run_pass()
    articles = await harness.articles()
    # Feeds are fetched concurrently, so either copy may come first; only one is kept.
    assert len(articles) == 1
    assert articles[0].canonical_url in (
        "https://news.example.org/pk/relief-1",
        "https://other.example.net/syndicated/99",
    )
    assert stats.duplicates == 3


async def test_same_event_from_other_sources_joins_one_story(harness: Harness) -> None:
    server = harness.server
    server.add_bytes(
        "/dawn.xml",
        rss(
            "Dawn",
            [
                {
                    "title": "Sindh government announces flood relief package for Karachi families",
                    "link": "https://dawn.example/relief",
                }
            ],
        ),
    )
    other_body = (
        BODY.replace("provincial government", "Sindh cabinet").replace("Monday", "Tuesday")
        + " More aid is expected."
    )
    server.add_bytes(
        "/geo.xml",
        rss(
            "Geo",
            [
                {
                    "title": "Flood relief package for Karachi families announced by Sindh government",
                    "link": "https://geo.example/relief",
                    "body": other_body,
                },
                {
                    "title": "Pakistan beat Australia in the second Test at Lahore",
                    "link": "https://geo.example/cricket",
                    "body": "Pakistan won by five wickets at Lahore on Sunday, taking an unbeatable lead.",
                },
            ],
        ),
    )
    await add_feed(harness.store, harness.server.url("/dawn.xml"), title="/dawn.xml")
    await add_feed(harness.store, harness.server.url("/geo.xml"), title="/geo.xml")
    stats = await harness.pipeline.run_pass()
    assert stats.new_articles == 3
    async with harness.store.read() as session:
        stories = list((await session.execute(select(Story).order_by(Story.id))).scalars())
    counts = sorted(s.article_count for s in stories)
    assert counts == [1, 2]
    assert stats.new_stories == 2


async def test_pages_are_fetched_and_extracted_when_the_feed_asks(harness: Harness) -> None:
    server = harness.server
    paragraphs = "".join(
        f"<p>{BODY} Paragraph {n} adds detail about the relief effort.</p>" for n in range(4)
    )
    page = (
        "<html><head><title>Relief | Example</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Relief package announced for flood families</h1>{paragraphs}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    ).encode()
    server.add_bytes("/page1", page, content_type="text/html; charset=utf-8")
    server.add_bytes(
        "/feed.xml",
        rss(
            "Desk",
            [
                {
                    "title": "Relief package announced for flood families",
                    "link": server.url("/page1"),
                    "body": "Short teaser.",
                }
            ],
        ),
    )
    await add_feed(harness.store, harness.server.url("/feed.xml"), title="/feed.xml", pages=True)
    await harness.pipeline.run_pass()
    (article,) = await harness.articles()
    assert "Paragraph 3 adds detail" in article.text
    assert "Copyright" not in article.text


async def test_urdu_feed_gets_urdu_language_and_topic(harness: Harness) -> None:
    server = harness.server
    body = "کراچی میں کرکٹ میچ کے دوران پاکستان کی ٹیم نے شاندار کارکردگی دکھائی اور سیریز جیت لی۔ کپتان نے کھلاڑیوں کی تعریف کی۔"
    server.add_bytes(
        "/ur.xml",
        rss(
            "اردو",
            [
                {
                    "title": "پاکستان نے کرکٹ سیریز جیت لی",
                    "link": "https://ur.example/1",
                    "body": body,
                }
            ],
            language="ur",
        ),
    )
    await add_feed(harness.store, harness.server.url("/ur.xml"), title="/ur.xml", language="ur")
    await harness.pipeline.run_pass()
    (article,) = await harness.articles()
    assert (article.language, article.topic) == ("ur", "sports")


@pytest.mark.parametrize(
    ("name", "setup", "error_part"),
    [
        pytest.param("missing", lambda s: s.add_status("/bad", 404), "404", id="404"),
        pytest.param("hang", lambda s: s.add_hang("/bad"), "", id="hang"),
        pytest.param("huge", lambda s: s.add_stream("/bad", 50 * 1024 * 1024), "", id="50MB"),
        pytest.param(
            "html",
            lambda s: s.add_bytes(
                "/bad",
                b"<!doctype html><html><body><p>Hello</p></body></html>",
                content_type="text/html",
            ),
            "",
            id="html-not-feed",
        ),
        pytest.param(
            "loop",
            lambda s: (s.add_redirect("/bad", "/bad2"), s.add_redirect("/bad2", "/bad")),
            "",
            id="redirect-loop",
        ),
        pytest.param(
            "bomb",
            lambda s: s.add_bytes(
                "/bad",
                b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>',
            ),
            "",
            id="xml-bomb",
        ),
    ],
)
async def test_a_bad_feed_records_its_error_and_the_pass_goes_on(
    harness: Harness, name: str, setup: object, error_part: str
) -> None:
    server = harness.server
    setup(server)  # type: ignore[operator]
    server.add_bytes(
        "/good.xml",
        rss(
            "Good",
            [
                {
                    "title": "Relief package announced for flood families",
                    "link": "https://good.example/1",
                }
            ],
        ),
    )
    bad_id = await add_feed(harness.store, harness.server.url("/bad"), title="/bad")
    await add_feed(harness.store, harness.server.url("/good.xml"), title="/good.xml")
    stats = await harness.pipeline.run_pass()
    assert (stats.feeds_failed, stats.new_articles) == (1, 1), name
    bad = await harness.feed(bad_id)
    assert bad.error_count == 1 and bad.last_error and error_part in bad.last_error
    assert bad.next_check_at is not None and bad.next_check_at > harness.now


async def test_an_articles_section_wins_over_a_world_feed_and_keywords(harness: Harness) -> None:
    link = "https://timesofindia.indiatimes.com/world/pakistan/digital-terrorism/articleshow/1.cms"
    item = {
        "title": "Army warns of digital terrorism on social media platforms and the internet",
        "link": link,
        "body": "Internet speeds slowed as the army targets social media apps and online data.",
    }
    harness.server.add_bytes("/world.xml", rss("Times of India - World", [item]))
    await add_feed(
        harness.store, harness.server.url("/world.xml"), title="/world.xml", topic="world"
    )
    await harness.pipeline.run_pass()
    (article,) = await harness.articles()
    assert article.topic == "pakistan"


async def test_an_article_in_another_language_is_labelled_and_not_pushed(
    harness: Harness,
) -> None:
    await add_chats(harness.store, [1, 2], topics=("world",), language="en")
    await add_chats(harness.store, [3], topics=("world",), language="ur")
    french = (
        "Le gouvernement a présenté lundi un plan d'aide pour les familles touchées par les "
        "inondations dans le sud du pays, a annoncé le ministre de l'Intérieur à la presse."
    )
    items = [
        {
            "title": "Inondations : un plan d'aide pour les familles",
            "link": "https://a.example/fr",
            "body": french,
        },
        {"title": "Relief package announced for flood families", "link": "https://a.example/en"},
    ]
    # A feed's first fetch is its backlog (stored, not pushed); the items come after it.
    first = {
        "title": "Canal repairs finished before the sowing season",
        "link": "https://a.example/0",
        "body": unique_text("canal", 0),
    }
    harness.server.add_bytes("/mixed.xml", rss("Desk", [first]))
    await add_feed(
        harness.store, harness.server.url("/mixed.xml"), title="/mixed.xml", topic="world"
    )  # an English feed
    await harness.pipeline.run_pass()
    harness.server.add_bytes("/mixed.xml", rss("Desk", [*items, first]))
    harness.later(1)
    await harness.pipeline.run_pass()
    languages = {a.url: a.language for a in await harness.articles()}
    assert languages == {
        "https://a.example/0": "en",
        "https://a.example/fr": "fr",
        "https://a.example/en": "en",
    }
    async with harness.store.read() as session:
        queued = (
            await session.execute(
                select(Delivery.chat_id, Article.language).join(
                    Article, Delivery.article_id == Article.id
                )
            )
        ).all()
    # Chat 3 reads Urdu and gets news in both languages (/news): English, not French.
    assert sorted(queued) == [(1, "en"), (2, "en"), (3, "en")]


async def test_each_new_article_is_summarized_by_the_summary_stage(harness: Harness) -> None:
    items = [
        {"title": "Relief package announced for flood families", "link": "https://a.example/1"},
        {
            "title": "Engineers inspect the broken embankments",
            "link": "https://a.example/2",
            "body": f"{unique_text('embankments', 1)} {unique_text('embankments', 2)}",
        },
    ]
    harness.server.add_bytes("/feed.xml", rss("Desk", items))
    await add_feed(
        harness.store, harness.server.url("/feed.xml"), title="/feed.xml", topic="pakistan"
    )
    service = SummaryService(harness.store)
    harness.pipeline.summaries = service
    try:
        await harness.pipeline.run_pass()
        articles = await harness.articles()

        async def summaries() -> dict[int, str]:
            async with harness.store.read() as session:
                rows = [await get_summary(session, a.id, "en", ("extractive",)) for a in articles]
            return {row.article_id: row.text for row in rows if row is not None}

        async def all_summarized() -> bool:
            return len(await summaries()) == len(articles)

        await until(all_summarized)  # in the background: the pass does not wait for them
        found = await summaries()
    finally:
        await service.close()
    assert len(articles) == 2
    # Each summary is of its own article's text, as the pipeline stored it.
    assert [a.text.startswith(found[a.id][:60]) for a in articles] == [True, True]
