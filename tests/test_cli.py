"""The khabar command line: help texts, bad configuration, the database upgrade."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bot.cli.main import EXIT_BROKEN_PIPE, build_parser
from storage import open_store
from tests.factories import add_article
from tests.khabar_process import TIMEOUT, clean_env, run_khabar, run_khabar_async

REPO = Path(__file__).resolve().parent.parent


def _subcommand_parsers() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(parser: object, prefix: str) -> None:
        for action in getattr(parser, "_actions", []):
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in choices.items():
                    found.append((f"{prefix} {name}".strip(), sub.format_help()))
                    walk(sub, f"{prefix} {name}")

    walk(build_parser(), "")
    return found


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run_khabar("--help", cwd=tmp_path)
    assert result.returncode == 0
    for name in (
        "start",
        "run",
        "console",
        "ingest",
        "import",
        "extract",
        "summarize",
        "feeds",
        "db",
    ):
        assert name in result.stdout


@pytest.mark.parametrize(("name", "help_text"), _subcommand_parsers())
def test_every_command_help_ends_with_an_example(name: str, help_text: str) -> None:
    assert "Example:\n  khabar " in help_text, name
    assert help_text.rstrip().splitlines()[-1].strip().startswith("khabar "), name


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        pytest.param(
            "ADMIN_USER_IDS", "abc", "ADMIN_USER_IDS must be comma-separated numeric", id="admins"
        ),
        pytest.param("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE must be en or ur", id="language"),
        pytest.param("DATABASE_URL", "::not a url::", "DATABASE_URL must be a URL like", id="url"),
        pytest.param(
            "DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a URL like", id="dialect"
        ),
        pytest.param(
            "DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE must be an IANA", id="tz"
        ),
        pytest.param("LOG_LEVEL", "LOUD", "LOG_LEVEL must be DEBUG, INFO", id="log"),
        pytest.param(
            "TELEGRAM_BOT_TOKEN",
            "123456:short",
            "TELEGRAM_BOT_TOKEN must be the token @BotFather gave",
            id="token-shape",
        ),
        pytest.param(
            "TELEGRAM_BOT_TOKEN",
            "bot123456:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0",
            "TELEGRAM_BOT_TOKEN must be the token @BotFather gave",
            id="token-prefix",
        ),
    ],
)
def test_bad_setting_stops_with_one_line(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    result = run_khabar("db", "upgrade", env={variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("config: ") and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_setting_in_dotenv_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ADMIN_USER_IDS=12,x\n")
    result = run_khabar("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 2
    assert "ADMIN_USER_IDS" in result.stderr


def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    result = run_khabar(
        "db", "upgrade", env={"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "revision" in result.stdout
    assert db.exists()


def test_run_without_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_khabar("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "khabar console" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(None, "cannot read the feed list", id="missing"),
        pytest.param("[[feed]\n", "invalid TOML", id="syntax"),
        pytest.param("[[feed]]\nurl = 'https://example.com/rss'\n", "missing title", id="entry"),
    ],
)
def test_bad_feed_list_stops_with_one_line(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    feeds = tmp_path / "feeds.toml"
    if content is not None:
        feeds.write_text(content, encoding="utf-8")
    result = run_khabar("db", "upgrade", env={"KHABAR_FEEDS": str(feeds)}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("config: KHABAR_FEEDS must be a feeds TOML file"), lines[0]
    assert reason in lines[0]


def test_bad_token_is_never_echoed(tmp_path: Path) -> None:
    token = "123456:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0-too-long"
    result = run_khabar("run", env={"TELEGRAM_BOT_TOKEN": token}, cwd=tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "AAHfiqks" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "shown"),
    [
        pytest.param(
            "DATABASE_URL",
            "mysql://khabar:Sup3rSecretPw@db.example.com/khabar",
            "got 'mysql://khabar:***@db.example.com/khabar'",
            id="database-password",
        ),
        pytest.param(
            "DATABASE_URL",
            "postgresql://khabar:Sup3rSecretPw@db.example.com:port/khabar",
            "got 'postgresql://khabar:***@db.example.com:port/khabar'",
            id="unparsable-url-password",
        ),
        pytest.param(
            "WEBHOOK_SECRET", "Sup3rSecretPw with spaces", "WEBHOOK_SECRET must be", id="webhook"
        ),
    ],
)
def test_config_errors_never_echo_secrets(
    tmp_path: Path, variable: str, value: str, shown: str
) -> None:
    result = run_khabar("db", "upgrade", env={variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    assert shown in result.stderr
    assert "Sup3rSecretPw" not in result.stdout + result.stderr


def test_version(tmp_path: Path) -> None:
    result = run_khabar("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"khabar {version('khabar')}\n")


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """``khabar feeds list | head -1``: the reader leaves early; no traceback, no noise."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "feeds", "list"],
        cwd=tmp_path,
        env=clean_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before khabar writes its first line
    err = proc.stderr.read().decode()
    proc.wait(timeout=TIMEOUT)
    assert (proc.returncode, err) == (EXIT_BROKEN_PIPE, "")


