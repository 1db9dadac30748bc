"""Settings: wxformat.toml discovery and validation, then front matter, then CLI flags.

Precedence, lowest first: built-in defaults < wxformat.toml < article front matter <
command-line flags (a flag counts only when the user gave it).
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wxformat.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_NAME = "wxformat.toml"
FOOTER_POSITIONS = ("end", "top", "both")


@dataclass(frozen=True)
class FooterLink:
    title: str
    url: str


@dataclass(frozen=True)
class Footer:
    """The account's promo block: who we are, a QR code, links to past posts."""

    enabled: bool = True
    position: str = "end"
    account: str = ""
    slogan: str = ""
    qrcode: str = ""
    template: str = (
        ""  # Markdown or HTML with {placeholders}; a file name is read relative to base_dir
    )
    links: tuple[FooterLink, ...] = ()

    @property
    def has_content(self) -> bool:
        return bool(self.account or self.slogan or self.qrcode or self.template or self.links)


@dataclass(frozen=True)
class Settings:
    theme: str = "default"
    code_theme: str = ""  # empty: the theme's own choice
    line_numbers: bool = False
    mac_window: bool | None = None  # None: the theme's own choice
    image_embed_limit_kb: int = 1024
    references_title: str = "参考资料"
    variables: Mapping[str, str] = field(default_factory=dict)
    footer: Footer = field(default_factory=Footer)
    base_dir: Path = field(default_factory=Path.cwd)
    source: Path | None = None  # the wxformat.toml these came from
    publish: Mapping[str, Any] = field(
        default_factory=dict
    )  # [publish]: api_base, credentials, ...

    def override(self, **changes: Any) -> Settings:
        """A copy with the given values; None means 'not given' and changes nothing."""
        given = {k: v for k, v in changes.items() if v is not None}
        variables = given.pop("variables", None)
        result = replace(self, **given)
        if variables:
            result = replace(result, variables={**self.variables, **variables})
        return result


_TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "theme": str,
    "code_theme": str,
    "line_numbers": bool,
    "mac_window": bool,
    "image_embed_limit_kb": int,
    "references_title": str,
    "style": dict,
    "footer": dict,
    "publish": dict,
}
_PUBLISH_KEYS: dict[str, type | tuple[type, ...]] = {
    "api_base": str,
    "credentials": str,
    "author": str,
    "open_comments": bool,
    "fans_only_comments": bool,
    "timeout": (int, float),  # seconds for a whole publish run
    "request_timeout": (int, float),  # seconds for one request to WeChat or an image host
}
_FOOTER_KEYS: dict[str, type | tuple[type, ...]] = {
    "enabled": bool,
    "position": str,
    "account": str,
    "slogan": str,
    "qrcode": str,
    "template": str,
    "links": list,
}


def find_config(start: Path) -> Path | None:
    """The nearest wxformat.toml in start or one of its parents."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def _check_keys(
    table: Mapping[str, Any], schema: Mapping[str, type | tuple[type, ...]], prefix: str
) -> list[str]:
    problems = []
    for key, value in table.items():
        if key not in schema:
            near = difflib.get_close_matches(key, list(schema), n=1)
            tip = f" (did you mean '{prefix}{near[0]}'?)" if near else ""
            problems.append(f"unknown key '{prefix}{key}'{tip}")
            continue
        expected = schema[key]
        if isinstance(value, bool) and expected is int:
            problems.append(f"'{prefix}{key}' must be a whole number")
        elif not isinstance(value, expected):
            kind = getattr(expected, "__name__", "value")
            kinds = {"str": "text", "bool": "true or false", "int": "a whole number"}
            problems.append(f"'{prefix}{key}' must be {kinds.get(kind, 'a ' + kind)}")
    return problems


def settings_from_mapping(data: Mapping[str, Any], base_dir: Path, source: Path | None) -> Settings:
    """Validate a parsed wxformat.toml; every problem is reported together."""
    name = str(source) if source else "config"
    problems = _check_keys(data, _TOP_KEYS, "")
    footer_data = data.get("footer", {})
    links: list[FooterLink] = []
    if isinstance(footer_data, dict):
        problems += _check_keys(footer_data, _FOOTER_KEYS, "footer.")
        position = footer_data.get("position", "end")
        if isinstance(position, str) and position not in FOOTER_POSITIONS:
            problems.append(f"'footer.position' must be one of {', '.join(FOOTER_POSITIONS)}")
        raw_links = footer_data.get("links", [])
        for i, link in enumerate(raw_links if isinstance(raw_links, list) else []):
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                links.append(FooterLink(str(link.get("title") or link["url"]), link["url"]))
            else:
                problems.append(f"'footer.links[{i}]' needs a url (and a title)")
    publish = data.get("publish", {})
    if isinstance(publish, dict):
        problems += _check_keys(publish, _PUBLISH_KEYS, "publish.")
        if "app_secret" in publish or "secret" in publish:
            problems.append("secrets do not belong in wxformat.toml: use WECHAT_APP_SECRET")
    style = data.get("style", {})
    if isinstance(style, dict):
        for key, value in style.items():
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                problems.append(f"'style.{key}' must be text or a number")
    limit = data.get("image_embed_limit_kb", 1024)
    if isinstance(limit, int) and not isinstance(limit, bool) and limit < 0:
        problems.append("'image_embed_limit_kb' must be 0 or more")
    if problems:
        raise ConfigError(
            f"invalid config {name}: " + "; ".join(problems),
            "see the example wxformat.toml in the README",
        )
    footer = Footer(**{k: v for k, v in footer_data.items() if k != "links"}, links=tuple(links))
    top = {k: v for k, v in data.items() if k not in ("style", "footer", "publish")}
    variables = {k.replace("_", "-"): str(v) for k, v in style.items()}
    return Settings(
        **top,
        variables=variables,
        footer=footer,
        base_dir=base_dir,
        source=source,
        publish=dict(publish),
    )


def load_settings(config: Path | None, article_dir: Path) -> Settings:
    """Settings from --config, else the nearest wxformat.toml, else the defaults."""
    path = config if config is not None else find_config(article_dir)
    if path is None:
        return Settings(base_dir=article_dir)
    if not os.path.isfile(path):  # not Path.is_file: a name over 255 bytes raises there
        raise ConfigError(f"config file {path} does not exist", "check the --config path")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid config {path}: {exc}", "fix the TOML syntax") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}", "save it as UTF-8") from None
    except (RecursionError, ValueError):  # nested hundreds deep; an integer of 4,300+ digits
        raise ConfigError(
            f"invalid config {path}: a value is nested too deeply or a number is too long",
            'wxformat.toml holds plain keys and values, e.g. theme = "default"',
        ) from None
    return settings_from_mapping(data, path.parent.resolve(), path.resolve())


def apply_front_matter(settings: Settings, meta: Mapping[str, Any]) -> Settings:
    """Per-article choices from front matter: theme, footer (false or a replacement)."""
    result = settings
    theme = meta.get("theme")
    if isinstance(theme, str) and theme.strip():
        result = replace(result, theme=theme.strip())
    if "footer" in meta:
        value = meta["footer"]
        if value is False or value is None:
            result = replace(result, footer=replace(result.footer, enabled=False))
        elif value is True:
            result = replace(result, footer=replace(result.footer, enabled=True))
        elif isinstance(value, str):
            result = replace(result, footer=replace(result.footer, enabled=True, template=value))
    return result
