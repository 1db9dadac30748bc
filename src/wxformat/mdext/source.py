"""Line-level view of Markdown source shared by our preprocessors: which lines are fenced code,
which are indented code, which are text (as CommonMark decides, roughly, before parsing)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

# one way to split the indent (quote markers, then spaces): no backtracking on long indents
FENCE_OPEN = re.compile(r"^(?P<indent>(?:[ ]*>)*[ ]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
LIST_MARKER = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ ]+|$)")
# MkDocs admonitions `!!! note`, collapsibles `??? note`, content tabs `=== "Tab"`: their
# content is indented under them, like a list item's, and is Markdown, not indented code
CONTAINER_OPENER = re.compile(r"^ {0,3}(?:!!!|\?\?\?\+?|===\+?)[ \t]+\S")

FENCED, INDENTED, TEXT, BLANK = "fenced", "indented", "text", "blank"


@dataclass
class Segment:
    """A run of lines of one kind: fenced code, indented code, or Markdown text."""

    start: int  # index of its first line
    lines: list[str]
    kind: str

    @property
    def fenced(self) -> bool:
        return self.kind == FENCED


def fence_closes(line: str, fence: str) -> bool:
    stripped = line.strip().lstrip(">").strip()
    return stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def classify(lines: list[str]) -> list[str]:
    """The kind of every line. A fence counts at indent 0-3, or deeper inside a list item;
    4+ spaces after a blank line outside a list is indented code."""
    return list(_classified(tuple(lines)))


@lru_cache(maxsize=4)  # the preprocessors ask in turn, most about lines the last left alone
def _classified(lines: tuple[str, ...]) -> tuple[str, ...]:
    kinds: list[str] = []
    in_list = False
    prev = BLANK
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            kinds.append(BLANK if prev != INDENTED else INDENTED)
            prev = BLANK if prev != INDENTED else INDENTED
            i += 1
            continue
        indent = _indent(line)
        fence = FENCE_OPEN.match(line) if ("`" in line or "~" in line) else None
        if (
            fence
            and (indent <= 3 or in_list)
            and not (fence.group("fence")[0] == "`" and "`" in fence.group("info"))
        ):
            marker = fence.group("fence")
            block = f"{FENCED}:{i}"  # each fenced block is a run of its own
            kinds.append(block)
            i += 1
            while i < len(lines):
                kinds.append(block)
                i += 1
                if fence_closes(lines[i - 1], marker):
                    break
            prev = FENCED
            continue
        if indent >= 4 and not in_list and prev != TEXT:
            kinds.append(INDENTED)
            prev = INDENTED
            i += 1
            continue
        if LIST_MARKER.match(line) or CONTAINER_OPENER.match(line):
            in_list = True
        elif prev in (BLANK, INDENTED) and indent < 2:
            in_list = False
        kinds.append(TEXT)
        prev = TEXT
        i += 1
    # blank lines trailing an indented run are not part of it
    for j in range(len(kinds) - 1, -1, -1):
        trailing = j + 1 >= len(kinds) or kinds[j + 1] != INDENTED
        if kinds[j] == INDENTED and not lines[j].strip() and trailing:
            kinds[j] = BLANK
    return tuple(kinds)


def segments(lines: list[str]) -> Iterator[Segment]:
    """Split lines into runs of fenced code, indented code and text (blank lines join text)."""
    kinds = [TEXT if k == BLANK else k for k in classify(lines)]
    start = 0
    while start < len(lines):
        end = start + 1
        while end < len(lines) and kinds[end] == kinds[start]:
            end += 1
        yield Segment(start, lines[start:end], kinds[start].split(":")[0])
        start = end
