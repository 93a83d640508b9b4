"""Headlines without the site's name: "Floods hit Sindh | Dawn" is "Floods hit Sindh".

Pages and feeds put the publisher's name on every headline (" - Times of India", " | Dawn",
" - BBC News اردو"). No list of sites: a part set off by a separator at either end of the
title goes when it names the site as the page or feed itself does (og:site_name, the feed's
title) or as its address spells it (timesofindia.indiatimes.com, techcrunch.com).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["strip_site_name"]

# " - ", " | ", " – ", " — ", " · ", " • ", " » ", " :: " with spaces around: a hyphen inside
# a word ("Anti-terror") or a colon after a dateline is not a separator.
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»]|::)\s+")
_NOT_WORD = re.compile(r"[\W_]+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
# Address labels that say nothing about the site.
_GENERIC_LABELS = frozenset(
    {"www", "m", "amp", "mobile", "news", "com", "org", "net", "co", "edu", "gov", "info"}
)
_MIN_LABEL = 4  # shorter labels (bbc, cnn) count only as the start of a name: "BBC News"
_MIN_LEFT_WORDS = 2  # what remains must still read as a headline


def _key(name: str) -> str:
    """A name folded for comparison: case, accents' forms, a leading "The", spacing dropped."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    return _NOT_WORD.sub("", _LEADING_THE.sub("", folded))


def _name_keys(names: Iterable[str | None]) -> set[str]:
    """Keys of the site's names, and of the first and last parts of each ("Dawn - Home")."""
    keys: set[str] = set()
    for name in names:
        if not name:
            continue
        parts = _SEPARATOR.split(name)
        keys.update(_key(part) for part in {name, parts[0], parts[-1]})
    keys.discard("")
    return keys


def _host_labels(url: str | None) -> list[str]:
    """The labels of a URL's host that can name the site (timesofindia, indiatimes)."""
    host = urlsplit(url or "").hostname or ""
    labels = host.split(".")[:-1]  # the top-level domain never names the site
    return [label.replace("-", "") for label in labels if label not in _GENERIC_LABELS]


def _names_site(part: str, keys: set[str], labels: list[str]) -> bool:
    """Whether one part of a title is the site's name."""
    key = _key(part)
    if not key:
        return False
    if key in keys:
        return True
    for label in labels:
        if len(label) >= _MIN_LABEL and (label in key or (len(key) >= _MIN_LABEL and key in label)):
            return True
        if len(label) >= 3 and key.startswith(label):
            return True
    return False


def _reads_as_headline(text: str) -> bool:
    return len(text.split()) >= _MIN_LEFT_WORDS


def strip_site_name(title: str, *, names: Iterable[str | None] = (), url: str | None = None) -> str:
    """Drop the site's name from either end of a title; ``names`` are what the site calls
    itself (og:site_name, the feed's title) and ``url`` where the article lives."""
    keys = _name_keys(names)
    labels = _host_labels(url)
    while True:
        separators = list(_SEPARATOR.finditer(title))
        if not separators:
            return title
        last, first = separators[-1], separators[0]
        head, tail = title[: last.start()], title[last.end() :]
        if len(tail) < len(head) and _reads_as_headline(head) and _names_site(tail, keys, labels):
            title = head.rstrip()
            continue
        head, tail = title[: first.start()], title[first.end() :]
        if len(head) < len(tail) and _reads_as_headline(tail) and _names_site(head, keys, labels):
            title = tail.lstrip()
            continue
        return title
