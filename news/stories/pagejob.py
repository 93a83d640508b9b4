"""One feed entry's page in the extraction worker: extracted, then described ahead of time.

The candidate of an entry is described (language, topic, lead, keys: news.stories.keys) from
its title and its longer text, the page's or the feed's. The worker that extracts the page
describes that text too, in the same job: one trip to the pool a page instead of two, and no
second wait behind the other pages' extractions. The main process drops the host's
boilerplate (news.extract.boilerplate, which learns across pages in feed order) and keeps
this description when that changed nothing; otherwise it describes the cleaned text again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from news.extract.canonical import canonicalize_url
from news.extract.pages import ExtractedArticle, extract_html
from news.extract.titles import strip_site_name
from news.stories.keys import Described, describe

__all__ = ["EntryFacts", "EntryText", "ExtractedPage", "entry_text_of", "extract_entry_page"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What describing a feed entry needs of the entry and its feed (picklable: sent to the
    extraction worker with the page)."""

    link: str
    title: str
    text: str  # the entry's own text (news.ingest.entrytext)
    site_names: tuple[str | None, ...]  # the feed row's and the feed document's titles
    declared: str | None
    fallback: str
    feed_topic: str | None
    categories: Sequence[str]

    def describe_fields(self, url: str) -> dict[str, Any]:
        """describe's keyword arguments for this entry at canonical ``url``."""
        return {
            "url": url,
            "declared": self.declared,
            "fallback": self.fallback,
            "feed_topic": self.feed_topic,
            "categories": self.categories,
        }


@dataclass(frozen=True, slots=True)
class EntryText:
    """The title and text an entry's candidate is made of, before the host's boilerplate is
    dropped, and the addresses its page gave."""

    title: str
    text: str
    rel_canonical: str | None
    canonical: str


def entry_text_of(facts: EntryFacts, extracted: ExtractedArticle | None) -> EntryText:
    """The entry's text, the page's when that is longer; its title without the site's name."""
    text, rel_canonical = facts.text, None
    if extracted is not None and len(extracted.text) > len(text):
        text, rel_canonical = extracted.text, extracted.canonical_url
    names = (*facts.site_names, extracted.site_name if extracted else None)
    title = strip_site_name(facts.title, names=names, url=facts.link)
    canonical = canonicalize_url(facts.link, rel_canonical=rel_canonical)
    return EntryText(title, text, rel_canonical, canonical)


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """An entry's page as the worker returns it: the article (None: no main text found) and
    the description of the entry's text before boilerplate removal (``entry_text_of``)."""

    article: ExtractedArticle | None
    described: Described | None  # None: describing failed (the main process tries again)


def extract_entry_page(
    html: str | bytes, url: str | None, facts: EntryFacts, *, metadata: bool
) -> ExtractedPage:
    """Extract the page (language and lead left to describe: extract_html's ``describe``
    off), then describe the entry's text. Runs in the extraction worker; logs instead of
    raising, as a page that cannot be read is skipped (the feed's text stands in)."""
    try:
        article = extract_html(
            html, url=url, declared_language=facts.declared, metadata=metadata, describe=False
        )
    except Exception:  # any bug in a third-party parser must not kill the batch
        log.exception("extract: failed on %s", url)
        article = None
    chosen = entry_text_of(facts, article)
    try:
        described = describe(chosen.title, chosen.text, **facts.describe_fields(chosen.canonical))
    except Exception:
        log.exception("extract: describing %s failed; left to the main process", url)
        described = None
    return ExtractedPage(article, described)
