"""Settings: wxformat.toml found, read and checked, every problem reported at once.

This is one layer of the options; wxformat.options puts them together, lowest first:
theme defaults < wxformat.toml < article front matter < command-line flags.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wxformat.errors import ConfigError, ThemeError
from wxformat.themes import CODE_THEMES, find_theme

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
    autospace: bool = False  # a space between Chinese and Latin text (pangu)
    variables: Mapping[str, str] = field(default_factory=dict)
    footer: Footer = field(default_factory=Footer)
    base_dir: Path = field(default_factory=Path.cwd)
    source: Path | None = None  # the wxformat.toml these came from
    publish: Mapping[str, Any] = field(
        default_factory=dict
    )  # [publish]: api_base, credentials, ...


_TOP_KEYS: dict[str, type | tuple[type, ...]] = {
    "theme": str,
    "code_theme": str,
    "line_numbers": bool,
    "mac_window": bool,
    "image_embed_limit_kb": int,
    "references_title": str,
    "autospace": bool,
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
    "allow_private_images": bool,  # fetch image URLs on loopback, link-local, private hosts
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
                continue
            problem = style_problem(key.replace("_", "-"), str(value))
            if problem:
                problems.append(f"'style.{key}' = {value!r} is {problem[0]} ({problem[1]})")
    theme = data.get("theme")
    if isinstance(theme, str):
        try:
            find_theme(theme, (base_dir,))
        except ThemeError as exc:
            problems.append(f"'theme': {exc.message}")
    code_theme = data.get("code_theme")
    if isinstance(code_theme, str) and code_theme:
        unknown = code_theme_problem(code_theme)
        if unknown:
            problems.append(f"'code_theme': {unknown}")
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


def code_theme_problem(name: str) -> str | None:
    """Why name is not a code theme (with the nearest one), or None when it is one."""
    if name in CODE_THEMES:
        return None
    near = difflib.get_close_matches(name, list(CODE_THEMES), n=1)
    tip = f" (did you mean '{near[0]}'?)" if near else ""
    return f"unknown code theme '{name}'{tip}"


# Theme variables the user may set ([style], --color, --font-size, --line-height), checked
# before they reach the CSS: a value WeChat's editor cannot read would silently do nothing.
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_LENGTH = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(px|em|rem|pt|%)", re.I)
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_UNSAFE = re.compile(r"[;{}<>\\\n]")
COLOR_ADVICE = "use a colour name like teal, #0f7b6c, or rgb(15, 123, 108)"
SIZE_ADVICE = "use px, em or rem, like 15px or 1.1em"


def is_color(value: str) -> bool:
    """A CSS colour: a name, #hex, rgb()/rgba() or hsl()/hsla()."""
    if _HEX.fullmatch(value):
        return True  # the usual case, without loading the CSS parser
    import tinycss2.color3

    return bool(value) and tinycss2.color3.parse_color(value) is not None


def style_problem(name: str, value: str) -> tuple[str, str] | None:
    """What is wrong with a theme variable's value and what to write instead, or None when
    CSS can use it."""
    value = value.strip()
    if name.endswith("color"):
        return None if is_color(value) else ("not a CSS colour", COLOR_ADVICE)
    if name == "line-height":
        number = _NUMBER.fullmatch(value)
        if (number and float(value) > 0) or (_LENGTH.fullmatch(value) and float(_num(value)) > 0):
            return None
        return "not a line height", "use a number above 0 like 1.8, or a size like 28px"
    if name.endswith(("size", "spacing", "indent", "width", "margin", "padding")):
        if value == "0" or _LENGTH.fullmatch(value):
            if name.endswith("size") and float(_num(value)) <= 0:
                return "not a font size", "a font size is above 0, like 15px"
            return None
        return "not a CSS size", SIZE_ADVICE
    if not value or _UNSAFE.search(value):
        return "not a CSS value", "write it without ; { } < > or backslashes"
    return None


def _num(value: str) -> str:
    return re.sub(r"[a-z%]+$", "", value, flags=re.I)
