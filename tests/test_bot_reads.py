"""End to end: /latest, /read and /search read all they show in one database transaction.

Each session costs a BEGIN and a ROLLBACK, and on SQLite every statement is a round trip to
aiosqlite's thread: a command's reads share one session (issue 14). Counted with the engine's
"begin" event, which fires once per transaction on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from tests.bot_harness import PRIVATE, BotHarness
from tests.factories import add_article, hours_ago

pytest_plugins = ["tests.bot_harness"]

TITLE = "Flood waters reach the outskirts of Lahore"


class _Begins:
    """How many transactions the bot's engine begins while counting."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, _conn: Any) -> None:
        self.count += 1


@pytest.fixture
def begins(bot: BotHarness) -> Iterator[_Begins]:
    """Transactions begun from now on."""
    counter = _Begins()
    engine = bot.store.engine.sync_engine
    event.listen(engine, "begin", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "begin", counter)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("/latest", id="latest-with-picture-card"),
        pytest.param("/read {id}", id="read-a-story-of-two-reports"),
        pytest.param("/search flood lahore", id="search"),
    ],
)
async def test_a_command_reads_in_one_transaction(
    bot: BotHarness, begins: _Begins, command: str
) -> None:
    first = await add_article(
        bot.store,
        TITLE,
        text="The river rose overnight and the city's low-lying areas were cleared.",
        image_url="https://example.com/flood.jpg",
        published_at=hours_ago(2),
    )
    second = await add_article(
        bot.store,
        TITLE,
        text="Rescue teams moved families from the outskirts of Lahore as the water rose.",
        source="Other Wire",
        published_at=hours_ago(1),
    )
    await add_article(bot.store, "Budget debate in the Senate", published_at=hours_ago(3))
    text = command.format(id=first.article_id)
    await bot.send(PRIVATE, text)  # registers the chat, caches the summary: writes

    begins.count = 0
    answer = await bot.send(PRIVATE, text)

    assert second.story_id == first.story_id  # one story, two sources
    assert answer.text
    assert begins.count == 1
