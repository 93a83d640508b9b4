"""End to end: a chat's own sources. /follow, a bare link offered, /unfollow, the limit and the SSRF
guard; the feed fetched once from a local server, its articles reaching only its followers; a
feed failing for days dropped with a message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.feedupkeep import drop_failing_feeds
from bot.push.pacing import PushConfig
from bot.push.sender import Sender
from news.extract.pages import Extractor
from news.extract.topics import TOPICS
from news.ingest.fetch import Fetcher
from news.pipeline import Pipeline
from storage import Delivery, Feed
from storage.feeds import record_fetch_error
from storage.follows import list_follows
from tests.bot_harness import GROUP, PRIVATE, BotHarness, make_settings
from tests.factories import add_subscription
from tests.fakes import FakeTelegramAPI
from tests.following import OWN_FEED, follow_own_feed
from tests.httpserver import LocalServer
from tests.pipeline_helpers import rss, unique_text
from tests.push_helpers import push_bot

pytest_plugins = ["tests.bot_harness"]

FOLLOWER = PRIVATE
SECOND = PRIVATE + 1
BYSTANDER = PRIVATE + 2  # follows every topic, and no feed of its own
LIMIT = 2
HEADLINE = "Street Lights Return To Block Nine"  # the followed feed's fresh article


@pytest.fixture
def bot_settings(fake_api: FakeTelegramAPI, database_url: str) -> Settings:
    """Feeds on this machine's loopback may be followed (as FETCH_ALLOW_PRIVATE allows)."""
    return make_settings(fake_api, database_url, fetch_allow_private=True, follow_limit=LIMIT)


def _item(title: str, at: datetime) -> dict[str, str]:
    slug = title.lower().replace(" ", "-")
    return {
        "title": title,
        "link": f"https://own.example/{slug}",
        "date": format_datetime(at),
        "body": unique_text(title, 1),
    }


class Desk:
    """The ingest pipeline over the bot's store, on a clock the test moves."""

    def __init__(self, bot: BotHarness, pipeline: Pipeline) -> None:
        self.bot = bot
        self.pipeline = pipeline
        self.now = datetime.now(UTC) + timedelta(minutes=1)
        pipeline.clock = lambda: self.now

    async def fetch(self) -> None:
        await self.pipeline.run_pass(force=True)

    async def queued_for(self) -> list[int]:
        async with self.bot.store.read() as session:
            rows = await session.execute(select(Delivery.chat_id).order_by(Delivery.chat_id))
            return list(rows.scalars())


@pytest.fixture
async def desk(bot: BotHarness) -> AsyncIterator[Desk]:
    async with (
        Fetcher(allow_private=True, total_timeout=2.0, max_bytes=1024 * 1024) as fetcher,
        Extractor(0) as extractor,
    ):
        yield Desk(bot, Pipeline(bot.store, fetcher, extractor, interval=300))


async def test_a_followed_feed_reaches_only_its_followers(
    bot: BotHarness, server: LocalServer, desk: Desk
) -> None:
    url = server.url("/own.xml")
    server.add_bytes("/own.xml", rss("Mohalla News", [_item("Old Story", desk.now)]))
    first = await bot.send(FOLLOWER, f"/follow {url}")
    await bot.send(SECOND, f"/follow {url}")
    await bot.send(BYSTANDER, "/start")
    for topic in TOPICS:
        await add_subscription(bot.store, BYSTANDER, topic, subscribed_at=datetime.now(UTC))

    await desk.fetch()  # the first fetch is the backlog: stored, never pushed
    backlog = await desk.queued_for()
    desk.now += timedelta(minutes=10)
    fresh = _item(HEADLINE, desk.now)
    server.add_bytes("/own.xml", rss("Mohalla News", [fresh, _item("Old Story", desk.now)]))
    await desk.fetch()

    assert first.text == (
        "You now follow Mohalla News. Its new articles will arrive right here "
        "(the first fetch takes a few minutes)."
    )
    assert backlog == []
    assert await desk.queued_for() == [FOLLOWER, SECOND]  # not the bystander, whatever its topics
    # Read once by each /follow, then once a pass for both followers.
    assert len(server.requests_to("/own.xml")) == 2 + 2
    push = push_bot(bot.fake)
    async with push:
        now = desk.now
        assert await Sender(push, bot.store, PushConfig(), clock=lambda: now).drain_once() == 2
    alert = bot.fake.sent("sendMessage", chat_id=FOLLOWER)[-1]
    assert HEADLINE in alert["text"]
    to_bystander = [
        f"{call.get('text', '')} {call.get('caption', '')}"
        for call in bot.fake.sent(chat_id=BYSTANDER)
    ]
    assert to_bystander  # its /start answer, so the chat id matches what the bot sends to
    assert not [text for text in to_bystander if HEADLINE in text]


