"""The text a feed entry carries by itself: its content, else its summary."""

from __future__ import annotations

from news.ingest.feedhtml import html_to_text
from news.ingest.feedparse import FeedEntry

__all__ = ["entry_text"]


def entry_text(entry: FeedEntry) -> str:
    """The best body a feed entry carries by itself: content:encoded, else its summary."""
    if entry.content_html:
        # One line per block from the feed parser's converter; paragraphs are blank-line separated.
        lines = html_to_text(entry.content_html).splitlines()
        text = "\n\n".join(line.strip() for line in lines if line.strip())
        if len(text) > len(entry.summary_text):
            return text
    return entry.summary_text
