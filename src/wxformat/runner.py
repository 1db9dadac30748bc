"""From a file and the user's options to a Result: the one path every command takes, so
convert, preview, copy, check and publish show exactly the same HTML for the same options.

This is where the pipeline meets the disk: the options are resolved (wxformat.options), and
`convert` gets the article's local files and the disk cache handed in.
"""

from __future__ import annotations

import stat
from pathlib import Path

from wxformat.article import Article, read_article
from wxformat.cache import open_default
from wxformat.options import ConvertOptions, Options, resolve
from wxformat.pipeline import Result, convert

__all__ = ["ConvertOptions", "DiskFiles", "Options", "convert_article", "convert_file"]


class DiskFiles:
    """The article's local files (images), read from disk."""

    def size(self, path: Path) -> int | None:
        try:
            info = path.stat()
        except (OSError, ValueError):
            return None
        return info.st_size if stat.S_ISREG(info.st_mode) else None

    def read(self, path: Path) -> bytes:
        return path.read_bytes()


def convert_article(
    article: Article,
    options: Options | None = None,
    timings: dict[str, float] | None = None,
) -> Result:
    """Resolve the options for an article read already, then convert it with the disk's
    files and cache. Raises WxformatError for the user's problems."""
    resolved = resolve(article, options)
    return convert(article, resolved, timings, files=DiskFiles(), cache=open_default())


def convert_file(path: Path, options: Options | None = None) -> Result:
    """Read, configure and convert one article. Raises WxformatError for the user's problems."""
    options = options or Options()
    return convert_article(read_article(path, options.encoding), options)
