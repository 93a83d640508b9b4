"""Tests for news.extract.canonical: canonical article URLs and de-duplication keys."""

from __future__ import annotations

import pytest

from news.extract.canonical import canonicalize_url, is_same_site, url_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "https://www.bbc.co.uk/news/world-47348479?at_medium=RSS&at_campaign=rss",
            "https://www.bbc.co.uk/news/world-47348479",
            id="bbc-at-params",
        ),
        pytest.param(
            "https://www.nytimes.com/wirecutter/blog/x/?utm_source=rss&utm_medium=feed"
            "&utm_campaign=RSS%20Feed",
            "https://www.nytimes.com/wirecutter/blog/x/",
            id="utm",
        ),
        pytest.param(
            "https://example.com/a?fbclid=IwAR0&gclid=x&mc_cid=1&mc_eid=2&ocid=msn&cmpid=rss"
            "&ref_src=twsrc&id=7",
            "https://example.com/a?id=7",
            id="click-ids",
        ),
        pytest.param(
            "HTTPS://WWW.Dawn.COM:443/news/1", "https://www.dawn.com/news/1", id="case-port"
        ),
        pytest.param("http://example.com:80/a", "http://example.com/a", id="http-default-port"),
        pytest.param("http://example.com:8080/a", "http://example.com:8080/a", id="other-port"),
        pytest.param("https://user:pw@example.com/a", "https://example.com/a", id="credentials"),
        pytest.param("https://example.com/a#comments", "https://example.com/a", id="fragment"),
        pytest.param(
            "https://example.com/#!/story/5", "https://example.com/#!/story/5", id="hashbang"
        ),
        pytest.param(
            "https://example.com/b?z=1&a=2&m=", "https://example.com/b?a=2&m=&z=1", id="sort"
        ),
        pytest.param("https://example.com", "https://example.com/", id="empty-path"),
        pytest.param(
            "https://www.dawn.com/news/1830608/amp",
            "https://www.dawn.com/news/1830608",
            id="amp-end",
        ),
        pytest.param(
            "https://tribune.com.pk/amp/story/2451234/title",
            "https://tribune.com.pk/story/2451234/title",
            id="amp-start",
        ),
        pytest.param(
            "https://example.com/news/story-1.amp", "https://example.com/news/story-1", id="dot-amp"
        ),
        pytest.param(
            "https://example.com/news/story-1.amp.html",
            "https://example.com/news/story-1.html",
            id="dot-amp-html",
        ),
        pytest.param(
            "https://example.com/a?amp=1&p=2", "https://example.com/a?p=2", id="amp-param"
        ),
        pytest.param("https://example.com/a?amp", "https://example.com/a", id="bare-amp-param"),
        pytest.param(
            "https://example.com/a?outputType=amp", "https://example.com/a", id="output-type"
        ),
        pytest.param(
            "https://amp.theguardian.com/world/2024/x",
            "https://theguardian.com/world/2024/x",
            id="amp-host",
        ),
        pytest.param(
            "https://www-dawn-com.cdn.ampproject.org/c/s/www.dawn.com/news/1830608/amp",
            "https://www.dawn.com/news/1830608",
            id="amp-cache",
        ),
        pytest.param("https://m.example.com/a", "https://m.example.com/a", id="mobile-host-kept"),
        pytest.param(
            "https://www.express.pk/story/1/کراچی",
            "https://www.express.pk/story/1/%DA%A9%D8%B1%D8%A7%DA%86%DB%8C",
            id="urdu-path-encoded",
        ),
        pytest.param(
            "https://www.express.pk/story/1/%da%a9%d8%b1%d8%a7%da%86%db%8c",
            "https://www.express.pk/story/1/%DA%A9%D8%B1%D8%A7%DA%86%DB%8C",
            id="lowercase-hex",
        ),
        pytest.param(
            "https://example.com/%7Euser/a%2Fb", "https://example.com/~user/a%2Fb", id="unreserved"
        ),
        pytest.param(
            "https://example.com/\u0627\u0653", "https://example.com/%D8%A2", id="nfc-path"
        ),
        pytest.param("https://example.com/q?s=a+b", "https://example.com/q?s=a%20b", id="plus"),
        pytest.param("https://exämple.com/a", "https://xn--exmple-cua.com/a", id="idna"),
        pytest.param("  https://example.com/a\n ", "https://example.com/a", id="whitespace"),
        pytest.param("https://example.com:bad/a", "https://example.com:bad/a", id="unparseable"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "rel_canonical", "expected"),
    [
        pytest.param(
            "https://m.dawn.com/news/1?ref=x",
            "https://www.dawn.com/news/1",
            "https://www.dawn.com/news/1",
            id="same-site",
        ),
        pytest.param(
            "https://www.dawn.com/news/1/amp",
            "/news/1",
            "https://www.dawn.com/news/1",
            id="relative",
        ),
        pytest.param(
            "https://www.dawn.com/news/1",
            "https://evil.example/news/1",
            "https://www.dawn.com/news/1",
            id="other-site-ignored",
        ),
        pytest.param(
            "https://www.bbc.co.uk/news/1",
            "https://news.bbc.co.uk/2/hi/1",
            "https://news.bbc.co.uk/2/hi/1",
            id="country-second-level",
        ),
        pytest.param(
            "https://www.dawn.com/news/1",
            "javascript:alert(1)",
            "https://www.dawn.com/news/1",
            id="not-http",
        ),
    ],
)
def test_rel_canonical(url: str, rel_canonical: str, expected: str) -> None:
    assert canonicalize_url(url, rel_canonical=rel_canonical) == expected


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param("https://www.dawn.com/news/1830608", id="canonical"),
        pytest.param("http://www.dawn.com/news/1830608", id="http"),
        pytest.param("https://dawn.com/news/1830608/", id="bare-host-slash"),
        pytest.param("https://m.dawn.com/news/1830608#comments", id="mobile-fragment"),
        pytest.param("https://amp.dawn.com/news/1830608/amp?utm_source=x", id="amp"),
        pytest.param("https://WWW.DAWN.COM/news/1830608?at_medium=RSS", id="case-tracking"),
    ],
)
def test_url_key_matches_variants(variant: str) -> None:
    assert url_key(variant) == "dawn.com/news/1830608"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("https://dawn.com/news/1", "https://dawn.com/news/2", id="different-path"),
        pytest.param("https://dawn.com/news?id=1", "https://dawn.com/news?id=2", id="query"),
        pytest.param("https://dawn.com/news/1", "https://www.dawn.com:8443/news/1", id="port"),
    ],
)
def test_url_key_keeps_different_articles_apart(a: str, b: str) -> None:
    assert url_key(a) != url_key(b)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("https://www.dawn.com/", "https://dawn.com/x", True, id="www"),
        pytest.param("https://www.bbc.co.uk/", "https://feeds.bbci.co.uk/", False, id="bbci"),
        pytest.param("https://www.bbc.co.uk/", "https://news.bbc.co.uk/", True, id="co-uk"),
        pytest.param("https://a.com.pk/", "https://b.com.pk/", False, id="com-pk"),
        pytest.param("https://example.com/", "not a url", False, id="no-host"),
    ],
)
def test_is_same_site(a: str, b: str, same: bool) -> None:
    assert is_same_site(a, b) is same
