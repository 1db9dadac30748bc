"""What every fixer gets: the article's folder, the settings, the files and cache it may use,
and a place for warnings. The fixers read no file themselves: `files` does it for them."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from bs4.element import PageElement, Tag

from wxformat.cache import Cache, memory
from wxformat.diagnostics import Diagnostic
from wxformat.tree import parse_nodes


class Files(Protocol):
    """How the pipeline reads the local files an article points at (its images)."""

    def size(self, path: Path) -> int | None:
        """The file's size in bytes, or None when there is no such file."""
        ...

    def read(self, path: Path) -> bytes: ...


class NoFiles:
    """Files for a conversion that may read nothing: every local file is missing."""

    def size(self, path: Path) -> int | None:
        return None

    def read(self, path: Path) -> bytes:
        raise FileNotFoundError(path)


class Diagrams(Protocol):
    """How the pipeline has diagrams drawn (Mermaid, in a browser: see runner.py)."""

    def draw(self, sources: list[str]) -> list[Path | str] | None:
        """Each diagram's picture (a PNG file) or why it could not be drawn; None when no
        renderer is set up."""
        ...


class NoDiagrams:
    """Diagrams for a conversion that may draw nothing: no renderer is set up."""

    def draw(self, sources: list[str]) -> list[Path | str] | None:
        return None


@dataclass
class Context:
    base_dir: Path
    files: Files = field(default_factory=NoFiles)
    cache: Cache = field(default_factory=memory)
    diagrams: Diagrams = field(default_factory=NoDiagrams)
    code_theme: str = "github"
    line_numbers: bool = False
    mac_window: bool = False
    image_embed_limit_kb: int = 1024
    references_title: str = "参考资料"
    warnings: list[Diagnostic] = field(default_factory=list)
    source: str = ""  # the Markdown body, to tell a problem's line
    first_line: int = 1  # the source line of the body's first line
    autospace: bool = False  # space Chinese from Latin text (wechat.spacing)
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
    return parse_nodes(html)


_DETACHED = dict.fromkeys(
    ("parent", "previous_element", "next_element", "previous_sibling", "next_sibling")
)


class Stamp:
    """Makes copies of an element and its element children (a drawing, an empty wrapper) as
    `copy.copy` makes them, with nothing worked out again per copy: for the lists of tens
    of thousands of items whose every item gets a marker and two wrappers."""

    def __init__(self, tag: Tag) -> None:
        self.parts: list[tuple[type[Tag], dict[str, Any], Any, bool, int]] = []
        self._add(tag, -1)

    def _add(self, tag: Tag, parent: int) -> None:
        index = len(self.parts)
        lists = any(isinstance(value, list) for value in tag.attrs.values())
        fields = {**tag.__dict__, **_DETACHED, "parser_class": None}  # as copy_self has it
        # the fields set one by one on an object of the class, in their order, as Tag()
        # sets them: its dict then shares its keys with every other element's (a third of
        # the memory), and so do the copies made of it
        model = type(tag).__new__(type(tag))
        for key, value in fields.items():
            setattr(model, key, value)
        self.parts.append((type(tag), model.__dict__, tag.attrs, lists, parent))
        for child in tag.contents:
            if not isinstance(child, Tag):
                raise ValueError("a stamp copies elements only")
            self._add(child, index)

    def __call__(self) -> list[Tag]:
        """A new copy, detached, as its elements in document order (the first is the top)."""
        made: list[Tag] = []
        for cls, fields, attrs, lists, parent in self.parts:
            new = _stamped(cls, fields, attrs, lists)
            if made:
                above = made[parent]
                new.parent = above
                if above.contents:
                    new.previous_sibling = above.contents[-1]
                    above.contents[-1].next_sibling = new
                above.contents.append(new)
                new.previous_element = made[-1]
                made[-1].next_element = new
            made.append(new)
        return made

    def one(self) -> Tag:
        """A new copy of a stamp of one element."""
        cls, fields, attrs, lists, _ = self.parts[0]
        return _stamped(cls, fields, attrs, lists)


def _stamped(cls: type[Tag], fields: dict[str, Any], attrs: Any, lists: bool) -> Tag:
    new = cls.__new__(cls)
    own = fields.copy()  # then set whole: faster than updating the new object's own
    own["attrs"] = (
        type(attrs)((k, type(v)(v) if isinstance(v, list) else v) for k, v in attrs.items())
        if lists
        else type(attrs)(attrs)
    )
    own["contents"] = []
    new.__dict__ = own
    return new


@lru_cache(maxsize=256)
def _parsed(html: str) -> tuple[PageElement, ...]:
    return tuple(parse_fragment(html))