async def test_follow_refuses_bad_and_private_addresses(bot: BotHarness) -> None:
    answers = [
        (await bot.send(FOLLOWER, command)).text
        for command in (
            "/follow ftp://files.example/feed.xml",
            "/follow http://10.1.2.3/feed.xml",
            "/follow http://169.254.169.254/latest/meta-data",
            "/follow two words",
            "/follow https://" + "x" * 3000 + ".example/feed",
        )
    ]

    refused = "I can't fetch that address: it is private, or it could not be found."
    invalid = "That isn't a web address I can follow. Send the feed's full address, starting with https://"
    assert answers == [
        invalid,
        refused,
        refused,
        "Usage: /follow <feed URL>, e.g. /follow https://www.dawn.com/feeds/home",
        invalid,
    ]
    async with bot.store.read() as session:
        assert (await session.execute(select(Feed.id))).first() is None


async def test_a_chat_follows_at_most_its_limit(bot: BotHarness, server: LocalServer) -> None:
    for n in (*range(LIMIT), 9):
        server.add_bytes(f"/{n}.xml", rss(f"Feed {n}", []))
    for n in range(LIMIT):
        await bot.send(FOLLOWER, f"/follow {server.url(f'/{n}.xml')}")

    again = await bot.send(FOLLOWER, f"/follow {server.url('/0.xml')}")
    over = await bot.send(FOLLOWER, f"/follow {server.url('/9.xml')}")

    assert again.text == "You already follow Feed 0."
    assert over.text == (
        f"You follow {LIMIT} feeds already, the most a chat may. Remove one with /unfollow first."
    )


async def test_a_bare_link_in_a_private_chat_is_offered(
    bot: BotHarness, server: LocalServer
) -> None:
    url = server.url("/offered.xml")
    server.add_bytes("/offered.xml", rss("Offered News", []))
    offer = await bot.send(FOLLOWER, f"  {url} ")
    in_group = await bot.send(GROUP, url)
    followed = await bot.press(FOLLOWER, offer.button("Follow"), offer.messages[0]["message_id"])
    stale = await bot.press(FOLLOWER, "follow:00ff", offer.messages[0]["message_id"])

    assert offer.text == "Follow this link as a news feed? Its new articles would come here."
    assert in_group.messages == []
    assert (
        "You now follow Offered News."
        in bot.message(FOLLOWER, offer.messages[0]["message_id"])["text"]
    )
    assert followed.messages == []  # the offer became the answer
    assert stale.text == "This button no longer works. Please send the command again."
    async with bot.store.read() as session:
        assert [f.url for f in await list_follows(session, FOLLOWER)] == [url]


async def test_unfollow_by_button_and_number_removes_the_unfollowed_feed(
    bot: BotHarness, server: LocalServer
) -> None:
    for name in "ab":
        server.add_bytes(f"/{name}.xml", rss(f"Feed {name.upper()}", []))
        await bot.send(FOLLOWER, f"/follow {server.url(f'/{name}.xml')}")
    async with bot.store.read() as session:
        a, b = await list_follows(session, FOLLOWER)

    listing = await bot.send(FOLLOWER, "/unfollow")
    pressed = await bot.press(FOLLOWER, f"unfollow:{a.id}", listing.messages[0]["message_id"])
    by_number = await bot.send(FOLLOWER, f"/unfollow {b.id}")
    none_left = await bot.send(FOLLOWER, "/follow")

    assert listing.text.splitlines()[:4] == [
        "Feeds you follow",
        "",
        f"{a.id} · Feed A",
        f"{b.id} · Feed B",
    ]
    assert pressed.methods == ["answerCallbackQuery", "editMessageText"]
    assert by_number.text == "You no longer follow Feed B."
    assert none_left.text.startswith("You don't follow a feed of your own.")
    async with bot.store.read() as session:
        assert (await session.execute(select(Feed.id))).first() is None  # nothing to fetch


async def test_sources_list_a_chats_own_feeds_to_it_alone(
    bot: BotHarness, server: LocalServer
) -> None:
    await follow_own_feed(bot, server, FOLLOWER)

    mine = await bot.send(FOLLOWER, "/sources")
    theirs = await bot.send(SECOND, "/sources")
    subscriptions = await bot.send(FOLLOWER, "/subscriptions")

    assert f"{OWN_FEED} [en] · followed here" in mine.text
    assert OWN_FEED not in theirs.text
    assert f"• Feed: {OWN_FEED}" in subscriptions.text


