"""Caches for work that is slow and pure: a formula's SVG depends only on its TeX and the
renderer's version, a code block's colours on its code, language and theme.

The pipeline never opens a cache itself: the caller hands one in (`convert(..., cache=)`).
The command line hands in the disk cache (`open_default`), an SQLite file in the
platform's cache folder, bounded in size (the oldest entries go first). Any failure to
open or write it is ignored: a cache only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_KEYS_PER_QUERY = 500  # under SQLite's oldest limit of 999 parameters a statement
FILE_NAME = "cache.sqlite3"


class Cache(Protocol):
    """What the stages need from a cache: text values by key. (Hashable, so a function
    that memoizes by its arguments can take one.)"""

    def __hash__(self) -> int: ...

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str) -> None: ...

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The values held for these keys (a key without one is left out)."""
        ...

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store many values at once: a conversion's thousand formulas are one write to
        the disk, not a thousand."""
        ...


class MemoryCache:
    """A bounded least-recently-used cache in this process only."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: str) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        found = {}
        for key in keys:
            value = self.get(key)
            if value is not None:
                found[key] = value
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        for key, value in items:
            self.put(key, value)


class DiskCache:
    """An SQLite file shared by every wxformat process, at most about max_bytes of values:
    when a write takes it over, the oldest-written entries are deleted down to 3/4 of it.
    Hits are also kept in memory for this process."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = folder / FILE_NAME
        self.max_bytes = max_bytes
        self.memory = MemoryCache()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._opened = False
        self._total: int | None = None  # bytes of values on disk, counted at the first write

    def _connect(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._db
        self._opened = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=2, check_same_thread=False)
            db.execute(
                "CREATE TABLE IF NOT EXISTS items (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                " size INTEGER NOT NULL, written REAL NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS items_written ON items (written)")
            db.execute("DROP TABLE IF EXISTS entries")  # the unbounded table of 0.1.0
            db.commit()
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None
        return self._db

    def get(self, key: str) -> str | None:
        value = self.memory.get(key)
        if value is not None:
            return value
        with self._lock:
            db = self._connect()
            if db is None:
                return None
            try:
                row = db.execute("SELECT value FROM items WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                return None
        if row is None:
            return None
        value = str(row[0])
        self.memory.put(key, value)
        return value

    def put(self, key: str, value: str) -> None:
        self.put_many([(key, value)])

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        missing: list[str] = []
        for key in dict.fromkeys(keys):
            value = self.memory.get(key)
            if value is not None:
                found[key] = value
            else:
                missing.append(key)
        if not missing:
            return found
        rows: list[tuple[str, str]] = []
        with self._lock:
            db = self._connect()
            if db is None:
                return found
            try:
                for start in range(0, len(missing), _KEYS_PER_QUERY):
                    chunk = missing[start : start + _KEYS_PER_QUERY]
                    marks = ",".join("?" * len(chunk))
                    rows += db.execute(
                        f"SELECT key, value FROM items WHERE key IN ({marks})", chunk
                    ).fetchall()
            except sqlite3.Error:
                pass  # what was read before the failure is still good
        for key, value in rows:
            found[str(key)] = str(value)
            self.memory.put(str(key), str(value))
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """All in one transaction: SQLite syncs the disk at each commit, which made a
        thousand formulas written one by one take most of a second."""
        now = time.time()
        rows = []
        for key, value in items:
            self.memory.put(key, value)
            rows.append((key, value, len(value.encode("utf-8")), now))
        if not rows:
            return
        with self._lock:
            db = self._connect()
            if db is None:
                return
            try:
                if self._total is None:
                    self._total = self._stored(db)
                db.executemany(
                    "INSERT OR REPLACE INTO items (key, value, size, written) VALUES (?, ?, ?, ?)",
                    rows,
                )
                self._total += sum(size for _, _, size, _ in rows)
                if self._total > self.max_bytes:
                    self._evict(db)
                db.commit()
            except sqlite3.Error:
                self._total = None  # counted again at the next write
                with contextlib.suppress(sqlite3.Error):
                    db.rollback()

    def _evict(self, db: sqlite3.Connection) -> None:
        """Delete the oldest entries until the values take at most 3/4 of max_bytes."""
        total = self._stored(db)
        goal = self.max_bytes * 3 // 4
        doomed: list[tuple[str]] = []
        for key, size in db.execute("SELECT key, size FROM items ORDER BY written, rowid"):
            if total <= goal:
                break
            doomed.append((key,))
            total -= int(size)
        db.executemany("DELETE FROM items WHERE key = ?", doomed)
        self._total = total

    def size(self) -> int:
        """Bytes of values on disk now (for tests and the curious)."""
        with self._lock:
            db = self._connect()
            if db is None:
                return 0
            return self._stored(db)

    @staticmethod
    def _stored(db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT COALESCE(SUM(size), 0) FROM items").fetchone()[0])


_MEMORY = MemoryCache()
_DEFAULT: Cache | None = None


def memory() -> Cache:
    """This process's memory cache: what `convert` uses when given no cache."""
    return _MEMORY


def open_default() -> Cache:
    """The disk cache in the platform's cache folder (see wxformat.paths), opened once per
    process; the memory cache when WXFORMAT_CACHE_DIR is `off`."""
    global _DEFAULT
    if _DEFAULT is None:
        from wxformat.paths import cache_dir

        folder = cache_dir()
        _DEFAULT = DiskCache(folder) if folder is not None else _MEMORY
    return _DEFAULT


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
