"""The CLI's news commands: ingest, import, extract and feeds (list, add, remove, import, export)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.wiring import make_embeddings, make_fetcher, open_pipeline
from news import errors
from news.extract.pages import ExtractedArticle, Extractor, extract_text
from news.extract.topics import topic_by_name
from news.ingest.feedadd import Outcome, add_probed_feed
from news.ingest.feedlist import export_opml, import_opml, seed_feeds
from news.ingest.fetch import PAGE_ACCEPT, Fetcher
from news.ingest.localfiles import SNIFF_BYTES, detect_kind
from news.ingestloop import run_forever
from news.pipeline import Pipeline
from news.stories.candidate import page_candidate
from news.wording import counted
from storage import Store, open_store
from storage.feeds import get_feed, list_feeds, remove_feed

__all__ = ["extract_command", "feeds_command", "import_command", "ingest_command"]

EXIT_USAGE = 2


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{counted(total, 'feed')}")
    sys.stderr.flush()


async def ingest_command(args: argparse.Namespace, settings: Settings) -> int:
    """``khabar ingest [--once] [--force]``; --force takes every feed in the first pass."""
    store = await open_store(settings.database_url)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(store.close)
        pipeline = await stack.enter_async_context(open_pipeline(settings, store))
        if args.once:
            progress = _progress if sys.stderr.isatty() else None
            stats = await pipeline.run_pass(progress, force=args.force)
            if sys.stderr.isatty():
                sys.stderr.write("\n")
            print(stats.summary_line())
            return 0
        if args.force:
            await pipeline.run_pass(force=True)
        stop = asyncio.Event()
        await run_forever(pipeline, stop)
    return 0


async def import_command(args: argparse.Namespace, settings: Settings) -> int:
    """``khabar import PATH...``: store what the files hold, fetching nothing and pushing
    nothing (an archive is old news, as a new feed's backlog is)."""
    store = await open_store(settings.database_url)
    new = duplicates = failed = old = 0
    now = datetime.now(UTC)
    days = settings.retention_days
    embeddings = make_embeddings(settings)  # English and Urdu reports of one event link here too
    embeddings.announce(settings.embeddings)
    try:
        async with Extractor(0) as extractor:
            pipeline = Pipeline(store, extractor=extractor, embeddings=embeddings)
            for raw in args.paths:
                async for item in pipeline.store_file(Path(raw)):
                    if item.candidate is None or item.stored is None:
                        failed += 1
                        print(f"{item.source}: {item.error}", file=sys.stderr)
                    elif item.stored.duplicate:
                        duplicates += 1
                    else:
                        new += 1
                        published = item.candidate.published_at
                        old += bool(days and published and published < now - timedelta(days=days))
    finally:
        embeddings.close()
        await store.close()
    closing = (
        f"imported {counted(new, 'new article')}, {counted(duplicates, 'duplicate')}, "
        f"{failed} failed"
    )
    if old:
        # Retention counts from when Khabar stored an article, so an old archive is not
        # deleted by the next start; say how long it stays.
        until = (now + timedelta(days=days)).date().isoformat()
        closing += (
            f"; {old} published more than RETENTION_DAYS ({days}) days ago are kept until {until}"
        )
    print(closing)
    return 0 if failed == 0 or new + duplicates else 1


async def _article_json(article: ExtractedArticle, *, url: str, source: str) -> dict[str, Any]:
    candidate = await page_candidate(article, url=url, source=source, fetched_at=datetime.now(UTC))
    return {
        "title": candidate.title,
        "text": candidate.text,
        "published_at": candidate.published_at.isoformat() if candidate.published_at else None,
        "language": candidate.language,
        "topic": candidate.topic,
        "url": candidate.url,
        "canonical_url": candidate.canonical_url,
        "author": candidate.author,
        "image": candidate.image_url,
        "source": source,
    }


async def _extract_one(target: str, fetcher: Fetcher, extractor: Extractor) -> dict[str, Any]:
    if target.startswith(("http://", "https://")):
        try:
            page = await fetcher.fetch(target, accept=PAGE_ACCEPT)
        except errors.FetchError as exc:
            return {"source": target, "error": str(exc)}
        is_text = (page.content_type or "").startswith("text/plain")
        body, url = page.body, page.final_url
    else:
        path = Path(target)
        try:
            body = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            return {"source": target, "error": f"extract: cannot read: {exc.strerror or exc}"}
        is_text = detect_kind(path, body[:SNIFF_BYTES]) == "text"
        url = await asyncio.to_thread(lambda: path.resolve().as_uri())
    if is_text:
        article: ExtractedArticle | None = await asyncio.to_thread(
            extract_text, body.decode("utf-8", errors="replace"), url=url
        )
    else:
        article = await extractor.extract(body, url)
    if article is None or not article.title:
        return {"source": target, "error": "extract: no article text found"}
    return await _article_json(article, url=url, source=target)


def _article_plain(result: dict[str, Any]) -> str:
    """An extracted article as a person reads it: title, facts, URL, a blank line, the text."""
    published = result["published_at"]
    when = (
        datetime.fromisoformat(published).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if published
        else "date unknown"
    )
    facts = " · ".join(
        f for f in (when, result["language"], result["topic"], result["author"]) if f
    )
    return "\n".join(
        (result["title"], facts, result["canonical_url"] or result["url"], "", result["text"])
    )


async def extract_command(args: argparse.Namespace, settings: Settings) -> int:
    """``khabar extract PATH_OR_URL... [--json]``: each article in input order, as text or JSON.

    Plain text by default (articles apart by a line of dashes, failures on standard error);
    ``--json`` prints one JSON object per input, failures as ``{"source", "error"}`` objects.
    """
    failed = printed = 0
    async with make_fetcher(settings) as fetcher, Extractor(0) as extractor:
        for target in args.inputs:
            result = await _extract_one(target, fetcher, extractor)
            failed += "error" in result
            if args.json:
                print(json.dumps(result, ensure_ascii=False), flush=True)
            elif "error" in result:
                reason = result["error"].removeprefix("extract: ")
                print(f"khabar extract: {target}: {reason}", file=sys.stderr, flush=True)
            else:
                print(("-" * 72 + "\n") * bool(printed) + _article_plain(result), flush=True)
                printed += 1
    return 1 if failed == len(args.inputs) else 0


async def _feeds(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    action = args.feeds_command
    if action == "list":
        await seed_feeds(store, settings.khabar_feeds)
        async with store.read() as session:
            feeds = await list_feeds(session)
        for f in feeds:
            health = (
                f"failing ({f.error_count}): {f.last_error}"
                if f.error_count
                else ("ok" if f.last_ok_at else "not fetched yet")
            )
            state = "" if f.enabled else " [disabled]"
            print(
                f"{f.id:4d}  {f.language}  {f.topic or '-':13s} {f.title}{state}\n      {f.url}\n      {health}"
            )
        return 0
    if action == "add":
        return await _add_feed(store, args, settings)
    if action == "remove":
        async with store.write() as session:
            feed = await get_feed(session, args.feed_id)
            removed = await remove_feed(session, args.feed_id)
        print(f"removed {feed.url}" if removed and feed else f"no feed {args.feed_id}")
        return 0 if removed else 1
    if action == "import":
        try:
            data = await asyncio.to_thread(Path(args.file).read_bytes)
            added = await import_opml(store, data)
        except OSError as exc:
            print(f"khabar feeds import: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 1
        except errors.ParseError as exc:
            print(f"khabar feeds import: {exc}", file=sys.stderr)
            return 1
        print(f"added {counted(added, 'feed')}")
        return 0
    print(await export_opml(store), end="")
    return 0


async def _add_feed(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    """``khabar feeds add URL [--language] [--topic]``: what is not given is read from the feed."""
    if not args.url.startswith(("http://", "https://")):
        return _fail("feeds add", "the URL must start with http:// or https://", EXIT_USAGE)
    topic = topic_by_name(args.topic) if args.topic else None
    if args.topic and topic is None:
        return _fail("feeds add", f"unknown topic {args.topic!r}", EXIT_USAGE)
    async with make_fetcher(settings) as fetcher:
        added = await add_probed_feed(store, fetcher, args.url, args.language, topic)
    match added.outcome:
        case Outcome.BLOCKED:
            return _fail(
                "feeds add",
                f"{args.url} is on this machine or a private network; set "
                "FETCH_ALLOW_PRIVATE=true to read feeds on this machine (loopback only)",
            )
        case Outcome.UNREADABLE:
            return _fail(
                "feeds add",
                f"cannot read the feed to tell its language ({added.error}); give --language",
            )
        case Outcome.OTHER_LANGUAGE:
            found = f"read as {added.language!r}" if added.language else "neither English nor Urdu"
            return _fail(
                "feeds add",
                f"the feed's items are {found}; Khabar reads English and Urdu feeds "
                "(give --language en or ur to add it anyway)",
            )
        case Outcome.EXISTS:
            print("already on the list")
            return 0
    probe = added.probe
    if probe is None:
        print(
            f"khabar feeds add: not readable now ({added.error}); added as given", file=sys.stderr
        )
    how = "given" if args.language else "detected"
    topic_text = added.topic or "mixed (each item gets its own)"
    topic_how = "given" if args.topic else f"from its {probe.topic_from}" if probe else "given"
    print(
        f"added {added.title}: language {added.language} ({how}), topic {topic_text} ({topic_how})"
    )
    return 0


def _fail(command: str, message: str, status: int = 1) -> int:
    """Print ``khabar COMMAND: MESSAGE`` on stderr and return the exit status."""
    print(f"khabar {command}: {message}", file=sys.stderr)
    return status


async def feeds_command(args: argparse.Namespace, settings: Settings) -> int:
    """``khabar feeds list|add|remove|import|export``."""
    store = await open_store(settings.database_url)
    try:
        return await _feeds(store, args, settings)
    finally:
        await store.close()
