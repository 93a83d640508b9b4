"""End to end: the bot made a channel's administrator, the channel configured from its admin's
private chat and by commands posted in it, its pushes, and the bot removed from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.budget.turns import Priority
from bot.push.pacing import PushConfig
from bot.push.sender import Sender
from storage.chats import get_chat
from storage.subscriptions import list_subscriptions
from tests.bot_harness import PRIVATE, BotHarness, Exchange, plain
from tests.factories import add_article
from tests.fakes.telegram_channels import bot_status_update, channel_chat, channel_post
from tests.push_helpers import push_bot

pytest_plugins = ["tests.bot_harness"]

CHANNEL = -1009876543210
OWNER = PRIVATE  # the user who adds the bot; their private chat with it has the same id
STRANGER = PRIVATE + 5


async def _status(bot: BotHarness, new: str, old: str = "left", **kwargs: Any) -> Exchange:
    return await bot.deliver(
        OWNER,
        lambda: bot_status_update(bot.fake, CHANNEL, by_user=OWNER, old=old, new=new, **kwargs),
    )


async def _post(bot: BotHarness, text: str) -> Exchange:
    return await bot.deliver(CHANNEL, lambda: channel_post(bot.fake, CHANNEL, text))


async def _added(bot: BotHarness, *, language_code: str = "en", can_post: bool = True) -> Exchange:
    """The owner opened the bot, then made it an administrator of the channel."""
    channel_chat(bot.fake, CHANNEL, "Daily Brief")
    bot.fake.set_admins(CHANNEL, [], owner_id=OWNER)
    await bot.send(OWNER, "/start", language_code=language_code)
    return await _status(bot, "administrator", language_code=language_code, can_post=can_post)


async def test_made_admin_the_channel_is_recorded_and_its_owner_told(bot: BotHarness) -> None:
    added = await _added(bot)

    async with bot.store.read() as session:
        channel = await get_chat(session, CHANNEL)
    assert channel is not None
    assert (channel.type, channel.title, channel.added_by, channel.active) == (
        "channel",
        "Daily Brief",
        OWNER,
        True,
    )
    assert added.text == "I can now post in Daily Brief. Choose what it gets here with /channels."


async def test_without_the_right_to_post_the_owner_is_told_what_is_missing(
    bot: BotHarness,
) -> None:
    added = await _added(bot, language_code="ur", can_post=False)

    assert added.text == (
        "میں Daily Brief کا ایڈمن ہوں مگر وہاں پوسٹ نہیں کر سکتا۔ "
        "خبریں بھیجنے کے لیے مجھے ’پیغامات پوسٹ کریں‘ کی اجازت دیں۔"
    )


async def test_owner_configures_the_channel_from_the_private_chat(bot: BotHarness) -> None:
    await _added(bot)

    listing = await bot.send(OWNER, "/channels")
    page = await bot.press(OWNER, listing.button("Daily Brief"), listing.messages[0]["message_id"])
    message_id = listing.messages[0]["message_id"]
    tz = await bot.press(OWNER, f"setv:{CHANNEL}:tz:europe-london", message_id)
    topic = await bot.press(OWNER, f"setv:{CHANNEL}:subs:t-world", message_id)

    assert listing.text.splitlines()[:3] == ["Your channels", "", "• Daily Brief"]
    assert page.methods == ["getChatMember", "answerCallbackQuery", "editMessageText"]
    shown = plain(bot.message(OWNER, message_id)["text"])
    assert shown.splitlines()[0] == "Subscriptions"
    assert "Settings of Daily Brief" in page.params("editMessageText")[0]["text"]
    # The admin answer is kept for a minute: one getChatMember for three presses.
    assert "getChatMember" not in tz.methods + topic.methods
    async with bot.store.read() as session:
        channel = await get_chat(session, CHANNEL)
        private = await get_chat(session, OWNER)
        subs = await list_subscriptions(session, CHANNEL)
    assert channel is not None and private is not None
    assert (channel.timezone, private.timezone) == ("Europe/London", "Asia/Karachi")
    assert [s.value for s in subs] == ["world"]


async def test_only_the_channels_admins_may_configure_it(bot: BotHarness) -> None:
    await _added(bot)
    await bot.send(STRANGER, "/start")
    mine = await bot.send(STRANGER, "/channels")
    shown = await bot.send(STRANGER, "/settings")

    forged = await bot.press(
        STRANGER, f"setv:{CHANNEL}:tz:utc", shown.messages[0]["message_id"], user_id=STRANGER
    )

    assert mine.text.startswith("You haven't added me to a channel yet.")
    assert forged.methods == ["getChatMember", "answerCallbackQuery"]
    assert forged.params("answerCallbackQuery")[0]["show_alert"] is True
    async with bot.store.read() as session:
        channel = await get_chat(session, CHANNEL)
    assert channel is not None and channel.timezone == "Asia/Karachi"


async def test_commands_posted_in_the_channel_work(bot: BotHarness) -> None:
    await _added(bot)

    subscribed = await _post(bot, "/subscribe world")
    listed = await _post(bot, "/subscriptions")

    assert subscribed.text == "You now follow World. New stories will arrive right here."
    assert listed.text.splitlines()[2] == "• Topic: World"
    async with bot.store.read() as session:
        subs = await list_subscriptions(session, CHANNEL)
    assert [s.value for s in subs] == ["world"]


async def test_a_channel_button_is_pressed_by_a_subscriber_not_the_channel(
    bot: BotHarness,
) -> None:
    await _added(bot)
    shown = await _post(bot, "/settings")

    pressed = await bot.press(
        CHANNEL, f"setv:{CHANNEL}:tz:utc", shown.messages[0]["message_id"], user_id=STRANGER
    )

    # The bot's own post carries the channel as sender_chat: it must not count as an admin.
    assert pressed.methods == ["getChatMember", "answerCallbackQuery"]
    async with bot.store.read() as session:
        channel = await get_chat(session, CHANNEL)
    assert channel is not None and channel.timezone == "Asia/Karachi"


async def test_a_subscribed_channel_gets_its_stories(bot: BotHarness) -> None:
    await _added(bot)
    await _post(bot, "/subscribe world")
    now = datetime.now(UTC) + timedelta(minutes=1)
    await add_article(
        bot.store, "Flood Waters Recede In Sindh", published_at=now, now=now, push=True
    )

    push = push_bot(bot.fake)
    async with push:
        sent = await Sender(push, bot.store, PushConfig(), clock=lambda: now).drain_once()

    assert sent == 1
    [alert] = bot.fake.sent("sendMessage", chat_id=CHANNEL)[-1:]
    assert "Flood Waters Recede In Sindh" in alert["text"]


async def test_channel_pushes_use_the_group_pacing() -> None:
    config = PushConfig()
    budget = config.own_budget()

    assert await budget.acquire(CHANNEL, Priority.PUSH)

    assert budget.chat_ready_in(CHANNEL) > config.private_interval  # 20 a minute, not one a second


async def test_removed_the_channel_is_deactivated_and_keeps_its_settings(
    bot: BotHarness,
) -> None:
    await _added(bot)
    await _post(bot, "/subscribe world")

    removed = await _status(bot, "kicked", old="administrator")
    async with bot.store.read() as session:
        gone = await get_chat(session, CHANNEL)
    listing = await bot.send(OWNER, "/channels")
    again = await _status(bot, "administrator", old="left")
    async with bot.store.read() as session:
        back = await get_chat(session, CHANNEL)
        subs = await list_subscriptions(session, CHANNEL)

    assert gone is not None and not gone.active
    assert removed.text.startswith("I was removed from Daily Brief, so it gets no more news.")
    assert "• Daily Brief — I'm no longer there" in listing.text
    assert listing.buttons == []
    assert back is not None and back.active
    assert again.text.startswith("I can now post in Daily Brief.")
    assert [s.value for s in subs] == ["world"]


async def test_channels_is_for_private_chats(bot: BotHarness) -> None:
    await _added(bot)

    posted = await _post(bot, "/channels")

    assert posted.text == "Send /channels in your private chat with me."
