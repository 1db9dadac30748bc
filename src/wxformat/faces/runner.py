"""From a file and the user's options to a Result: the one path every command takes, so
convert, preview, copy, check and publish show exactly the same HTML for the same options.

This is where the pipeline meets the disk: the options are resolved (wxformat.options), and
`convert` gets the article's local files, the disk cache and the Mermaid renderer handed in.
With `--upload`, the images of the result then go to WeChat (publish.hosting).
"""

from __future__ import annotations

import stat
from pathlib import Path

from wxformat.article import Article, read_article
from wxformat.cache import open_default
from wxformat.options import ConvertOptions, Options, resolve
from wxformat.pipeline import Result, convert

__all__ = [
    "ConvertOptions",
    "DiskFiles",
    "MermaidDiagrams",
    "Options",
    "convert_article",
    "convert_file",
]


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


class MermaidDiagrams:
    """Mermaid diagrams drawn in headless Chromium, once `wxformat setup mermaid` has run."""

    def draw(self, sources: list[str]) -> list[Path | str] | None:
        from wxformat import mermaid

        found = mermaid.installation()
        return None if found is None else mermaid.draw(found, sources)


def convert_article(
    article: Article,
    options: Options | None = None,
    timings: dict[str, float] | None = None,
) -> Result:
    """Resolve the options for an article read already, then convert it with the disk's
    files and cache. Raises WxformatError for the user's problems."""
    options = options or Options()
    resolved = resolve(article, options)
    result = convert(
        article,
        resolved,
        timings,
        files=DiskFiles(),
        cache=open_default(),
        diagrams=MermaidDiagrams(),
    )
    if options.upload:
        from wxformat.faces.publish.hosting import upload_images

        result = upload_images(result, article, resolved.publish)
    return result


def convert_file(path: Path, options: Options | None = None) -> Result:
    """Read, configure and convert one article. Raises WxformatError for the user's problems."""
    options = options or Options()
    return convert_article(read_article(path, options.encoding), options)
