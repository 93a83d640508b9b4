"""``khabar summarize``: a stored article, a file, or JSON lines from standard input."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.wiring import llm_backend, open_services, summary_budget
from news.extract.language import detect_language
from news.extract.pages import Extractor, extract_text
from news.ingest.localfiles import detect_kind
from news.summaries.budget import Language, SummaryBudget
from news.summaries.llm import LLMBackend
from news.summaries.writer import summarize
from storage.articles import get_article

__all__ = ["summarize_command"]

EXIT_USAGE = 2


def _lang(code: str | None, text: str) -> Language:
    found = code or detect_language(text[:3000]) or "en"
    return "ur" if found == "ur" else "en"


async def _summarize_text(
    text: str,
    language: str | None,
    target: str | None,
    backend: LLMBackend | None,
    budget: SummaryBudget,
) -> dict[str, Any]:
    source = _lang(language, text)
    wanted = _lang(target, "") if target else source
    summary = await summarize(
        text,
        source_language=source,
        target_language=wanted,
        backend=backend,
        budget=budget,
    )
    return {
        "language": summary.language,
        "summary": summary.text,
        "backend": summary.backend,
        "headline": summary.headline,
    }


async def _batch(args: argparse.Namespace, settings: Settings, budget: SummaryBudget) -> int:
    """JSON lines in, JSON lines out, in input order; a bad line gets an error line."""
    backend = llm_backend(settings)
    try:
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError("expected an object with a text field")
            except (ValueError, json.JSONDecodeError) as exc:
                out: dict[str, Any] = {"id": None, "error": f"line {number}: {exc}"}
            else:
                result = await _summarize_text(
                    item["text"], item.get("language"), args.lang, backend, budget
                )
                out = {"id": item.get("id"), **result}
            print(json.dumps(out, ensure_ascii=False), flush=True)
    finally:
        if backend is not None:
            await backend.aclose()
    return 0


_NAMES = {"en": "English", "ur": "Urdu"}


def _explain(
    article_id: int, has: str, wanted: str, got: str, source_id: int, settings: Settings
) -> None:
    """Say on standard error when the summary printed is not the one asked for."""
    name = _NAMES.get
    if got != wanted:
        why = (
            "SUMMARY_BACKEND=extractive does not translate"
            if settings.summary_backend == "extractive"
            else f"the {settings.summary_backend} backend gave none"
        )
        print(
            f"khabar summarize: article {article_id} has no {name(wanted, wanted)} summary "
            f"(it is in {name(has, has)}, and {why}); showing the {name(got, got)} one",
            file=sys.stderr,
        )
    elif source_id != article_id:
        print(
            f"khabar summarize: article {article_id} is in {name(has, has)}; showing the "
            f"{name(got, got)} summary of article {source_id}, from the same story",
            file=sys.stderr,
        )


def _print(result: dict[str, Any], as_json: bool) -> None:
    print(json.dumps(result, ensure_ascii=False) if as_json else result["summary"])


async def summarize_command(args: argparse.Namespace, settings: Settings) -> int:
    """``khabar summarize ID|PATH|- [--lang en|ur] [--json]``."""
    budget = summary_budget(settings)
    target: str = args.target
    if target == "-":
        return await _batch(args, settings, budget)
    if target.isdigit():
        async with open_services(settings) as services:
            async with services.store.read() as session:
                article = await get_article(session, int(target))
            if article is None:
                print(f"khabar summarize: no article {target}", file=sys.stderr)
                return 1
            wanted = args.lang or article.language
            found = await services.summaries.get(article, wanted)
            # A command line can wait for the better summary that /read would edit in later.
            summary = await found.pending if found.pending is not None else found.summary
        _explain(article.id, article.language, wanted, summary.language, found.article_id, settings)
        body = {
            "language": summary.language,
            "summary": summary.text,
            "backend": summary.backend,
            "headline": summary.headline,
        }
        _print({"id": int(target), "article_id": found.article_id, **body}, args.json)
        return 0
    path = Path(target)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        print(f"khabar summarize: cannot read {target}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    if detect_kind(path, data[:1024]) == "html":
        async with Extractor(0) as extractor:
            extracted = await extractor.extract(data, None)
    else:
        extracted = await asyncio.to_thread(extract_text, data.decode("utf-8", errors="replace"))
    if extracted is None or not extracted.text:
        print(f"khabar summarize: no article text in {target}", file=sys.stderr)
        return 1
    backend = llm_backend(settings)
    try:
        outcome = await _summarize_text(
            extracted.text, extracted.language, args.lang, backend, budget
        )
    finally:
        if backend is not None:
            await backend.aclose()
    _print({"id": target, **outcome}, args.json)
    return 0
