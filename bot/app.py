"""Builds the Telegram Application: every handler is registered here, in one place."""

from __future__ import annotations

import functools
import logging
import re
import ssl
from typing import Any

import httpx
from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.args import CleanCommandHandler
from bot.handlers import (
    admin,
    channels,
    follow,
    groups,
    inline,
    latest,
    newslang,
    plaintext,
    prefs,
    read,
    search,
    settings,
    sources,
    start,
    subscriptions,
)
from bot.handlers.buttons import on_button
from bot.handlers.fallback import CommandLimiter, on_error, unknown_command
from bot.handlers.migrate import on_migrate
from bot.i18n import SUPPORTED_LANGUAGES, command_descriptions
from bot.services import BotData, KhabarApp, KhabarContext, Services

__all__ = ["build_application", "register_commands"]

log = logging.getLogger(__name__)

COMMANDS_PER_MINUTE = 20
# Commands come as messages (edits included, as PTB's default) and as posts in a channel the
# bot administers (`/subscribe world` posted there subscribes the channel).
_COMMAND_UPDATES = filters.UpdateType.MESSAGES | filters.UpdateType.CHANNEL_POST
_BARE_LINK = (
    filters.ChatType.PRIVATE
    & filters.UpdateType.MESSAGE
    & filters.Regex(re.compile(r"\A\s*https?://\S+\s*\Z", re.IGNORECASE))
)

_PLAIN_TEXT = (
    filters.ChatType.PRIVATE
    & filters.UpdateType.MESSAGE
    & filters.TEXT
    & ~filters.COMMAND
    & ~filters.VIA_BOT
)

_COMMANDS: dict[str, Any] = {
    "start": start.start,
    "help": start.help_command,
    "lang": start.lang,
    "news": newslang.news,
    "latest": latest.latest,
    "topics": latest.topics,
    "read": read.read,
    "subscribe": subscriptions.subscribe_command,
    "unsubscribe": subscriptions.unsubscribe_command,
    "subscriptions": subscriptions.subscriptions_command,
    "search": search.search,
    "sources": sources.sources,
    "timezone": prefs.timezone,
    "digest": prefs.digest,
    "quiet": prefs.quiet,
    "mute": prefs.mute,
    "unmute": prefs.unmute,
    "settings": settings.settings_command,
    "channels": channels.channels_command,
    "follow": follow.follow_command,
    "unfollow": follow.unfollow_command,
    "stats": admin.stats,
    "addfeed": admin.addfeed,
    "removefeed": admin.removefeed,
}


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi CA bundle, SSL_CERT_FILE honoured), built once."""
    return httpx.create_ssl_context()


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    with_updater: bool = True,
    rate_limiter: bool = True,
) -> KhabarApp:
    """The real Application, as production and tests use it; ``request`` swaps the transport.
    Its bot sends within the services' send budget (the one the push sender uses) unless
    ``rate_limiter`` is False (the console)."""
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .token(settings.token or "0:console")
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.removesuffix("/bot") + "/file/bot")
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=KhabarContext, bot_data=BotData))
        .concurrent_updates(16)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # One TLS context for both clients: httpx builds one per client otherwise, which loads the
        # CA bundle twice (about 30 ms each, at every start and in every end-to-end test).
        tls = {"verify": _tls_context()}
        builder = builder.request(
            HTTPXRequest(connection_pool_size=32, read_timeout=15.0, httpx_kwargs=tls)
        ).get_updates_request(HTTPXRequest(connection_pool_size=1, httpx_kwargs=tls))
    if not with_updater:
        builder = builder.updater(None)
    if rate_limiter:
        builder = builder.rate_limiter(services.budget)  # type: ignore[arg-type]
    application: KhabarApp = builder.build()
    services.install(application)

    limiter = CommandLimiter(COMMANDS_PER_MINUTE, 60.0)
    application.add_handler(TypeHandler(Update, limiter), group=-1)
    for name, callback in _COMMANDS.items():
        application.add_handler(CleanCommandHandler(name, callback, filters=_COMMAND_UPDATES))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(InlineQueryHandler(inline.inline_query))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    # A group of its own: the bot's status changes in channels, whatever group 0 does with them.
    application.add_handler(
        ChatMemberHandler(channels.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), group=1
    )
    application.add_handler(
        ChatMemberHandler(groups.on_group_member, ChatMemberHandler.MY_CHAT_MEMBER), group=2
    )
    # A link alone in a private chat: offered as a feed to follow.
    application.add_handler(MessageHandler(_BARE_LINK, follow.offer_link))
    # Other text in a private chat: a search (bot.handlers.plaintext).
    application.add_handler(MessageHandler(_PLAIN_TEXT, plaintext.plain_text))
    # Same group as the commands, added last: only a command none of them took reaches it.
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_error_handler(on_error)
    return application


async def register_commands(application: KhabarApp) -> None:
    """Publish the command menu in English (default) and Urdu, and the admin menu to admins."""
    services = application.bot_data.services
    # "" is the menu for users whose language has no list of its own: English.
    languages = ("", *SUPPORTED_LANGUAGES)
    menus: list[tuple[BotCommandScope, str, bool]] = [
        (BotCommandScopeDefault(), lang, False) for lang in languages
    ]
    # A chat scope outranks the default scope for every language, so the admins' menu is
    # published per language too, or an Urdu-speaking admin would get it in English.
    menus += [
        (BotCommandScopeChat(admin_id), lang, True)
        for admin_id in services.settings.admin_user_ids
        for lang in languages
    ]
    for scope, lang, with_admin in menus:
        described = command_descriptions(lang or "en", admin=with_admin)
        commands = [BotCommand(n, d) for n, d in described]
        try:
            await application.bot.set_my_commands(commands, scope=scope, language_code=lang or None)
        except TelegramError as exc:  # a menu is a convenience: the bot works without it
            log.warning("setMyCommands (%s, %r) failed: %s", scope.type, lang, exc)
