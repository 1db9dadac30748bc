"""wxformat.toml discovery, validation and precedence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wxformat.article import read_article
from wxformat.config import find_config, load_settings
from wxformat.errors import ConfigError
from wxformat.options import ConvertOptions, Options, resolve


def test_config_is_found_in_a_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "wxformat.toml").write_text(
        'theme = "default"\n[footer]\naccount = "号"\n', encoding="utf-8"
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / "wxformat.toml"
    settings = load_settings(None, nested)
    assert settings.footer.account == "号"
    assert settings.base_dir == tmp_path.resolve()


def test_every_problem_is_reported_together_with_key_and_file(tmp_path: Path) -> None:
    path = tmp_path / "wxformat.toml"
    path.write_text(
        'thme = "x"\nline_numbers = "yes"\n[footer]\nposition = "middle"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_settings(path, tmp_path)
    message = info.value.format_message()
    assert str(path) in message
    assert "unknown key 'thme' (did you mean 'theme'?)" in message
    assert "'line_numbers' must be true or false" in message
    assert "'footer.position' must be one of end, top, both" in message


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "wxformat.toml"
    path.write_text("theme = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wxformat\.toml"):
        load_settings(path, tmp_path)


def resolved(tmp_path: Path, front: str = "", toml: str = "", **flags: Any) -> ConvertOptions:
    """The options resolved for an article in tmp_path with this front matter and config."""
    if toml:
        (tmp_path / "wxformat.toml").write_text(toml, encoding="utf-8")
    article = tmp_path / "post.md"
    article.write_text(f"---\n{front}---\n# Post\n" if front else "# Post\n", encoding="utf-8")
    return resolve(read_article(article), Options(**flags))


def test_flags_beat_front_matter_beat_config_beat_theme(tmp_path: Path) -> None:
    toml = 'theme = "tech"\nline_numbers = true\n[style]\nprimary-color = "#111111"\n'
    from_config = resolved(tmp_path, toml=toml)
    assert from_config.theme.name == "tech" and from_config.line_numbers is True
    assert from_config.mac_window is from_config.theme.mac_window  # the theme's own choice
    assert from_config.variables["primary-color"] == "#111111"
    assert from_config.variables["font-size"] == from_config.theme.variables["font-size"]
    front = resolved(tmp_path, front="theme: ink\n")
    assert front.theme.name == "ink"
    flags = resolved(
        tmp_path,
        front="theme: ink\n",
        theme="ocean",
        line_numbers=False,
        variables={"font-size": "15px"},
    )
    assert flags.theme.name == "ocean" and flags.line_numbers is False
    assert flags.variables["font-size"] == "15px"
    assert flags.variables["primary-color"] == "#111111"


def test_front_matter_can_drop_or_replace_the_footer(tmp_path: Path) -> None:
    toml = '[footer]\naccount = "号"\n'
    assert resolved(tmp_path, toml=toml).footer is not None
    assert resolved(tmp_path, front="footer: false\n").footer is None
    replaced = resolved(tmp_path, front="footer: 谢谢阅读 {title}\n")
    assert replaced.footer is not None and replaced.footer.markdown == "谢谢阅读 Post"
    assert resolved(tmp_path, front="footer: false\n", footer=True).footer is not None
