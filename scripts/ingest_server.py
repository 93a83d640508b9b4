"""A loopback HTTP server for scripts/bench_ingest.py: the extraction pages and generated feeds.

Run in a process of its own, so its CPU time is never counted as the pipeline's. It prints
its port on the first line of stdout and serves until stdin closes.

- ``/page/N``: the Nth page of the extraction sets (the bytes bench_extraction times);
- ``/feed/K?per=P``: an RSS feed of P items linking to pages K*P .. K*P+P-1;
- ``/steady/K?per=P``: P items of feed K with pages that are never fetched, and a
  ``lastBuildDate`` that changes on every request (so neither a validator nor a hash of the
  bytes can skip it: the parse and the lookup of known entries are what is timed);
- ``/same/K?per=P``: the same items, byte for byte the same document every time.

Example:
    .venv/bin/python scripts/ingest_server.py 120
"""

from __future__ import annotations

import asyncio
import html
import itertools
import socket
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import lxml.etree
import lxml.html
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench_extraction import load_pages

_BASE = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
_TEXT = (
    "Officials in the district said on Monday that the new bridge over the river would open "
    "next month, after two years of work and a budget that grew by a third."
)


def page_titles(pages: list[bytes]) -> list[str]:
    """Each page's <title>, as a feed would give it (real titles: stories form as they do)."""
    titles = []
    for n, page in enumerate(pages):
        try:
            title = lxml.html.fromstring(page).findtext(".//title") or ""
        except (ValueError, lxml.etree.ParserError):
            title = ""
        titles.append(html.escape(" ".join(title.split()) or f"Bench page {n}"))
    return titles


def item(n: int, link: str, title: str) -> str:
    """One RSS item, numbered ``n``."""
    published = format_datetime(_BASE - timedelta(minutes=n))
    return (
        f"<item><title>{title}</title>"
        f'<link>{link}</link><guid isPermaLink="false">bench-{n}</guid>'
        f"<pubDate>{published}</pubDate><category>world</category>"
        f"<description>{_TEXT} Report {n}.</description></item>"
    )


def feed(host: str, first: int, per: int, titles: list[str], links: str, build: str = "") -> bytes:
    """An RSS document of ``per`` items from ``first``; ``links`` is the path of their pages."""
    items = "".join(
        item(n, f"http://{host}/{links}/{n}", titles[n % len(titles)])
        for n in range(first, first + per)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {first // per}</title><link>http://{host}/</link>"
        f"<language>en</language>{build}{items}</channel></rss>"
    ).encode()


def app(pages: list[bytes]) -> web.Application:
    """The routes."""
    counter = itertools.count()
    titles = page_titles(pages)

    async def page(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        return web.Response(body=pages[n % len(pages)], content_type="text/html")

    async def rss(request: web.Request) -> web.Response:
        kind, k = request.match_info["kind"], int(request.match_info["k"])
        per = int(request.query.get("per", "25"))
        host = request.host
        if kind == "feed":
            body = feed(host, k * per, per, titles, "page")
        else:
            build = ""
            if kind == "steady":
                build = f"<lastBuildDate>{format_datetime(_BASE)} #{next(counter)}</lastBuildDate>"
            body = feed(host, 100_000 + k * per, per, titles, "story", build)
        return web.Response(body=body, content_type="application/rss+xml")

    application = web.Application()
    application.router.add_get("/page/{n}", page)
    application.router.add_get("/{kind:feed|steady|same}/{k}", rss)
    return application


async def serve(count: int) -> None:
    """Serve until stdin closes."""
    runner = web.AppRunner(app(load_pages(count)), access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    site = web.SockSite(runner, sock)
    await site.start()
    print(port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 120))
