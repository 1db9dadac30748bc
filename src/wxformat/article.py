"""Read stage: a Markdown file becomes an Article (front matter, body, title, base folder).

Handles UTF-8 with or without BOM, CRLF/LF, and front matter in the flavours writers
use: YAML `---` (Jekyll, Hexo, VuePress, Hugo), TOML `+++` (Hugo), JSON (Hugo, `;;;` Hexo),
and Hexo's form with only a closing `---`.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wxformat.diagnostics import Diagnostic
from wxformat.errors import ConfigError, InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt")
# WeChat takes at most 1 MB of article HTML (W22); Markdown twice that is no single article
MAX_ARTICLE_BYTES = 2 * 1024 * 1024

_YAML_BLOCK = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TOML_BLOCK = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(?:\n|\Z)", re.S)
_HEXO_JSON = re.compile(r"\A(.*?\n);;;[ \t]*(?:\n|\Z)", re.S)
# Hexo accepts front matter with only the closing fence: `title: x` lines, then `---`.
_HEXO_BARE = re.compile(
    r"\A((?:[A-Za-z_][\w-]*:(?:[ \t].*)?\n(?:[ \t]+.*\n|-[ \t].*\n)*){1,40})---[ \t]*(?:\n|\Z)"
)
_FIRST_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.M)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Article:
    """An article as read from disk: metadata, Markdown body and where relative paths start."""

    body: str
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    body_line: int = 1  # source line number of the body's first line
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def title(self) -> str:
        value = self.meta.get("title")
        if isinstance(value, (str, int, float)) and str(value).strip():
            return str(value).strip()
        heading = _first_heading(self.body)
        if heading:
            return heading
        return self.path.stem if self.path else "Untitled"


def _first_heading(body: str) -> str | None:
    in_fence = ""
    for line in body.splitlines():
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if not in_fence:
                in_fence = marker[0] * 3
            elif marker.startswith(in_fence):
                in_fence = ""
            continue
        if not in_fence:
            m = _FIRST_H1.match(line)
            if m:
                return re.sub(r"[*_`~]|!?\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1)).strip() or None
    return None


def decode(data: bytes, encoding: str | None, name: str) -> str:
    """Bytes to text: UTF-8 (BOM stripped) unless told otherwise; a clear error when it fails."""
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{name} looks like a binary file, not Markdown", "give a .md text file")
    if encoding is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", "try --encoding gbk or utf-8") from None
    except UnicodeDecodeError as exc:
        shown = "utf-8" if encoding == "utf-8-sig" else encoding
        raise InputError(
            f"cannot decode {name} as {shown} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            "Chinese files saved by older editors are often GBK: try --encoding gbk",
        ) from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _yaml(raw: str) -> Any:
    """Parsed YAML, or None when it is not YAML (imported only for articles that have it)."""
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return None


def split_front_matter(
    text: str, name: str = "the article"
) -> tuple[dict[str, Any], str, int, list[Diagnostic]]:
    """Return (meta, body, body_line, warnings). Text that only looks like front matter stays.

    Front matter no parser can hold (nested hundreds deep, a number thousands of digits
    long) is a ConfigError naming the article, not a traceback."""
    try:
        return _split_front_matter(text)
    except RecursionError:
        problem = "is nested too deeply to read"
        hint = "front matter holds plain keys and values, e.g. title: My post"
    except ValueError as exc:  # int("1" * 5000): Python caps integers read from text
        if "integer string conversion" not in str(exc):
            raise
        problem = "holds a number too long to read (over 4,300 digits)"
        hint = "quote it to keep it as text, e.g. id: '12345...'"
    raise ConfigError(f"the front matter of {name} {problem}", hint)


def _split_front_matter(text: str) -> tuple[dict[str, Any], str, int, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    for kind, pattern in (("yaml", _YAML_BLOCK), ("toml", _TOML_BLOCK)):
        m = pattern.match(text)
        if not m:
            continue
        raw = m.group(1) or ""
        if kind == "toml":
            try:
                meta: Any = tomllib.loads(raw)
            except tomllib.TOMLDecodeError as exc:
                warnings.append(
                    Diagnostic(
                        "FM",
                        f"the +++ block at the top is not valid TOML ({exc}); kept as article text",
                        1,
                        'fix the TOML, e.g. title = "My post"',
                    )
                )
                return {}, text, 1, warnings
        else:
            meta = _yaml(raw) if raw.strip() else {}
        if isinstance(meta, dict):
            return meta, text[m.end() :], text.count("\n", 0, m.end()) + 1, warnings
        if kind == "yaml" and raw.strip():
            warnings.append(
                Diagnostic(
                    "FM",
                    "the block between the '---' lines at the top is not a key: value mapping; "
                    "it is kept as article text",
                    1,
                    "front matter looks like 'title: My post'",
                )
            )
            return {}, text, 1, warnings
        return {}, text[m.end() :], text.count("\n", 0, m.end()) + 1, warnings
    if text.startswith("{"):
        try:
            meta, end = json.JSONDecoder().raw_decode(text)
        except ValueError:
            meta, end = None, 0
        if isinstance(meta, dict) and text[end : end + 1] in ("\n", ""):
            return meta, text[end:].lstrip("\n"), text.count("\n", 0, end) + 2, warnings
    for pattern in (_HEXO_JSON, _HEXO_BARE):
        m = pattern.match(text)
        if not m:
            continue
        raw = m.group(1)
        try:
            meta = (
                json.loads("{" + raw.strip().strip("{}") + "}") if pattern is _HEXO_JSON else None
            )
        except ValueError:
            meta = None
        if meta is None and pattern is _HEXO_BARE:
            meta = _yaml(raw)
        if isinstance(meta, dict) and meta:
            return meta, text[m.end() :], text.count("\n", 0, m.end()) + 1, warnings
    return {}, text, 1, warnings


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_article(text: str, path: Path | None = None) -> Article:
    """Text to Article, without touching the file system."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # control characters mean nothing in Markdown, and HTML cannot carry most of them
    text = _CONTROL.sub("", text)
    meta, body, body_line, warnings = split_front_matter(text, str(path) if path else "the article")
    return Article(body=body, meta=meta, path=path, body_line=body_line, warnings=tuple(warnings))


def missing_hint(path: Path, suffixes: tuple[str, ...] = (".md", ".markdown")) -> str:
    """For a file that is not there: the articles that are, in the folder it names (or
    the nearest folder that exists), so a mistyped or example name is easy to correct."""
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        names = sorted(
            p.name for p in folder.iterdir() if p.suffix.lower() in suffixes and p.is_file()
        )
    except OSError:
        names = []
    where = str(folder) if str(folder).endswith(os.sep) else f"{folder}{os.sep}"
    where = "this folder" if str(folder) in ("", ".") else where
    if not names:
        return f"check the path: {where} has no {suffixes[0]} files"
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"check the path; in {where}: {shown}"


def read_article(path: Path, encoding: str | None = None) -> Article:
    """Read an article from disk. Never writes anything."""
    name = str(path)
    try:
        if not path.exists():
            raise InputError(f"{name} does not exist", missing_hint(path))
        if path.is_dir():
            raise InputError(f"{name} is a folder, not a Markdown file", "name one .md file")
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise InputError(
                f"{name} is {size / 1024 / 1024:.1f} MB: too large for one WeChat article "
                "(the editor takes at most 1 MB, rule W22)",
                "split it into several articles",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {name}: {exc.strerror}", "check the file's permissions"
        ) from None
    return parse_article(decode(data, encoding, name), path.resolve())
