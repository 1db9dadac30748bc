"""Themes: a folder with theme.toml (name, descriptions, defaults, variables) and style.css,
found by name among the built-in themes or given as a path, optionally `extends`-ing another.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from wxformat.errors import ThemeError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Code themes offered to users: our names -> Pygments styles
CODE_THEMES = {
    "github": "default",
    "github-dark": "github-dark",
    "monokai": "monokai",
    "one-dark": "one-dark",
    "dracula": "dracula",
    "solarized-light": "solarized-light",
    "solarized-dark": "solarized-dark",
    "xcode": "xcode",
    "vs": "vs",
    "nord": "nord",
    "gruvbox-light": "gruvbox-light",
    "material": "material",
}

META_FILE = "theme.toml"
CSS_FILE = "style.css"


@dataclass(frozen=True)
class Theme:
    name: str
    title: str
    title_zh: str
    description: str
    description_zh: str
    css: str
    variables: dict[str, str] = field(default_factory=dict)
    code_theme: str = "github"
    mac_window: bool = False
    path: Path | None = None
    files: tuple[Path, ...] = ()  # theme.toml and style.css of it and the themes it extends


def builtin_dir() -> Path:
    """Where the bundled themes live: inside the package when installed from a wheel,
    else the checkout's top-level themes/ folder."""
    packaged = Path(__file__).parent / "themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def builtin_names() -> list[str]:
    root = builtin_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / META_FILE).is_file())


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThemeError(
            f"{folder} has no {META_FILE}", "a theme folder needs theme.toml and style.css"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ThemeError(
            f"{folder / META_FILE} is not valid TOML: {exc}", "fix its syntax"
        ) from None


@lru_cache(maxsize=1)
def builtin_titles() -> dict[str, str]:
    """The other names `wxformat themes` shows for each built-in theme (its English and
    Chinese titles, e.g. 雅致), lower-cased, mapped to the theme's folder name."""
    titles: dict[str, str] = {}
    for name in builtin_names():
        try:
            meta = _read_meta(builtin_dir() / name)
        except ThemeError:
            continue
        for key in ("title", "title_zh"):
            value = meta.get(key)
            if isinstance(value, str) and value.strip():
                titles.setdefault(value.strip().lower(), name)
    return titles


def find_theme(name_or_path: str, search: tuple[Path, ...] = ()) -> Path:
    """The folder of a theme given by name (or Chinese title), or as a folder path, looked
    for in a folder of search, then among the built-in themes. ThemeError, with the nearest
    names, when there is none."""
    candidate = Path(name_or_path).expanduser()
    # os.path.isfile: a name over 255 bytes is an unknown theme, not an OSError
    if os.path.isfile(candidate / META_FILE):
        return candidate.resolve()
    for root in (*search, builtin_dir()):
        folder = root / name_or_path
        if os.path.isfile(folder / META_FILE):
            return folder.resolve()
    titles = builtin_titles()
    title = name_or_path.strip().lower()
    if title in titles:
        return (builtin_dir() / titles[title]).resolve()
    chinese = {name: title for title, name in titles.items() if not title.isascii()}
    available = (
        ", ".join(
            f"{name} {chinese[name]}" if name in chinese else name for name in builtin_names()
        )
        or "none installed"
    )
    near = difflib.get_close_matches(title, [*builtin_names(), *titles], n=1, cutoff=0.5)
    guess = titles.get(near[0], near[0]) if near else ""
    shown = name_or_path if len(name_or_path) <= 80 else name_or_path[:60] + "..."
    raise ThemeError(
        f"unknown theme {shown!r}" + (f" (did you mean '{guess}'?)" if guess else ""),
        f"available themes: {available}; or give a folder with theme.toml and style.css",
    )


@lru_cache(maxsize=64)
def load_theme(name_or_path: str, search: tuple[Path, ...] = ()) -> Theme:
    """A theme by name or folder, with its `extends` chain merged (parent first)."""
    return _load(name_or_path, search, ())


def _load(name_or_path: str, search: tuple[Path, ...], seen: tuple[Path, ...]) -> Theme:
    folder = find_theme(name_or_path, search)
    if folder in seen:
        raise ThemeError(
            f"theme {folder.name} extends itself in a loop", "fix 'extends' in theme.toml"
        )
    meta = _read_meta(folder)
    css_path = folder / CSS_FILE
    css = css_path.read_text(encoding="utf-8") if css_path.is_file() else ""
    variables = {str(k): str(v) for k, v in dict(meta.get("variables", {})).items()}
    parent_name = meta.get("extends")
    base: Theme | None = None
    if isinstance(parent_name, str) and parent_name:
        base = _load(parent_name, (folder.parent, *search), (*seen, folder))
        css = base.css + "\n" + css
        variables = {**base.variables, **variables}
    name = str(meta.get("name") or folder.name)
    files = tuple(p for p in (folder / META_FILE, css_path) if p.is_file())
    return Theme(
        name=name,
        title=str(meta.get("title") or (base.title if base else name)),
        title_zh=str(meta.get("title_zh") or meta.get("title") or name),
        description=str(meta.get("description") or ""),
        description_zh=str(meta.get("description_zh") or ""),
        css=css,
        variables=variables,
        code_theme=str(meta.get("code_theme") or (base.code_theme if base else "github")),
        mac_window=bool(meta.get("mac_window", base.mac_window if base else False)),
        path=folder,
        files=(*(base.files if base else ()), *files),
    )
