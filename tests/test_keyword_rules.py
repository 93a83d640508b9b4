"""Keyword rules: words, quoted phrases and -word exclusions, read by one scan (no user regex),
for keyword subscriptions and mutes alike; end to end, a rule decides which stories are pushed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from news.delivery.matching import match_words, matching_phrases
from news.delivery.rules import MAX_TERMS, Rule, parse_rule, rule_for, rule_key
from storage import Delivery, Subscription
from tests.bot_harness import NOW, PRIVATE, BotHarness
from tests.factories import add_article

pytest_plugins = ["tests.bot_harness"]

HEADLINE = match_words("Imran Khan speaks at the cricket stadium in Lahore; PTI rally follows")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("Imran Khan", Rule(("imran khan",)), id="plain-words-are-one-phrase"),
        pytest.param('"Imran Khan"', Rule(("imran khan",)), id="quoted-phrase"),
        pytest.param(
            '"Imran Khan" -Cricket', Rule(("imran khan",), ("cricket",)), id="phrase-minus-word"
        ),
        pytest.param(
            '"imran khan" pti -"cricket stadium"',
            Rule(("imran khan", "pti"), ("cricket stadium",)),
            id="phrase-word-minus-phrase",
        ),
        pytest.param("“عمران خان” -کرکٹ", Rule(("عمران خان",), ("کرکٹ",)), id="urdu-curly-quotes"),
        pytest.param("covid-19", Rule(("covid-19",)), id="hyphen-inside-a-word-is-no-exclusion"),
        pytest.param("don't panic", Rule(("don't panic",)), id="apostrophe-is-no-quote"),
        pytest.param('"unclosed phrase -x', Rule(("unclosed phrase -x",)), id="unclosed-quote"),
        pytest.param("-cricket", None, id="only-an-exclusion-asks-for-nothing"),
        pytest.param('"a" ' + " ".join(["-w"] * MAX_TERMS), None, id="too-many-terms"),
        pytest.param("   ", None, id="blank"),
    ],
)
def test_parse_rule(typed: str, expected: Rule | None) -> None:
    assert parse_rule(typed) == expected


@pytest.mark.parametrize(
    ("stored", "matches"),
    [
        pytest.param("imran khan", True, id="phrase-occurs"),
        pytest.param("khan imran", False, id="phrase-out-of-order"),
        pytest.param('"imran khan" pti', True, id="every-term-occurs"),
        pytest.param('"imran khan" karachi', False, id="one-term-missing"),
        pytest.param('"imran khan" -cricket', False, id="excluded-word-occurs"),
        pytest.param('"imran khan" -hockey', True, id="excluded-word-absent"),
        pytest.param('lahore -"cricket stadium"', False, id="excluded-phrase-occurs"),
        pytest.param('lahore -"stadium cricket"', True, id="excluded-phrase-out-of-order"),
        pytest.param("-cricket", False, id="no-rule-never-matches"),
    ],
)
def test_a_rule_matches_a_headline(stored: str, matches: bool) -> None:
    assert (matching_phrases([stored], HEADLINE) == [stored]) is matches


def test_one_rule_is_stored_once_whatever_the_spacing_or_case() -> None:
    assert rule_key('"Imran  Khan"   -CRICKET') == rule_key('"imran khan" -cricket')
    assert rule_key('"imran khan" -cricket') == '"imran khan" -cricket'
    assert rule_for('"Imran Khan"', "Imran Khan") == ("imran khan", "Imran Khan")
    assert rule_for("'Imran Khan'", "Imran Khan") == ("imran khan", "Imran Khan")


def test_a_hostile_rule_is_read_in_one_pass() -> None:
    # Patterns that make backtracking regex engines take exponential time are plain text here.
    hostile = "(a+)+$ " * 2000 + '"' * 5000 + "-" * 5000
    assert parse_rule(hostile) is None  # far more terms than a rule may have
    assert parse_rule("(a+)+$ -" + "a" * 5000) == Rule(("(a+)+$",), ("a" * 5000,))
    assert matching_phrases(["(a+)+$ -" + "a" * 5000], HEADLINE) == []


async def _story(bot: BotHarness, title: str, lead: str) -> int:
    now = datetime.now(UTC)
    added = await add_article(
        bot.store,
        title,
        topic="world",
        text=f"{lead}\n\nMore of the report.",
        lead=lead,
        published_at=NOW - timedelta(hours=1),
        fetched_at=now,
        push=True,
        now=now,
    )
    return added.story_id


async def test_a_keyword_rule_subscription_skips_excluded_stories(bot: BotHarness) -> None:
    done = await bot.send(PRIVATE, '/subscribe "Imran Khan" -cricket')
    listed = await bot.send(PRIVATE, "/subscriptions")
    wanted = await _story(bot, "Imran Khan addresses rally in Lahore", "PTI supporters gather.")
    await _story(bot, "Imran Khan recalls the cricket world cup", "A look back at 1992.")
    async with bot.store.read() as s:
        subs = (await s.execute(select(Subscription.value, Subscription.display))).all()
        pushed = (await s.execute(select(Delivery.story_id))).scalars().all()
    assert done.text == "You'll now get new stories that mention “Imran Khan” but not “cricket”."
    assert "• Phrase: “Imran Khan” but not “cricket”" in listed.text
    assert [tuple(r) for r in subs] == [('"imran khan" -cricket', '"Imran Khan" -cricket')]
    assert list(pushed) == [wanted]


async def test_a_rule_is_named_in_urdu_by_its_terms(bot: BotHarness) -> None:
    done = await bot.send(PRIVATE, '/subscribe "عمران خان" پی‌ٹی‌آئی -کرکٹ', language_code="ur")

    assert (
        done.text
        == "اب ’عمران خان‘ اور ’پی‌ٹی‌آئی‘ (مگر ’کرکٹ‘ نہیں) سے متعلق ہر نئی خبر آپ کو بھیجی جائے گی۔"
    )


async def test_a_mute_rule_keeps_stories_with_the_excluded_word(bot: BotHarness) -> None:
    await bot.send(PRIVATE, "/subscribe world")
    muted = await bot.send(PRIVATE, "/mute cricket -pakistan")
    await _story(bot, "Cricket board meets in London", "England name their squad.")
    kept = await _story(bot, "Pakistan cricket board elects chairman", "A vote in Lahore.")
    unmuted = await bot.send(PRIVATE, "/unmute cricket -pakistan")
    async with bot.store.read() as s:
        pushed = (await s.execute(select(Delivery.story_id))).scalars().all()
    assert muted.text == "Stories containing “cricket” but not “pakistan” will be hidden."
    assert list(pushed) == [kept]
    assert unmuted.text == "Stories containing “cricket” but not “pakistan” will be shown again."
