"""What a feed is about before it is added: its address, title, language and topic, from one fetch
(two when the address is a web page that names its feed)."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass

from news import errors
from news.extract.language import language_label
from news.extract.topics import classify, topic_by_name, topic_from_url
from news.ingest.entrytext import entry_text
from news.ingest.feedparse import ParsedFeed, parse_feed
from news.ingest.fetch import Fetcher
from storage.models import MAX_URL

__all__ = ["FeedProbe", "NamedFeedUnreadable", "probe_feed"]

_TITLE_PARTS = re.compile(r"\s+[-–—|:»]\s+|\s*[|»]\s*")
_TOPIC_SHARE = 0.6  # a feed has a topic when this share of its items agree on one
_MAX_TITLE = 200  # a name to show, not the feed's description


@dataclass(frozen=True)
class FeedProbe:
    """What one fetch of a feed says about it; ``language`` may be neither en nor ur."""

    url: str  # the feed's address: the one given, or the feed the given page links to
    title: str | None  # its own <title>; None when it has none
    language: str | None
    topic: str | None  # None: a mix, each item is classified by itself
    topic_from: str  # "address", "title", "items" or "mix", for the operator


def _language(parsed: ParsedFeed) -> str | None:
    """The language of the feed's titles and summaries, its own <language> as the hint."""
    sample = "\n".join(f"{e.title}\n{e.summary_text[:300]}" for e in parsed.entries[:30])
    return language_label(f"{parsed.title}\n{sample}", declared=parsed.language)


def _topic(url: str, parsed: ParsedFeed, language: str | None) -> tuple[str | None, str]:
    """The feed's topic: from its address, else its title, else what most of its items say."""
    found = topic_from_url(url)
    if found:
        return found, "address"
    for part in _TITLE_PARTS.split(parsed.title):
        found = topic_by_name(part)
        if found:
            return found, "title"
    votes = Counter(
        classify(
            url=e.link,
            categories=e.categories,
            title=e.title,
            text=entry_text(e),
            language=language,
        )
        for e in parsed.entries
        if e.title
    )
    if votes:
        topic, count = votes.most_common(1)[0]
        if count >= _TOPIC_SHARE * sum(votes.values()):
            return topic, "items"
    return None, "mix"


class NamedFeedUnreadable(Exception):
    """The page names a feed that cannot be read: ``url`` is that feed's address, ``failure``
    what reading it raised."""

    def __init__(self, url: str, failure: errors.FetchError | errors.ParseError) -> None:
        super().__init__(f"feedprobe: the page's feed {url[:200]} cannot be read: {failure}")
        self.url = url
        self.failure = failure


async def probe_feed(fetcher: Fetcher, url: str) -> FeedProbe:
    """Fetch and parse a feed and say what it is. A web page that names its feed (``<link
    rel="alternate">``, as a site's home page does) stands for that feed: readers paste the
    address they see. Raises FetchError or ParseError (NotAFeed: a page naming no feed), or
    NamedFeedUnreadable."""
    try:
        return await _probe(fetcher, url)
    except errors.NotAFeed as exc:
        links = [u for u in exc.feed_links if len(u) <= MAX_URL and u.startswith("http")]
        if not links:
            raise
        try:
            return await _probe(fetcher, links[0])  # one hop: a feed is never a page
        except (errors.FetchError, errors.ParseError) as unreadable:
            raise NamedFeedUnreadable(links[0], unreadable) from unreadable


async def _probe(fetcher: Fetcher, url: str) -> FeedProbe:
    result = await fetcher.fetch(url)
    parsed = await parse_feed(
        result.body, base_url=result.final_url, content_type=result.content_type
    )
    language = await asyncio.to_thread(_language, parsed)  # may load a model: off the loop
    topic, source = _topic(result.final_url, parsed, language)
    title = parsed.title.strip()[:_MAX_TITLE] or None
    return FeedProbe(url, title, language, topic, source)
