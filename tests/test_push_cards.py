"""Picture cards in pushes: a story with a picture goes as sendPhoto with a short caption and
Read, Original and Share buttons; a refused picture goes as the same card in text, once, and
is never offered again; chats that turned pictures off and backlog digests get text."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.push.sender import PushConfig, Sender
from bot.render.split import utf16_len
from storage import Article, Delivery, DeliveryState, Store
from storage.chats import set_chat_pictures
from storage.deliveries import queue_delivery
from tests.factories import add_article, add_chats
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_photos import refuse_photo
from tests.push_helpers import T0, Clock, push_bot

FAST = PushConfig(rate=200.0, private_interval=0.0, group_interval=0.0, idle_poll=0.05)
PICTURE = "https://img.example.com/port.jpg"
TITLE = "Flooding Closes Karachi Port As Monsoon Rains Continue"
SENTENCE = "Heavy rain flooded the docks and the port authority stopped all loading on Monday. "


async def _push(store: Store, fake: FakeTelegramAPI, clock: Clock | None = None) -> Sender:
    bot = push_bot(fake)
    async with bot:
        sender = Sender(bot, store, FAST, clock=clock or Clock())
        await sender.drain_once()
    return sender


async def _states(store: Store) -> list[tuple[str, str | None]]:
    async with store.read() as s:
        rows = await s.execute(select(Delivery.state, Delivery.last_error).order_by(Delivery.id))
        return [(state, error) for state, error in rows.all()]


async def test_a_story_with_a_picture_is_a_photo_card(store: Store) -> None:
    await add_chats(store, [1], timezone="Asia/Karachi")
    await add_article(
        store,
        TITLE,
        lead=SENTENCE * 20,
        source="Dawn",
        url="https://news.example.com/port",
        image_url=PICTURE,
        published_at=T0,
        push=True,
    )
    async with FakeTelegramAPI() as fake:
        sender = await _push(store, fake)
    [photo] = fake.sent("sendPhoto")
    [message] = fake.messages(1)
    assert fake.sent("sendMessage") == []
    assert photo["photo"] == PICTURE
    caption = message["caption"]
    assert caption.startswith(TITLE + "\nDawn · November 2, 2026")
    assert "2:00" in caption  # 09:00 UTC is 14:00 in Karachi
    assert utf16_len(caption) <= 1024
    summary = caption.split("\n\n", 1)[1]
    assert summary.endswith("Monday.") and len(summary.split()) <= 60
    [[read, original, share]] = photo["reply_markup"]["inline_keyboard"]
    assert read["callback_data"].startswith("open:") and read["text"] == "Read"
    assert original == {"text": "Original", "url": "https://news.example.com/port"}
    assert share["url"].startswith("https://t.me/share/url?url=https%3A%2F%2Fnews.example.com")
    assert sender.courier.pictures == 1
    assert await _states(store) == [(DeliveryState.SENT, None)]


async def test_an_urdu_card_is_cut_at_an_urdu_sentence(store: Store) -> None:
    await add_chats(store, [1], language="ur")
    sentence = "کراچی میں شدید بارش سے بندرگاہ پر کام روک دیا گیا اور شہر کی سڑکیں ڈوب گئیں۔ "
    await add_article(
        store,
        "کراچی کی بندرگاہ بند",
        language="ur",
        lead=sentence * 10,
        image_url=PICTURE,
        published_at=T0,
        push=True,
    )
    async with FakeTelegramAPI() as fake:
        await _push(store, fake)
    [message] = fake.messages(1)
    assert message["caption"].rstrip().endswith("۔")
    [[read, original, share]] = message["reply_markup"]["inline_keyboard"]
    assert (read["text"], original["text"], share["text"]) == ("پڑھیں", "اصل خبر", "شیئر کریں")


async def test_a_refused_picture_goes_as_the_same_card_in_text_and_is_not_tried_again(
    store: Store,
) -> None:
    await add_chats(store, [1])
    added = await add_article(
        store, TITLE, lead=SENTENCE, image_url=PICTURE, published_at=T0, push=True
    )
    async with FakeTelegramAPI() as fake:
        refuse_photo(fake.state, PICTURE)
        sender = await _push(store, fake)
        # A chat that gets the story later is sent text without the picture being tried.
        await add_chats(store, [2])
        async with store.write() as s:
            await queue_delivery(
                s, chat_id=2, story_id=added.story_id, article_id=added.article_id, due_at=T0
            )
        await _push(store, fake)
    photos = [c for c in fake.calls if c.method == "sendPhoto"]
    texts = fake.sent("sendMessage")
    assert len(photos) == 1
    assert sorted(p["chat_id"] for p in texts) == [1, 2]
    assert all(p["text"].startswith(f"<b>{TITLE}</b>") for p in texts)
    assert all(len(p["reply_markup"]["inline_keyboard"][0]) == 3 for p in texts)
    assert sender.courier.pictures_refused == 1
    async with store.read() as s:
        refused = (await s.execute(select(Article.image_refused))).scalar_one()
    assert refused is True
    assert [state for state, _ in await _states(store)] == [DeliveryState.SENT] * 2


async def test_a_bad_picture_url_is_refused_by_telegram_and_the_card_still_arrives(
    store: Store,
) -> None:
    await add_chats(store, [1])
    await add_article(
        store, TITLE, image_url="https://pictures.invalid/x.jpg", published_at=T0, push=True
    )
    async with FakeTelegramAPI() as fake:
        await _push(store, fake)
    [message] = fake.messages(1)
    assert "photo" not in message and message["text"].startswith(TITLE)
    [(state, note)] = await _states(store)
    assert state == DeliveryState.SENT
    assert note == "picture refused: Failed to get http url content"


async def test_a_picture_address_that_is_not_http_is_never_offered(store: Store) -> None:
    await add_chats(store, [1])
    await add_article(store, TITLE, image_url="ftp://img.example.com/x.jpg", push=True)
    async with FakeTelegramAPI() as fake:
        await _push(store, fake)
    assert [c.method for c in fake.calls if c.method.startswith("send")] == ["sendMessage"]
    assert len(fake.sent("sendMessage")[0]["reply_markup"]["inline_keyboard"][0]) == 3


async def test_a_chat_with_pictures_off_gets_text(store: Store) -> None:
    await add_chats(store, [1])
    async with store.write() as s:
        await set_chat_pictures(s, 1, False)
    await add_article(store, TITLE, image_url=PICTURE, published_at=T0, push=True)
    async with FakeTelegramAPI() as fake:
        await _push(store, fake)
    assert fake.sent("sendPhoto") == []
    [message] = fake.sent("sendMessage")
    assert message["text"].startswith(f"<b>{TITLE}</b>")  # the card, as text


async def test_a_backlog_stays_one_text_message(store: Store) -> None:
    await add_chats(store, [1])
    titles = [TITLE, "Senate Passes Budget After Marathon Session", "Lahore Metro Opens Monday"]
    for n, title in enumerate(titles):
        await add_article(
            store,
            title,
            image_url=PICTURE,
            published_at=T0 + timedelta(minutes=n),
            push=True,
        )
    async with FakeTelegramAPI() as fake:
        await _push(store, fake, Clock(T0 + timedelta(minutes=5)))
    assert fake.sent("sendPhoto") == []
    [message] = fake.sent("sendMessage")
    assert message["text"].startswith("<b>3 new stories")
