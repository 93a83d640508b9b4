"""Cross-page boilerplate: lines that repeat on many pages of one site are dropped from its texts.

Extractors judge one page at a time, so a site's fixed sign-off ("Follow us on WhatsApp",
"© Dawn 2024", a newsletter plug inside the article body) survives them. Seeing many pages of
a host shows which lines are the site's rather than the story's. Hand-written: no library keeps
this state across pages.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field

from news.extract.textdoc import is_prose, line_key

__all__ = ["BoilerplateFilter", "strip_edge_boilerplate"]

# A line this long is a paragraph of reporting; wire copy and background paragraphs repeat
# across one site's stories on the same subject and must not be learnt as boilerplate.
_MAX_LINE_CHARS = 200
_BLANK_RUN = re.compile(r"\n{3,}")
# Page furniture that extractors leave above the story: skip links, reading-time badges.
_LEADING_JUNK = re.compile(
    r"^(?:skip to (?:main )?content|advertisement|sponsored(?: content)?"
    r"|\d+\s*min(?:ute)?s?\s+read|reading time\b.*|listen to (?:this )?(?:article|story)\b.*)$",
    re.IGNORECASE,
)
# Calls to action and credits that close a story: follow/subscribe plugs, agency credits,
# copyright lines, "Related"/"Read more" headers (English and Urdu).
_TRAILING_JUNK = re.compile(
    r"\b(?:subscribe|newsletters?|sign up|follow (?:us|[\w’'.@]+(?: [\w’'.@]+){0,3}) on"
    r"|on (?:facebook|twitter|instagram|youtube|whatsapp|telegram|tiktok)\b"
    r"|download (?:our|the) app|share (?:this|on)|contributed to this report|reporting by"
    r"|editing by|writing by|all rights reserved|copyright\s*(?:©|\(c\)|\d{4}))"
    r"|©|^(?:comments?|explore further|related(?: articles| stories| resources| posts)?"
    r"|advertisement|skip advertisement|read more|read also|also read|see also)\W*$"
    r"|یہ بھی پڑھ|مزید پڑھ|فالو کریں|سبسکرائب|شیئر کریں|جملہ حقوق",
    re.IGNORECASE,
)
_MAX_JUNK_WORDS = 40
_TITLE_OVERLAP = 0.8  # a first line made of the title's words is the headline again


def strip_edge_boilerplate(paragraphs: list[str], title: str) -> list[str]:
    """Drop page furniture above the story (a headline variant, skip links) and plugs below it."""
    kept = list(paragraphs)
    title_tokens = set(line_key(title).split())
    while kept and not is_prose(kept[0]):
        head = set(line_key(kept[0]).split())
        is_title = len(head) >= 2 and len(head & title_tokens) >= _TITLE_OVERLAP * len(head)
        if not (is_title or _LEADING_JUNK.match(kept[0].strip())):
            break
        kept.pop(0)
    while kept and len(kept[-1].split()) <= _MAX_JUNK_WORDS and _TRAILING_JUNK.search(kept[-1]):
        kept.pop()
    return kept


@dataclass
class _HostHistory:
    """The line keys of a host's most recent pages and how many of them contain each key."""

    pages: deque[frozenset[str]]
    counts: Counter[str] = field(default_factory=Counter)


class BoilerplateFilter:
    """Learns lines repeated across a host's pages and removes them from later texts."""

    def __init__(
        self, *, min_pages: int = 3, min_share: float = 0.5, window: int = 50, max_hosts: int = 500
    ) -> None:
        """Drop a line seen on >= ``min_pages`` and >= ``min_share`` of a host's last pages.

        ``window`` pages per host are remembered, for at most ``max_hosts`` hosts (oldest
        forgotten first), so memory stays bounded in a long-running bot.
        """
        self.min_pages = min_pages
        self.min_share = min_share
        self.window = window
        self.max_hosts = max_hosts
        self._hosts: dict[str, _HostHistory] = {}

    @staticmethod
    def _keys(text: str, memo: dict[str, str]) -> frozenset[str]:
        """Return the matching keys of a text's short lines."""
        return frozenset(
            key
            for line in text.splitlines()
            if line.strip() and len(line) <= _MAX_LINE_CHARS and (key := _key(line, memo))
        )

    def learn(self, host: str, text: str, memo: dict[str, str] | None = None) -> None:
        """Record one page of ``host`` (``memo``: line keys worked out already, see filter)."""
        history = self._hosts.pop(host, None) or _HostHistory(deque())
        self._hosts[host] = history  # re-inserted: most recently used last
        if len(self._hosts) > self.max_hosts:
            del self._hosts[next(iter(self._hosts))]
        keys = self._keys(text, {} if memo is None else memo)
        if len(history.pages) == self.window:
            history.counts.subtract(history.pages.popleft())
        history.pages.append(keys)
        history.counts.update(keys)

    def is_boilerplate(self, host: str, line: str, memo: dict[str, str] | None = None) -> bool:
        """Tell whether ``line`` is one of ``host``'s repeated lines."""
        history = self._hosts.get(host)
        if history is None or len(line) > _MAX_LINE_CHARS:
            return False
        seen = history.counts[_key(line, {} if memo is None else memo)]
        return seen >= self.min_pages and seen >= self.min_share * len(history.pages)

    def clean(self, host: str, text: str, memo: dict[str, str] | None = None) -> str:
        """Return ``text`` without ``host``'s repeated lines (paragraph breaks kept)."""
        memo = {} if memo is None else memo
        kept = [line for line in text.split("\n") if not self.is_boilerplate(host, line, memo)]
        return _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip("\n")

    def filter(self, host: str, text: str) -> str:
        """Learn from ``text`` and return it cleaned: the one call the pipeline makes per page.

        Each line's key is worked out once for both (line_key folds and splits the line: half
        of the filter's cost when learning and cleaning each worked them out)."""
        memo: dict[str, str] = {}
        self.learn(host, text, memo)
        return self.clean(host, text, memo)


def _key(line: str, memo: dict[str, str]) -> str:
    """line_key of ``line``, from ``memo`` when it was worked out already (then kept there)."""
    key = memo.get(line)
    if key is None:
        key = memo[line] = line_key(line)
    return key
