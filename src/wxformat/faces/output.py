"""Writing an output file: whole or not at all. Shared by `convert` and folder conversions."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from wxformat.errors import OutputError


def write_atomically(path: Path, *pieces: str) -> None:
    """Write the pieces of text in turn to path through a temporary file, so a failure
    never leaves half a file."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"folder {folder} does not exist", "create it first or choose another -o path"
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write to {folder}: {exc.strerror}", "choose another -o path"
        ) from None
    try:
        # mkstemp makes the file private (0600); the output should be like any file the
        # user writes: the mode of the file it replaces, else what the umask allows
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for piece in pieces:
                handle.write(piece)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            f"cannot write {path}: {exc.strerror}", "choose another -o path"
        ) from None


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
