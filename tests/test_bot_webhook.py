"""End to end: webhook mode with a secret token, and the command menus register_commands sends."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import build_application, register_commands
from bot.services import KhabarApp, Services
from tests.bot_harness import ADMIN_ID
from tests.fakes import FakeTelegramAPI
from tests.fakes.telegram_objects import make_update_json
from tests.httpserver import free_port

pytest_plugins = ["tests.bot_harness"]

SECRET = "s3cret-Token_1"
PATH = "telegram"


@pytest.fixture
async def webhook_app(services: Services) -> AsyncIterator[tuple[KhabarApp, str]]:
    """The production Application receiving updates on a local webhook; yields it and its URL."""
    app = build_application(services)
    port = free_port()
    async with app:
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path=PATH,
            webhook_url=f"https://bot.example.com/{PATH}",
            secret_token=SECRET,
        )
        await app.start()
        try:
            yield app, f"http://127.0.0.1:{port}/{PATH}"
        finally:
            await app.updater.stop()
            await app.stop()


async def test_webhook_with_the_secret_is_handled(
    fake_api: FakeTelegramAPI, webhook_app: tuple[KhabarApp, str]
) -> None:
    _, url = webhook_app
    update = make_update_json(1001, "/start", language_code="ur", update_id=10)

    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    (sent,) = await fake_api.wait_for("sendMessage")

    assert fake_api.webhook is not None
    assert (fake_api.webhook["url"], fake_api.webhook["secret_token"]) == (
        "https://bot.example.com/telegram",
        SECRET,
    )
    assert response.status_code == 200
    assert sent["chat_id"] == 1001
    assert "السلام علیکم" in sent["text"]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, id="wrong-secret"),
        pytest.param({}, id="no-secret"),
    ],
)
async def test_webhook_without_the_secret_is_refused(
    fake_api: FakeTelegramAPI, webhook_app: tuple[KhabarApp, str], headers: dict[str, str]
) -> None:
    app, url = webhook_app
    update = make_update_json(1001, "/start", update_id=11)

    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(url, json=update, headers=headers)
    await app.update_queue.join()

    assert response.status_code == 403
    assert fake_api.sent("sendMessage") == []


async def test_register_commands_publishes_menus_in_both_languages(
    fake_api: FakeTelegramAPI, services: Services
) -> None:
    app = build_application(services)
    async with app:
        await register_commands(app)

    english = [c["command"] for c in fake_api.commands("en")]
    urdu = fake_api.commands("ur")
    admin_scope = {"type": "chat", "chat_id": ADMIN_ID}
    admin_en = [c["command"] for c in fake_api.commands("en", scope=admin_scope)]
    admin_ur = fake_api.commands("ur", scope=admin_scope)

    assert english[:3] == ["latest", "topics", "subscribe"]
    assert "stats" not in english
    assert [c["command"] for c in urdu] == english
    assert urdu[0]["description"] == "تازہ ترین سرخیاں"
    assert fake_api.commands() == fake_api.commands("en")  # users with other languages
    assert admin_en[-3:] == ["stats", "addfeed", "removefeed"]
    assert [c["command"] for c in admin_ur] == admin_en
    assert fake_api.commands(scope=admin_scope) == fake_api.commands("en", scope=admin_scope)


async def test_register_commands_survives_a_telegram_refusal(
    fake_api: FakeTelegramAPI, services: Services
) -> None:
    fake_api.fail_next("setMyCommands", 400, "Bad Request: BOT_COMMAND_INVALID")
    app = build_application(services)
    async with app:
        await register_commands(app)  # logged, not raised: the bot still starts

    assert fake_api.commands() == []  # the refused one
    assert fake_api.commands("ur")[0]["command"] == "latest"  # the others still went out
