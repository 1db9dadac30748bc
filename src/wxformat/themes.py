"""Themes: a folder with theme.toml (name, descriptions, defaults, variables) and style.css,
found by name among the built-in themes or given as a path, optionally `extends`-ing another.
"""

from __future__ import annotations

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


def _find(name_or_path: str, search: tuple[Path, ...]) -> Path:
    candidate = Path(name_or_path).expanduser()
    # os.path.isfile: a name over 255 bytes is an unknown theme, not an OSError
    if os.path.isfile(candidate / META_FILE):
        return candidate.resolve()
    for root in (*search, builtin_dir()):
        folder = root / name_or_path
        if os.path.isfile(folder / META_FILE):
            return folder.resolve()
    available = ", ".join(builtin_names()) or "none installed"
    shown = name_or_path if len(name_or_path) <= 80 else name_or_path[:60] + "..."
    raise ThemeError(
        f"unknown theme {shown!r}",
        f"available themes: {available}; or give a folder with theme.toml and style.css",
    )


@lru_cache(maxsize=64)
def load_theme(name_or_path: str, search: tuple[Path, ...] = ()) -> Theme:
    """A theme by name or folder, with its `extends` chain merged (parent first)."""
    return _load(name_or_path, search, ())


def _load(name_or_path: str, search: tuple[Path, ...], seen: tuple[Path, ...]) -> Theme:
    folder = _find(name_or_path, search)
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
    )
