"""wxformat.toml discovery, validation and precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxformat.config import Settings, apply_front_matter, find_config, load_settings
from wxformat.errors import ConfigError


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


def test_flags_override_only_when_given() -> None:
    base = Settings(theme="a", line_numbers=True, variables={"primary-color": "#111"})
    changed = base.override(theme=None, line_numbers=None, variables={"font-size": "15px"})
    assert changed.theme == "a" and changed.line_numbers is True
    assert changed.variables == {"primary-color": "#111", "font-size": "15px"}


def test_front_matter_can_drop_or_replace_the_footer() -> None:
    base = Settings()
    assert apply_front_matter(base, {"footer": False}).footer.enabled is False
    replaced = apply_front_matter(base, {"footer": "谢谢阅读 {title}", "theme": "x"})
    assert replaced.footer.template == "谢谢阅读 {title}"
    assert replaced.theme == "x"
