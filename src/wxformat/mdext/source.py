"""Line-level view of Markdown source shared by our preprocessors: which lines are fenced code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

FENCE_OPEN = re.compile(r"^(?P<indent>[ ]*(?:>[ ]?)*[ ]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass
class Segment:
    """A run of lines that is either fenced code (kept verbatim) or Markdown text."""

    start: int  # index of its first line
    lines: list[str]
    fenced: bool


def fence_closes(line: str, fence: str) -> bool:
    stripped = line.strip().lstrip(">").strip()
    return stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0])


def segments(lines: list[str]) -> Iterator[Segment]:
    """Split lines into fenced-code and text segments (a fence may be indented, as in lists)."""
    current: list[str] = []
    start = 0
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        is_backtick_info = m and m.group("fence")[0] == "`" and "`" in m.group("info")
        if m and not is_backtick_info:
            if current:
                yield Segment(start, current, False)
            fence = m.group("fence")
            block = [lines[i]]
            j = i + 1
            while j < len(lines):
                block.append(lines[j])
                if fence_closes(lines[j], fence):
                    break
                j += 1
            yield Segment(i, block, True)
            i = j + 1
            start, current = i, []
            continue
        current.append(lines[i])
        i += 1
    if current:
        yield Segment(start, current, False)
