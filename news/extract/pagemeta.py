"""A page's inline metadata: one-line strings without markup, the declared language, the
canonical address (rel=canonical, og:url) and absolute http(s) links."""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from typing import Any
from urllib.parse import urljoin

__all__ = ["absolute_url", "clean_inline", "page_metadata"]

_TAG = re.compile(r"<[^>]{0,200}>")


def clean_inline(value: object) -> str | None:
    """Return a one-line NFC string with HTML tags and entities removed, or None if empty."""
    if not isinstance(value, str):
        return None
    text = _TAG.sub(" ", html_lib.unescape(value))
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


def page_metadata(tree: Any, url: str | None) -> tuple[str | None, str | None]:
    """Return the page's declared language and its canonical URL (rel=canonical, og:url)."""
    declared = tree.get("lang") or tree.get("xml:lang")
    if not declared:
        values = tree.xpath('//meta[@http-equiv="content-language"]/@content') or tree.xpath(
            '//meta[@property="og:locale"]/@content'
        )
        declared = str(values[0]) if values else None
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        values = [str(v).strip() for v in tree.xpath(xpath) if str(v).strip()]
        if values:
            return declared, absolute_url(values[0], url)
    return declared, None


def absolute_url(link: str | None, base: str | None) -> str | None:
    """Return ``link`` made absolute against ``base``; None unless it is http(s)."""
    if link and base:
        link = urljoin(base, link)
    return link if link and link.startswith(("http://", "https://")) else None
