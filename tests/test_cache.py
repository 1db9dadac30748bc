"""The disk cache written many values at a time: bounded, read back by another process,
and never an error (a cache only ever saves time)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from wxformat.cache import DiskCache, MemoryCache


def test_many_values_written_at_once_stay_within_the_size(tmp_path: Path) -> None:
    store = DiskCache(tmp_path, max_bytes=10_000)
    store.put_many((f"key{n}", f"{n:04d}" * 50) for n in range(100))  # 20,000 bytes in all
    assert store.size() <= 10_000
    again = DiskCache(tmp_path, max_bytes=10_000)  # what another process sees
    held = again.get_many(f"key{n}" for n in range(100))
    assert held["key99"] == "0099" * 50  # the newest stay
    assert "key0" not in held  # the oldest went first
    assert all(value == f"{key[3:]:0>4}" * 50 for key, value in held.items())


def test_many_values_are_read_in_one_go_past_the_query_limit(tmp_path: Path) -> None:
    DiskCache(tmp_path).put_many((f"k{n}", str(n)) for n in range(1500))
    again = DiskCache(tmp_path)
    held = again.get_many([*(f"k{n}" for n in range(1500)), "absent", "k7"])
    assert held == {f"k{n}": str(n) for n in range(1500)}
    assert again.get("k1499") == "1499"


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    store = DiskCache(blocked)  # its folder cannot be made
    store.put_many([("a", "1"), ("b", "2")])
    assert store.get_many(["a", "b", "c"]) == {"a": "1", "b": "2"}  # this process's memory
    assert DiskCache(blocked).get_many(["a", "b"]) == {}


def test_a_cache_locked_by_another_process_is_no_error(tmp_path: Path) -> None:
    store = DiskCache(tmp_path)
    store.put("old", "kept")
    other = sqlite3.connect(tmp_path / "cache.sqlite3")
    other.execute("BEGIN EXCLUSIVE")  # another wxformat writing, for longer than we wait
    store.put_many([("new", "1"), ("newer", "2")])  # waits its 2 s, then gives up
    other.rollback()
    other.close()
    store.put_many([("later", "3")])  # the connection is still good
    assert DiskCache(tmp_path).get_many(["old", "new", "newer", "later"]) == {
        "old": "kept",
        "later": "3",
    }


def test_the_memory_cache_takes_many_values_too() -> None:
    store = MemoryCache(max_entries=3)
    store.put_many((str(n), "x") for n in range(5))
    assert store.get_many(str(n) for n in range(5)) == {"2": "x", "3": "x", "4": "x"}
