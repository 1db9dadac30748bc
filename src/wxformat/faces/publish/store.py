"""Uploads remembered by content hash, so publishing again does not upload an image twice.
A JSON file per account under the user cache folder."""

from __future__ import annotations

import json
import os
from pathlib import Path


class UploadStore:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, dict[str, str]] = {}
        if path and path.exists():
            try:
                self.entries = dict(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                self.entries = {}

    def get(self, kind: str, digest: str) -> dict[str, str] | None:
        return self.entries.get(f"{kind}:{digest}")

    def put(self, kind: str, digest: str, value: dict[str, str]) -> None:
        self.entries[f"{kind}:{digest}"] = value
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")  # parallel converts each write
            tmp.write_text(json.dumps(self.entries, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass
