"""End to end: /subscribe, /unsubscribe, /subscriptions and its remove buttons; group admins."""

from __future__ import annotations

import pytest

from bot.handlers.subscriptions import MAX_SUBSCRIPTIONS
from tests.bot_harness import GROUP, GROUP_ADMIN, GROUP_MEMBER, PRIVATE, BotHarness
from tests.fakes.telegram_objects import make_chat_json

pytest_plugins = ["tests.bot_harness"]

URDU_CHAT = PRIVATE + 1
USAGE = 'Usage: /subscribe <topic> or /subscribe "a phrase". See /topics for the list.'


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        pytest.param("sports", "You now follow Sports.", id="topic"),
        pytest.param("Technology", "You now follow Technology.", id="topic-capitalised"),
        pytest.param("دنیا", "You now follow World.", id="urdu-topic-name"),
        pytest.param('"climate change"', "You'll now get new stories that mention “climate change”.", id="phrase"),
        pytest.param("“سیلاب”", "You'll now get new stories that mention “سیلاب”.", id="curly-quoted-urdu"),
    ],
)  # fmt: skip
async def test_subscribe(bot: BotHarness, args: str, answer: str) -> None:
    reply = await bot.send(PRIVATE, f"/subscribe {args}")

    assert reply.text.startswith(answer)


async def test_subscribe_in_urdu(bot: BotHarness) -> None:
    topic = await bot.send(URDU_CHAT, "/subscribe کھیل", language_code="ur")
    phrase = await bot.send(URDU_CHAT, '/subscribe "بارش"', language_code="ur")
    again = await bot.send(URDU_CHAT, "/subscribe sports", language_code="ur")

    assert topic.text == "آپ نے کھیل کو سبسکرائب کر لیا ہے۔ نئی خبریں یہیں آپ تک پہنچیں گی۔"
    assert phrase.text == "اب ’بارش‘ سے متعلق ہر نئی خبر آپ کو بھیجی جائے گی۔"
    assert again.text == "آپ کھیل کو پہلے ہی سبسکرائب کر چکے ہیں۔"


async def test_subscriptions_lists_and_remove_buttons_update_the_list(bot: BotHarness) -> None:
    await bot.send(PRIVATE, "/subscribe sports")
    await bot.send(PRIVATE, '/subscribe "climate change" digest 07:30')
    listing = await bot.send(PRIVATE, "/subscriptions")
    message_id = listing.messages[0]["message_id"]

    removed = await bot.press(PRIVATE, listing.button("✕ Sports"), message_id)
    after = bot.message(PRIVATE, message_id)
    twice = await bot.press(PRIVATE, listing.button("✕ Sports"), message_id)

    assert listing.text == "\n".join(
        [
            "You follow",
            "",
            "• Topic: Sports",
            "  Delivery: instantly, as stories come in.",
            "• Phrase: “climate change”",
            "  Delivery: one digest a day at 07:30.",
        ]
    )
    assert [label for label, _ in listing.buttons] == ["✕ Sports", "✕ climate change"]
    assert removed.methods == ["answerCallbackQuery", "editMessageText"]
    assert after["text"].startswith("You no longer follow Sports.\n\nYou follow\n\n• Phrase:")
    assert [b["text"] for row in after["reply_markup"]["inline_keyboard"] for b in row] == [
        "✕ climate change"
    ]
    assert twice.messages == []
    assert (await bot.send(PRIVATE, "/subscriptions")).text.count("•") == 1


async def test_unsubscribe_topic_phrase_and_all(bot: BotHarness) -> None:
    for args in ("sports", "health", '"climate change"', '"load shedding"'):
        await bot.send(PRIVATE, f"/subscribe {args}")

    topic = await bot.send(PRIVATE, "/unsubscribe sports")
    urdu_topic = await bot.send(PRIVATE, "/unsubscribe صحت")
    phrase = await bot.send(PRIVATE, "/unsubscribe climate change")
    missing = await bot.send(PRIVATE, "/unsubscribe sports")
    everything = await bot.send(PRIVATE, "/unsubscribe all")
    empty = await bot.send(PRIVATE, "/subscriptions")

    assert topic.text == "You no longer follow Sports."
    assert urdu_topic.text == "You no longer follow Health."
    assert phrase.text == "You no longer follow “climate change”."
    assert missing.text == "You don't follow Sports. See /subscriptions."
    assert everything.text == "All your subscriptions have been removed."
    assert empty.text == "You don't follow anything yet. Try /topics or /subscribe."


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        pytest.param("", USAGE, id="nothing"),
        pytest.param('""', USAGE, id="empty-quotes"),
        pytest.param("sports digest 25:00", USAGE, id="bad-digest-time"),
        pytest.param("x" * 500, "That phrase is too long — please keep it under 100 characters.", id="500-characters"),
        pytest.param('"' + "word " * 100 + '"', "That phrase is too long — please keep it under 100 characters.", id="long-phrase"),
    ],
)  # fmt: skip
async def test_subscribe_bad_input(bot: BotHarness, args: str, answer: str) -> None:
    reply = await bot.send(PRIVATE, f"/subscribe {args}".strip())

    assert reply.text == answer
    assert (await bot.send(PRIVATE, "/subscriptions")).text.startswith("You don't follow")


async def test_subscribe_unknown_topic_lists_topics_and_usage(bot: BotHarness) -> None:
    reply = await bot.send(PRIVATE, "/subscribe weather")

    first, second = reply.text.splitlines()
    assert first.startswith("There is no topic called “weather”. Topics: world (دنیا), ")
    assert second == USAGE


@pytest.mark.parametrize("args", ["", "x" * 500])
async def test_unsubscribe_bad_input(bot: BotHarness, args: str) -> None:
    reply = await bot.send(URDU_CHAT, f"/unsubscribe {args}".strip(), language_code="ur")

    assert reply.text == "استعمال: /unsubscribe <موضوع|جملہ|all>"


async def test_digest_subscription_survives_a_topic_tap(bot: BotHarness) -> None:
    digest = await bot.send(PRIVATE, "/subscribe sports digest 08:15")
    listing = await bot.send(PRIVATE, "/topics")
    tapped = await bot.press(PRIVATE, "sub:sports", listing.messages[0]["message_id"])
    plain_again = await bot.send(PRIVATE, "/subscribe sports")

    assert digest.text.splitlines() == [
        "You now follow Sports. New stories will arrive right here.",
        "Delivery: one digest a day at 08:15.",
    ]
    assert tapped.text == plain_again.text == "You already follow Sports."
    assert "one digest a day at 08:15" in (await bot.send(PRIVATE, "/subscriptions")).text


async def test_subscriptions_are_capped_per_chat(bot: BotHarness) -> None:
    from storage.subscriptions import subscribe

    async with bot.store.write() as session:
        await bot.send(PRIVATE, "/subscriptions")  # registers the chat
        for n in range(MAX_SUBSCRIPTIONS):
            await subscribe(session, PRIVATE, kind="keyword", value=f"w{n}", display=f"w{n}")

    refused = await bot.send(PRIVATE, '/subscribe "one more"')
    existing = await bot.send(PRIVATE, '/subscribe "w1"')

    assert refused.text == (
        f"You already follow {MAX_SUBSCRIPTIONS} topics and phrases, the most I allow. "
        "Remove one with /subscriptions first."
    )
    assert existing.text == "You already follow “w1”."


async def test_a_long_subscription_list_is_split_under_the_limit(bot: BotHarness) -> None:
    from storage.subscriptions import subscribe
    from tests.fakes.telegram_objects import utf16_len

    await bot.send(URDU_CHAT, "/subscriptions", language_code="ur")  # registers the chat
    async with bot.store.write() as session:
        for n in range(MAX_SUBSCRIPTIONS):
            phrase = f"{n} کراچی میں بارش اور سیلاب 🌧 " * 4
            await subscribe(session, URDU_CHAT, kind="keyword", value=phrase, display=phrase)

    listing = await bot.send(URDU_CHAT, "/subscriptions", language_code="ur")

    assert len(listing.messages) >= 2
    assert all(utf16_len(m["text"]) <= 4096 for m in listing.messages)
    assert [bool(m.get("reply_markup")) for m in listing.messages][-2:] == [False, True]
    assert len(listing.buttons) == MAX_SUBSCRIPTIONS
    assert listing.text.count("•") == MAX_SUBSCRIPTIONS


async def test_group_settings_are_for_admins_only(bot: BotHarness) -> None:
    bot.fake.set_admins(GROUP, [GROUP_ADMIN])
    refused = "Only this group's admins can change its settings."

    member_sub = await bot.send(GROUP, "/subscribe sports", user_id=GROUP_MEMBER)
    admin_sub = await bot.send(GROUP, "/subscribe sports", user_id=GROUP_ADMIN)
    member_unsub = await bot.send(GROUP, "/unsubscribe all", user_id=GROUP_MEMBER)
    listing = await bot.send(GROUP, "/subscriptions", user_id=GROUP_MEMBER)
    member_press = await bot.press(
        GROUP, listing.button("✕"), listing.messages[0]["message_id"], user_id=GROUP_MEMBER
    )

    assert (member_sub.text, member_unsub.text) == (refused, refused)
    assert admin_sub.text.startswith("You now follow Sports.")
    assert listing.text.splitlines()[2] == "• Topic: Sports"  # anyone may look
    assert member_press.methods == ["getChatMember", "answerCallbackQuery"]
    assert member_press.params("answerCallbackQuery")[0]["show_alert"] is True


async def test_group_owner_and_anonymous_admin_may_change_settings(bot: BotHarness) -> None:
    bot.fake.set_admins(GROUP, [], owner_id=GROUP_ADMIN)
    owner = await bot.send(GROUP, "/subscribe health", user_id=GROUP_ADMIN)
    anonymous = await bot.send_as_group(GROUP, "/subscribe science")

    assert owner.text.startswith("You now follow Health.")
    assert anonymous.text.startswith("You now follow Science.")
    assert "getChatMember" not in anonymous.methods


async def test_an_upgraded_group_keeps_its_settings(bot: BotHarness) -> None:
    old, new = -4001, -1004001
    bot.fake.set_admins(old, [GROUP_ADMIN])
    await bot.send(old, "/subscribe sports", user_id=GROUP_ADMIN, chat_type="group")
    await bot.send(old, "/lang ur", user_id=GROUP_ADMIN, chat_type="group")

    moved = await bot.send_service(old, migrate_to_chat_id=new)
    bot.fake.state.chat(new, make_chat_json(new, "supergroup"))
    again = await bot.send_service(new, migrate_from_chat_id=old)
    listing = await bot.send(new, "/subscriptions", user_id=GROUP_MEMBER)

    assert (moved.calls, again.calls) == ([], [])
    assert listing.text.splitlines()[:3] == ["آپ کی سبسکرپشنز", "", "• موضوع: کھیل"]