PAGE = REPO / "tests" / "data" / "pages" / "en-article.html"
PAGE_TITLE = "Textile exporters win a reprieve on power tariffs"


def test_extract_prints_a_readable_article_by_default(tmp_path: Path) -> None:
    result = run_khabar("extract", str(PAGE), str(tmp_path / "missing.html"), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    title, facts, url, blank, first = result.stdout.splitlines()[:5]
    assert (title, url, blank) == (PAGE_TITLE, PAGE.as_uri(), "")
    assert facts == "2024-03-07 09:20 UTC · en · business · Samina Qureshi"
    assert first.startswith("Textile exporters will pay a lower electricity tariff")
    assert (
        result.stderr
        == f"khabar extract: {tmp_path / 'missing.html'}: cannot read: No such file or directory\n"
    )


def test_extract_json_prints_json_lines(tmp_path: Path) -> None:
    result = run_khabar(
        "extract", str(PAGE), str(tmp_path / "missing.html"), "--json", cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    found, missing = (json.loads(line) for line in result.stdout.splitlines())
    assert (found["title"], found["language"], found["topic"]) == (PAGE_TITLE, "en", "business")
    assert missing == {
        "source": str(tmp_path / "missing.html"),
        "error": "extract: cannot read: No such file or directory",
    }


async def test_summarize_says_when_the_language_asked_for_has_no_summary(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    store = await open_store(url)
    try:
        article_id = (await add_article(store, title="Textile exporters win a reprieve")).article_id
    finally:
        await store.close()

    result = await run_khabar_async(
        "summarize", str(article_id), "--lang", "ur", env={"DATABASE_URL": url}, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Body of article")  # the English summary
    assert result.stderr == (
        f"khabar summarize: article {article_id} has no Urdu summary "
        "(it is in English, and SUMMARY_BACKEND=extractive does not translate); "
        "showing the English one\n"
    )


def test_counts_have_the_right_plural(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}", "KHABAR_FEEDS": ""}
    opml = tmp_path / "one.opml"
    opml.write_text(
        '<opml version="1.0"><body><outline text="World" type="rss" '
        'xmlUrl="https://world.example.org/rss"/></body></opml>',
        encoding="utf-8",
    )
    page = REPO / "tests" / "data" / "pages" / "en-simple.txt"

    imported = run_khabar("import", str(page), env=env, cwd=tmp_path)
    again = run_khabar("import", str(page), env=env, cwd=tmp_path)
    added = run_khabar("feeds", "import", str(opml), env=env, cwd=tmp_path)

    assert imported.stdout == "imported 1 new article, 0 duplicates, 0 failed\n"
    assert again.stdout == "imported 0 new articles, 1 duplicate, 0 failed\n"
    assert added.stdout == "added 1 feed\n"
