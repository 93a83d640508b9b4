"""Article URL canonicalisation: one spelling per article, and a looser key for de-duplication.

Policy (research: shared/research/extraction-feeds.md §4.1):

* ``canonicalize_url`` returns a URL that still works: lower-case scheme and host (IDNA), no
  credentials, no default port, no tracking parameters, no fragment (``#!`` routes kept), AMP
  variants mapped back to the article, remaining query sorted, path percent-encoding normalised
  (UTF-8, upper-case hex) after NFC. ``www.`` and ``m.`` hosts are kept, because dropping them
  can break the link. A page's ``rel=canonical`` wins when it is on the same site.
* ``url_key`` is for matching only: it also drops the scheme, a leading ``www.``, ``m.``,
  ``mobile.`` or ``amp.`` label and a trailing slash, so the http/https, desktop/mobile and
  slash variants of one article share a key.

Hand-written rather than courlan: courlan keeps fragments, AMP paths and ``www.``/``m.`` hosts,
and reading its code for what it strips is harder than this list.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

__all__ = ["canonicalize_url", "is_same_site", "url_key"]

_TRACKING_EXACT = frozenset(
    {
        *("fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid"),
        *("twclid", "ttclid", "igshid", "igsh", "li_fat_id", "mkt_tok", "_hsenc", "_hsmi"),
        *("ocid", "cmpid", "cmp", "intcmp", "icid", "ito", "xtor", "s_cid", "smid", "smtyp"),
        *("ref", "ref_src", "ref_url", "_ga", "_gl", "spm", "ncid", "soc_src", "soc_trk"),
        *("wt.mc_id", "wt.mc_ev", "wt_mc"),
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "mc_", "ns_", "pk_", "mtm_", "hsa_", "oly_", "vero_")
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)
_AMP_CACHE = re.compile(r"^/[cv]/(?:s/)?(?P<target>.+)$")
_KEY_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
# Second-level labels under which a country code TLD sells names (bbc.co.uk, dawn.com.pk).
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "edu", "ac", "gob", "nic"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SEGMENT_SAFE = "!$&'()*+,;=:@~-._"


def canonicalize_url(url: str, *, rel_canonical: str | None = None) -> str:
    """Return the canonical spelling of an article URL (see the module docstring for policy)."""
    url = _strip_controls(url)
    try:
        return _canonicalize(url, rel_canonical)
    except ValueError:  # unparseable (bad port, broken IPv6 literal): nothing to normalise
        return url


def _canonicalize(url: str, rel_canonical: str | None) -> str:
    if rel_canonical:
        candidate = urljoin(url, _strip_controls(rel_canonical))
        if urlsplit(candidate).scheme in _DEFAULT_PORTS and is_same_site(candidate, url):
            url = candidate
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = _normalise_host(parts.hostname or "")
    if host.endswith(".cdn.ampproject.org"):
        cached = _AMP_CACHE.match(parts.path)
        if cached:  # Google AMP cache: /c/s/www.example.com/path is https://www.example.com/path
            secure = "/s/" in parts.path[:5]
            target = ("https://" if secure else "http://") + cached.group("target")
            return _canonicalize(target + (f"?{parts.query}" if parts.query else ""), None)
    if host.startswith("amp."):
        host = host[len("amp.") :]
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit(
        (scheme, netloc, _normalise_path(parts.path), _normalise_query(parts.query), fragment)
    )


def url_key(url: str) -> str:
    """Return the de-duplication key of a URL: canonical, minus scheme, www./m. and final slash."""
    parts = urlsplit(canonicalize_url(url))
    netloc = parts.netloc
    for prefix in _KEY_HOST_PREFIXES:
        if netloc.startswith(prefix) and netloc.count(".") > 1:
            netloc = netloc[len(prefix) :]
            break
    key = netloc + parts.path.rstrip("/")
    if parts.query:
        key += "?" + parts.query
    if parts.fragment:
        key += "#" + parts.fragment
    return key


def is_same_site(a: str, b: str) -> bool:
    """Say whether two URLs share a registrable domain (www.dawn.com and dawn.com do)."""
    return _site(urlsplit(a).hostname or "") == _site(urlsplit(b).hostname or "") != ""


def _site(host: str) -> str:
    """Registrable domain, by a heuristic instead of the public suffix list."""
    labels = _normalise_host(host).split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _strip_controls(url: str) -> str:
    """NFC, outer whitespace off and tabs/newlines removed (as WHATWG URL parsing does)."""
    return re.sub(r"[\t\n\r]", "", unicodedata.normalize("NFC", url.strip()))


def _normalise_host(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _normalise_path(path: str) -> str:
    """Re-encode each segment the same way and drop AMP markers (/amp/, .amp, .amp.html)."""
    segments = []
    for raw in path.split("/"):
        try:
            segment = unicodedata.normalize("NFC", unquote(raw, errors="strict"))
        except UnicodeDecodeError:  # not UTF-8 (an old Latin-1 site): leave it as sent
            segments.append(raw)
            continue
        if segment.lower() == "amp":
            continue
        segments.append(quote(_AMP_SUFFIX.sub("", segment), safe=_SEGMENT_SAFE))
    normalised = "/".join(segments)
    if path.endswith("/") and not normalised.endswith("/"):
        normalised += "/"
    return normalised if normalised.startswith("/") else "/" + normalised


def _normalise_query(query: str) -> str:
    """Drop tracking and AMP parameters, sort the rest by name then value."""
    kept = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        lowered = name.lower()
        if lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES):
            continue
        if lowered == "amp" or (lowered == "outputtype" and value.lower() == "amp"):
            continue
        kept.append((unicodedata.normalize("NFC", name), unicodedata.normalize("NFC", value)))
    return urlencode(sorted(kept), quote_via=quote)
