"""Adding a feed as /addfeed and `khabar feeds add` do: read it once, what is given wins."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from news import errors
from news.ingest.feedprobe import FeedProbe, NamedFeedUnreadable, probe_feed
from news.ingest.fetch import Fetcher
from news.ingest.sources import LANGUAGES
from storage import Store
from storage.feeds import FeedIn, add_feed

__all__ = ["FeedAdd", "Outcome", "add_probed_feed"]

log = logging.getLogger(__name__)


class Outcome(Enum):
    """How adding a feed ended."""

    ADDED = "added"
    EXISTS = "exists"
    BLOCKED = "blocked"  # on this machine or a private network
    UNREADABLE = "unreadable"  # no fetch or parse, and no language given to add it anyway
    OTHER_LANGUAGE = "other_language"  # neither English nor Urdu


@dataclass(frozen=True)
class FeedAdd:
    """The outcome, and what the feed was added as (or read as, when it was refused)."""

    outcome: Outcome
    title: str
    language: str | None
    topic: str | None  # None: a mix, each item classified by itself
    probe: FeedProbe | None  # None when the feed could not be read
    error: str = ""  # why it could not be read


async def add_probed_feed(
    store: Store, fetcher: Fetcher, url: str, language: str | None, topic: str | None
) -> FeedAdd:
    """Read the feed for its title, language and topic, then add it with what was given
    winning; a page's address adds the feed it names; a feed that cannot be read now is added
    only when its language is given."""
    probe: FeedProbe | None = None
    failure: errors.FetchError | errors.ParseError | None = None
    try:
        probe = await probe_feed(fetcher, url)
    except NamedFeedUnreadable as exc:
        url, failure = exc.url, exc.failure  # the feed the page names is added, or refused
    except (errors.FetchError, errors.ParseError) as exc:
        failure = exc
    if isinstance(failure, errors.BlockedAddress):
        return FeedAdd(Outcome.BLOCKED, url, language, topic, None)
    error = str(failure or "")
    if failure is not None:
        log.info("feed add: cannot read %s: %s", url[:200], failure)
        if language is None:
            return FeedAdd(Outcome.UNREADABLE, url, None, topic, None, error)
    url = probe.url if probe else url
    language = language or (probe.language if probe else None)
    topic = topic or (probe.topic if probe else None)
    title = (probe.title if probe else None) or url
    if language not in LANGUAGES:
        return FeedAdd(Outcome.OTHER_LANGUAGE, title, language, topic, probe, error)
    async with store.write() as session:
        _, created = await add_feed(session, FeedIn(url, title, language, topic, True))
    outcome = Outcome.ADDED if created else Outcome.EXISTS
    return FeedAdd(outcome, title, language, topic, probe, error)
