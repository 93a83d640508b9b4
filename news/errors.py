"""The news pipeline's exceptions, one tree, so callers can catch a whole stage at once.

Our exception hierarchy (as in httpx/_exceptions.py):

* NewsError
  x FetchError                 (network stage; ``url`` names the URL being fetched)
    + InvalidURL               (not http(s), userinfo, odd IP literal, port not allowed)
    + BlockedAddress           (resolves to a loopback/private/link-local/reserved address)
    + NetworkError             (DNS failure, connection refused/reset, TLS failure)
    + Timeout                  (connect/read timeout or the overall deadline)
    + TooLarge                 (body over the size cap; the stream was aborted)
    + TooManyRedirects
      - RedirectLoop           (a URL came back in the redirect chain)
    + HTTPStatusError          (non-2xx; carries ``status`` and ``retry_after``)
  x ParseError                 (feed parsing stage)
    + NotAFeed                 (HTML page, empty or binary body; carries discovered feed links)
    + XMLBomb                  (entity declarations: rejected before any XML parser runs)
    + MalformedFeed            (broken XML from which no entry could be recovered)
    + InvalidOPML
  x ExtractError               (extraction stage: a worker process died, the job is lost)
  x SourcesError               (feeds.toml is invalid; the message names the entry)
  x LLMError                   (summary stage: the language model gave no acceptable summary;
                                the caller falls back to the extractive summary)

Messages name the stage first (``fetch: ...``, ``feedparse: ...``; an LLMError holds the reason
alone and the summary stage logs it as ``summaries: <backend> failed: <reason>``); they are for
logs, never shown to users as they are.
"""

from __future__ import annotations

__all__ = [
    "BlockedAddress",
    "ExtractError",
    "FetchError",
    "HTTPStatusError",
    "InvalidOPML",
    "InvalidURL",
    "LLMError",
    "MalformedFeed",
    "NetworkError",
    "NewsError",
    "NotAFeed",
    "ParseError",
    "RedirectLoop",
    "SourcesError",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
    "XMLBomb",
]


class NewsError(Exception):
    """Base class for every error raised by the news pipeline."""


class FetchError(NewsError):
    """Fetching a URL failed; ``url`` is the URL of the hop that failed, when known."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class InvalidURL(FetchError):
    """The URL is not one we are willing to fetch (scheme, credentials, port, odd IP form)."""


class BlockedAddress(FetchError):
    """The host resolves to an address that is not globally routable (SSRF guard)."""


class NetworkError(FetchError):
    """DNS resolution, connecting, TLS or reading the response failed."""


class Timeout(FetchError):
    """A connect, read or overall deadline passed."""


class TooLarge(FetchError):
    """The body is larger than the configured cap; the download was aborted."""


class TooManyRedirects(FetchError):
    """More redirects than the configured limit."""


class RedirectLoop(TooManyRedirects):
    """A redirect pointed back at a URL already visited in the same chain."""


class HTTPStatusError(FetchError):
    """The server answered with a status we treat as failure (4xx, 5xx, unexpected 3xx)."""

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after


class ParseError(NewsError):
    """A fetched document could not be understood."""


class NotAFeed(ParseError):
    """The body is not RSS, Atom or RDF; ``feed_links`` lists feeds an HTML page advertises."""

    def __init__(self, message: str, *, feed_links: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.feed_links = feed_links


class XMLBomb(ParseError):
    """The document declares XML entities (billion laughs, external entities): refused."""


class MalformedFeed(ParseError):
    """The XML is broken and not a single entry could be recovered from it."""


class InvalidOPML(ParseError):
    """An OPML document is not well-formed XML or has no outlines with feed URLs."""


class ExtractError(NewsError):
    """Extracting a page failed outside the parser: its worker process died (OOM killer,
    SIGKILL) and the job could not be run again."""


class SourcesError(NewsError):
    """The feed list (feeds.toml) is invalid; the message names the offending entry."""


class LLMError(NewsError):
    """A language model backend could not produce an acceptable summary (no answer in time,
    an HTTP error, a cut-off or wrong-script answer)."""
