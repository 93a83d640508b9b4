"""Documentation stays complete: every setting in config.example.env, every command in the README."""

from __future__ import annotations

import re
from pathlib import Path

from bot.cli.main import build_parser
from bot.config import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_config_example() -> None:
    example = (REPO / "config.example.env").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert sorted(name.upper() for name in Settings.model_fields) == sorted(documented)


def test_config_example_loads_as_it_is(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text((REPO / "config.example.env").read_text())
    settings = load_settings(_env_file=tmp_path / ".env")
    assert settings.token is None and settings.default_language == "en"


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(getattr(a, "choices", None), dict))
    assert commands.choices is not None
    missing = [name for name in commands.choices if f"khabar {name}" not in readme]
    assert missing == []
