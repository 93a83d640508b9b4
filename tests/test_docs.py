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


def test_architecture_map_names_modules_that_exist() -> None:
    text = (REPO / "docs" / "architecture.md").read_text()
    table = text.split("## Packages", 1)[1].split("## The path", 1)[0]
    missing = []
    for row in table.splitlines()[3:]:
        cells = row.split("|")
        if len(cells) < 3:
            continue
        packages = re.findall(r"`([a-z/_]+/)`", cells[1])
        for name in re.findall(r"`([a-z_]+)`", cells[2]):
            places = [REPO / p / f"{name}.py" for p in packages] + [
                REPO / p / name for p in packages
            ]
            if not any(place.exists() for place in places):
                missing.append(f"{packages}: {name}")
    assert missing == []


def test_architecture_map_lists_every_module_of_the_stage_packages() -> None:
    text = (REPO / "docs" / "architecture.md").read_text()
    missing = [
        f"{package}/{path.stem}"
        for package in ("news/ingest", "news/extract", "news/stories", "news/delivery", "bot/push")
        for path in (REPO / package).glob("*.py")
        if path.stem != "__init__" and f"`{path.stem}`" not in text
    ]
    assert missing == []
