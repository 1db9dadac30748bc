"""What every fixer gets: the article's folder, the settings, and a place for warnings."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import PageElement

from wxformat.diagnostics import Diagnostic


@dataclass
class Context:
    base_dir: Path
    code_theme: str = "github"
    line_numbers: bool = False
    mac_window: bool = False
    image_embed_limit_kb: int = 1024
    references_title: str = "参考资料"
    warnings: list[Diagnostic] = field(default_factory=list)
    source: str = ""  # the Markdown body, to tell a problem's line
    first_line: int = 1  # the source line of the body's first line
    math_images: bool = False  # formulas as PNG images (publish, when SVG would pass 1 MB)

    def line_of(self, needle: str) -> int | None:
        """The source line where needle first appears, if the source is known."""
        needle = needle.strip()
        if not needle or not self.source:
            return None
        at = self.source.find(needle)
        if at < 0:
            return None
        return self.first_line + self.source.count("\n", 0, at)

    def warn(
        self, rule: str, message: str, line: int | None = None, hint: str | None = None
    ) -> None:
        self.warnings.append(Diagnostic(rule, message, line, hint))


def parse_fragment(html: str, reuse: bool = False) -> list[PageElement]:
    """Nodes for a snippet of our own HTML (a code block, a drawing), to insert in the tree.
    lxml parses it natively; bs4's html.parser would first build its whole entity table.
    With reuse, a snippet that recurs (a list number, a checkbox) is parsed once and copied."""
    if reuse:
        return [copy.copy(node) for node in _parsed(html)]
    body = BeautifulSoup(html, "lxml").body
    return [node.extract() for node in list(body.contents)] if body is not None else []


@lru_cache(maxsize=256)
def _parsed(html: str) -> tuple[PageElement, ...]:
    return tuple(parse_fragment(html))
