"""Getting news in: the feed list and OPML, fetching (SSRF-guarded), feed parsing, dates, local files."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from news.ingest.dates import DEFAULT_MAX_FUTURE, FUTURE_TOLERANCE, parse_date, settle_published
    from news.ingest.entrytext import entry_text
    from news.ingest.feedhtml import clean_line, first_image, html_to_text
    from news.ingest.feedlist import add_sources, export_opml, import_opml, seed_feeds
    from news.ingest.feedparse import FeedEntry, ParsedFeed, parse_feed, parse_feed_sync
    from news.ingest.feedprobe import FeedProbe, probe_feed
    from news.ingest.fetch import (
        DEFAULT_TIMEOUT,
        FEED_ACCEPT,
        MAX_BACKOFF,
        PAGE_ACCEPT,
        USER_AGENT,
        Fetcher,
        FetchResult,
        next_check_delay,
        parse_max_age,
        parse_retry_after,
    )
    from news.ingest.localfiles import SNIFF_BYTES, ImportedItem, detect_kind, read_path
    from news.ingest.opml import parse_opml, render_opml
    from news.ingest.sources import (
        LANGUAGES,
        TOPICS,
        FeedSource,
        Language,
        Topic,
        default_sources_path,
        load_sources,
        parse_sources,
    )
    from news.ingest.ssrf import (
        ALLOWED_PORTS,
        GuardedBackend,
        IPAddress,
        check_address,
        check_public_url,
        check_url,
        is_allowed_address,
        resolve_host,
    )

__all__ = [
    "ALLOWED_PORTS",
    "DEFAULT_MAX_FUTURE",
    "DEFAULT_TIMEOUT",
    "FEED_ACCEPT",
    "FUTURE_TOLERANCE",
    "LANGUAGES",
    "MAX_BACKOFF",
    "PAGE_ACCEPT",
    "SNIFF_BYTES",
    "TOPICS",
    "USER_AGENT",
    "FeedEntry",
    "FeedProbe",
    "FeedSource",
    "FetchResult",
    "Fetcher",
    "GuardedBackend",
    "IPAddress",
    "ImportedItem",
    "Language",
    "ParsedFeed",
    "Topic",
    "add_sources",
    "check_address",
    "check_public_url",
    "check_url",
    "clean_line",
    "default_sources_path",
    "detect_kind",
    "entry_text",
    "export_opml",
    "first_image",
    "html_to_text",
    "import_opml",
    "is_allowed_address",
    "load_sources",
    "next_check_delay",
    "parse_date",
    "parse_feed",
    "parse_feed_sync",
    "parse_max_age",
    "parse_opml",
    "parse_retry_after",
    "parse_sources",
    "probe_feed",
    "read_path",
    "render_opml",
    "resolve_host",
    "seed_feeds",
    "settle_published",
]

__getattr__ = lazy_exports(__name__, __path__)
