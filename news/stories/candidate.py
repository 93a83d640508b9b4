"""Building a Candidate, the one way: its canonical URL, language, topic and lead computed once.

A candidate comes from a feed entry (with its page, when fetched), from an article extracted
from a page or a text file, or from fields given outright (the console's demo set, tests); all
three end in ``build_candidate``. Only the pipeline stores one (news.pipeline).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from news.extract.boilerplate import BoilerplateFilter
from news.extract.canonical import canonicalize_url
from news.extract.pages import ExtractedArticle, Extractor
from news.ingest.entrytext import entry_text
from news.ingest.feedparse import FeedEntry, ParsedFeed
from news.ingest.localfiles import ImportedItem
from news.stories.keys import Described, TextKeys, describe
from news.stories.pagejob import EntryFacts, entry_text_of
from storage import Feed
from storage.feeds import feed_title

__all__ = [
    "Candidate",
    "build_candidate",
    "entry_candidate",
    "entry_facts",
    "entry_facts_or_none",
    "file_candidate",
    "page_candidate",
]


@dataclass(frozen=True)
class Candidate:
    """A clean article ready to store (from a feed entry, a page, or an imported file)."""

    url: str
    canonical_url: str
    title: str
    language: str
    topic: str
    text: str = ""
    lead: str = ""
    published_at: datetime | None = None
    guid: str | None = None
    feed_id: int | None = None
    source: str = ""
    author: str | None = None
    image_url: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    keys: TextKeys | None = None  # None only for a Candidate made by hand: computed on store
    # Feed, URL and categories named no topic: ``topic`` is the keywords' guess, which the
    # embedding classifier replaces when the article gets a vector (news.stories.linking).
    topic_guessed: bool = False


async def _described(
    extractor: Extractor | None, title: str, text: str, **fields: Any
) -> Described:
    """news.stories.keys.describe off the event loop: in the extraction worker when there is
    one (the process pool), else in a thread."""
    job = partial(describe, title, text, **fields)
    if extractor is None:
        return await asyncio.to_thread(job)
    return await extractor.run(job, what=fields.get("url"))


def build_candidate(
    *,
    url: str,
    title: str,
    text: str,
    language: str,
    fetched_at: datetime,
    rel_canonical: str | None = None,
    topic: str | None = None,
    feed_topic: str | None = None,
    categories: Sequence[str] = (),
    lead: str | None = None,
    published_at: datetime | None = None,
    guid: str | None = None,
    feed_id: int | None = None,
    source: str = "",
    author: str | None = None,
    image_url: str | None = None,
    keys: TextKeys | None = None,
    topic_guessed: bool = False,
) -> Candidate:
    """A candidate from its fields; the canonical URL, and the topic, lead and keys when not
    given, are worked out here.

    The canonical URL is ``url``'s, or the page's own (``rel_canonical``) when it names one on
    the same site; the topic is classified on it.
    """
    canonical = canonicalize_url(url, rel_canonical=rel_canonical)
    if topic is None or lead is None or keys is None:
        # The page's own address when it states one on the same site: the topic reads it.
        found = describe(
            title,
            text,
            url=canonical,
            language=language,
            topic=topic,
            feed_topic=feed_topic,
            categories=categories,
            lead=lead,
        )
        topic, lead, keys = found.topic, found.lead, found.keys
        topic_guessed = found.topic_guessed
    return Candidate(
        url=url,
        canonical_url=canonical,
        title=title,
        language=language,
        topic=topic,
        text=text,
        lead=lead,
        published_at=published_at,
        guid=guid,
        feed_id=feed_id,
        source=source,
        author=author,
        image_url=image_url,
        fetched_at=fetched_at,
        keys=keys,
        topic_guessed=topic_guessed,
    )


def entry_facts(entry: FeedEntry, parsed: ParsedFeed, feed: Feed | None) -> EntryFacts:
    """What describing ``entry`` (of ``feed``; None for a feed read from a file) needs."""
    assert entry.link and entry.title
    return EntryFacts(
        link=entry.link,
        title=entry.title,
        text=entry_text(entry),
        site_names=(feed.title if feed else None, parsed.title),
        declared=feed.language if feed else parsed.language,
        fallback=feed.language if feed else "en",
        feed_topic=feed.topic if feed else None,
        categories=entry.categories,
    )


def entry_facts_or_none(entry: FeedEntry, parsed: ParsedFeed, feed: Feed) -> EntryFacts | None:
    """The entry's facts for its page job; None when they cannot be read (the entry is then
    skipped: entry_candidate raises the same error, logged with the entry)."""
    try:
        return entry_facts(entry, parsed, feed)
    except Exception:
        return None


async def entry_candidate(
    entry: FeedEntry,
    parsed: ParsedFeed,
    *,
    feed: Feed | None,
    extracted: ExtractedArticle | None,
    boilerplate: BoilerplateFilter,
    fetched_at: datetime,
    source: str = "",
    extractor: Extractor | None = None,
    facts: EntryFacts | None = None,
    described: Described | None = None,
) -> Candidate:
    """A feed entry (of ``feed``; None for a feed read from a file), with its page's text when
    that is longer; the host's boilerplate is learnt and dropped. ``source`` names it when
    neither the feed row nor the feed document has a title (else its host does). Language,
    topic, lead and keys are worked out in ``extractor``'s worker (a thread without one),
    unless ``described`` (news.stories.pagejob: the worker described the text with the page,
    from these ``facts``) holds and no boilerplate was dropped."""
    assert entry.link and entry.title
    facts = facts or entry_facts(entry, parsed, feed)
    chosen = entry_text_of(facts, extracted)
    host = urlsplit(entry.link).hostname or ""
    text = boilerplate.filter(host, chosen.text)  # learnt, then dropped
    found = described if described is not None and text == chosen.text else None
    if found is None:
        found = await _described(
            extractor, chosen.title, text, **facts.describe_fields(chosen.canonical)
        )
    return build_candidate(
        url=entry.link,
        title=chosen.title,
        text=text,
        language=found.language,
        fetched_at=fetched_at,
        rel_canonical=chosen.rel_canonical,
        topic=found.topic,
        topic_guessed=found.topic_guessed,
        lead=found.lead,
        keys=found.keys,
        published_at=entry.published or (extracted.published_at if extracted else None),
        guid=entry.guid,
        feed_id=feed.id if feed else None,
        # The feed's <title> while the row knows it only by URL: the first batch too.
        source=(feed_title(feed) if feed else None) or parsed.title or source or host,
        author=entry.author or (extracted.author if extracted else None),
        image_url=entry.image_url or (extracted.image_url if extracted else None),
    )


async def page_candidate(
    article: ExtractedArticle, *, url: str, source: str, fetched_at: datetime
) -> Candidate:
    """An article extracted from a page or a text at ``url``, named ``source`` when the page
    gives no site name.

    A saved page (a ``file:`` URL) is stored under the address it declares (rel=canonical,
    og:url), so it is the same article as the one a feed brings.
    """
    if not url.startswith(("http://", "https://")) and article.canonical_url:
        url = article.canonical_url
    found = await _described(
        None,
        article.title,
        article.text,
        url=canonicalize_url(url, rel_canonical=article.canonical_url),
        language=article.language,
        lead=article.lead,
    )
    return build_candidate(
        url=url,
        title=article.title,
        text=article.text,
        language=found.language,
        fetched_at=fetched_at,
        rel_canonical=article.canonical_url,
        topic=found.topic,
        topic_guessed=found.topic_guessed,
        lead=found.lead,
        keys=found.keys,
        published_at=article.published_at,
        source=article.site_name or source,
        author=article.author,
        image_url=article.image_url,
    )


async def file_candidate(
    item: ImportedItem, boilerplate: BoilerplateFilter, fetched_at: datetime
) -> Candidate:
    """The candidate of a feed entry or of a page read from a local file (nothing fetched)."""
    if item.entry is not None and item.feed is not None:
        return await entry_candidate(
            item.entry,
            item.feed,
            feed=None,
            extracted=None,
            boilerplate=boilerplate,
            fetched_at=fetched_at,
            source=Path(item.source).name,
        )
    assert item.page is not None
    return await page_candidate(
        item.page, url=item.url, source=Path(item.source).stem, fetched_at=fetched_at
    )