async def test_a_feed_failing_for_days_is_dropped_and_its_followers_told(
    bot: BotHarness, server: LocalServer
) -> None:
    server.add_status("/dead.xml", 503)  # down since before the follow: followed all the same
    await bot.send(FOLLOWER, f"/follow {server.url('/dead.xml')}")
    await bot.send(SECOND, "/start", language_code="ur")
    await bot.send(SECOND, f"/follow {server.url('/dead.xml')}", language_code="ur")
    now = datetime.now(UTC)
    async with bot.store.write() as session:
        [feed] = await list_follows(session, FOLLOWER)
        await record_fetch_error(session, feed.id, error="HTTP 404", next_check_at=now)

    early = await drop_failing_feeds(bot.services, bot.app.bot, now + timedelta(days=1))
    dropped = await drop_failing_feeds(bot.services, bot.app.bot, now + timedelta(days=4))

    assert (early, dropped) == (0, 1)
    async with bot.store.read() as session:
        assert await list_follows(session, FOLLOWER) == []
    told = bot.fake.sent("sendMessage", chat_id=FOLLOWER)[-1]["text"]
    assert told == (
        "I stopped following 127.0.0.1: it has not worked for 3 days. "
        "Send /follow with its address to try again."
    )
    assert "فالو کرنا بند کر دیا" in bot.fake.sent("sendMessage", chat_id=SECOND)[-1]["text"]


async def test_follow_in_urdu(bot: BotHarness, server: LocalServer) -> None:
    server.add_bytes("/ur.xml", rss("محلہ نیوز", [], language="ur"))
    done = await bot.send(SECOND, f"/follow {server.url('/ur.xml')}", language_code="ur")
    not_a_feed = await bot.send(SECOND, f"/follow {server.url('/nothing')}", language_code="ur")

    assert done.text.startswith("اب آپ محلہ نیوز کو فالو کر رہے ہیں۔")
    assert not_a_feed.text.startswith("یہ پتہ کسی خبروں کی فیڈ کا نہیں")


async def test_a_sites_page_follows_the_feed_it_names(bot: BotHarness, server: LocalServer) -> None:
    page = (
        "<!doctype html><html><head><title>Mohalla</title>"
        '<link rel="alternate" type="application/rss+xml" href="/feeds/home.xml">'
        "</head><body>Home</body></html>"
    )
    server.add_bytes("/", page.encode(), content_type="text/html")
    server.add_bytes("/feeds/home.xml", rss("Mohalla News", []))
    server.add_bytes(
        "/about", b"<!doctype html><html><body>About</body></html>", content_type="text/html"
    )

    done = await bot.send(FOLLOWER, f"/follow {server.url('/')}")
    again = await bot.send(FOLLOWER, f"/follow {server.url('/feeds/home.xml')}")
    about = await bot.send(FOLLOWER, f"/follow {server.url('/about')}")
    missing = await bot.send(FOLLOWER, f"/follow {server.url('/gone.xml')}")

    assert done.text.startswith("You now follow Mohalla News.")
    assert again.text == "You already follow Mohalla News."
    not_a_feed = (
        "That address is not a news feed, and the page names none. Send the feed's own "
        "address (it often ends in /feed, /rss or .xml)."
    )
    assert (about.text, missing.text) == (not_a_feed, not_a_feed)
    async with bot.store.read() as session:
        assert [f.url for f in await list_follows(session, FOLLOWER)] == [
            server.url("/feeds/home.xml")
        ]


async def test_a_page_whose_feed_is_down_follows_that_feed(
    bot: BotHarness, server: LocalServer
) -> None:
    page = (
        b'<html><head><link rel="alternate" type="application/atom+xml" href="/atom"></head></html>'
    )
    server.add_bytes("/", page, content_type="text/html")
    server.add_status("/atom", 503)

    done = await bot.send(FOLLOWER, f"/follow {server.url('/')}")

    assert done.text.startswith("You now follow 127.0.0.1.")
    async with bot.store.read() as session:
        assert [f.url for f in await list_follows(session, FOLLOWER)] == [server.url("/atom")]


async def test_an_untitled_feed_is_named_by_its_host_never_its_address(
    bot: BotHarness, server: LocalServer
) -> None:
    server.add_bytes("/private/token-123.xml", rss("", []))

    done = await bot.send(FOLLOWER, f"/follow {server.url('/private/token-123.xml')}")
    listed = await bot.send(FOLLOWER, "/subscriptions")

    assert done.text.startswith("You now follow 127.0.0.1.")
    assert "token-123" not in listed.text


async def test_a_link_too_long_to_follow_gets_an_answer(bot: BotHarness) -> None:
    too_long = await bot.send(FOLLOWER, "https://" + "x" * 3000 + ".example/feed")

    assert too_long.text == (
        "That isn't a web address I can follow. Send the feed's full address, starting with https://"
    )
