"""A small persistent cache (SQLite in the user's cache folder) for work that is slow and
pure: a formula's SVG depends only on its TeX and the renderer's version. Preview
re-renders, batch runs and repeated converts reuse it. Any failure to open or write the
cache is ignored: it only ever saves time. WXFORMAT_CACHE_DIR moves it; `off` disables it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

_lock = threading.Lock()
_connection: sqlite3.Connection | None = None
_opened = False


def cache_dir() -> Path | None:
    setting = os.environ.get("WXFORMAT_CACHE_DIR")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.path.join(os.environ["LOCALAPPDATA"])
        if os.name == "nt" and "LOCALAPPDATA" in os.environ
        else os.path.join(os.path.expanduser("~"), ".cache")
    )
    return Path(base) / "wxformat"


def _db() -> sqlite3.Connection | None:
    global _connection, _opened
    if _opened:
        return _connection
    _opened = True
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(folder / "cache.sqlite3", timeout=2, check_same_thread=False)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        conn.commit()
        _connection = conn
    except (OSError, sqlite3.Error):
        _connection = None
    return _connection


def package_version(package: str) -> str:
    """An installed package's version from its dist-info folder name, without importing it
    or importlib.metadata (which costs more than the lookups it would save)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec and spec.origin:
        site = Path(spec.origin).parent.parent
        for info in site.glob(f"{package}-*.dist-info"):
            return info.name[len(package) + 1 : -len(".dist-info")]
    return "unknown"


def key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def get(cache_key: str) -> str | None:
    with _lock:
        db = _db()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM entries WHERE key = ?", (cache_key,)).fetchone()
        except sqlite3.Error:
            return None
    return str(row[0]) if row else None


def put(cache_key: str, value: str) -> None:
    with _lock:
        db = _db()
        if db is None:
            return
        try:
            db.execute(
                "INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", (cache_key, value)
            )
            db.commit()
        except sqlite3.Error:
            pass
