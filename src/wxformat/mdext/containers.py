"""Boxes whose content is a Markdown document of its own: doocs/md containers (`::: tip 标题`
… `:::`) and MkDocs admonitions, collapsibles and tabs (`!!! note "标题"`, `??? question`,
`=== "Python"`, content indented by four spaces under them).

`split_containers` finds them in the source (never inside fenced code) so the GFM
preprocessors read each box's content as a document of its own, and writes every box in
the form Python-Markdown's admonition and PyMdown's details and tabbed read: the opening
line, then the content indented by four spaces. mdext.alerts draws them as sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wxformat.mdext.source import CONTAINER_OPENER, FENCED, classify

# doocs/md (markdown-it-container): `::: kind [title]` opens, a line of colons closes
COLON_OPEN = re.compile(
    r"^ {0,3}(?P<colons>:{3,})[ \t]*(?P<kind>[^\s:]\S*)(?:[ \t]+(?P<title>.*?))?[ \t]*$"
)
COLON_CLOSE = re.compile(r"^ {0,3}:{3,}[ \t]*$")
MAX_DEPTH = 8  # boxes inside boxes: deeper than any article needs (and than recursion allows)


@dataclass
class Piece:
    """Lines of plain Markdown (opener None), or one box: its opening line and content."""

    opener: str | None
    lines: list[str] = field(default_factory=list)


def _admonition_opener(m: re.Match[str]) -> str:
    """`::: tip 标题` as `!!! tip "标题"`: the kind as a class name, the title as written."""
    kind = m.group("kind")
    if kind.startswith("{"):  # pandoc's fenced div `::: {.note}`: the first class is the kind
        kind = kind.strip("{}").split()[0].lstrip(".") if kind.strip("{}").split() else "note"
    name = re.sub(r"[^\w-]", "", kind) or "note"
    title = m.group("title")
    if title is None and name != kind:
        title = kind  # a kind that is no class name (`::: 注意！`) titles itself
    return f'!!! {name} "{title}"' if title is not None else f"!!! {name}"


def _dedent(line: str) -> str:
    if line.startswith("\t"):
        return line[1:]
    return line[min(4, len(line) - len(line.lstrip(" "))) :]


def _indented(line: str) -> bool:
    return line.startswith(("    ", "\t"))


def split_containers(lines: list[str], depth: int = 0) -> list[Piece]:
    """The lines as plain pieces and boxes; a `:::` without its closing line stays text."""
    if depth >= MAX_DEPTH or not any(
        ":::" in line or CONTAINER_OPENER.match(line) for line in lines
    ):
        return [Piece(None, lines)]
    fenced = [kind.startswith(FENCED) for kind in classify(lines)]
    closing = _colon_pairs(lines, fenced)
    pieces: list[Piece] = [Piece(None)]
    i = 0
    while i < len(lines):
        line = lines[i]
        if fenced[i]:
            pieces[-1].lines.append(line)
            i += 1
            continue
        m = COLON_OPEN.match(line)
        if m is not None:
            end = closing.get(i)
            if end is not None:
                pieces.append(Piece(_admonition_opener(m), lines[i + 1 : end]))
                pieces.append(Piece(None))
                i = end + 1
                continue
        elif CONTAINER_OPENER.match(line):
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or _indented(lines[end])):
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1  # blank lines after the content belong to what follows
            pieces.append(Piece(line.strip(), [_dedent(x) for x in lines[i + 1 : end]]))
            pieces.append(Piece(None))
            i = end
            continue
        pieces[-1].lines.append(line)
        i += 1
    return [p for p in pieces if p.opener is not None or p.lines]


def _colon_pairs(lines: list[str], fenced: list[bool]) -> dict[int, int]:
    """Each `:::` opening line's closing line, boxes nesting, in one pass."""
    pairs: dict[int, int] = {}
    open_at: list[int] = []
    for j, line in enumerate(lines):
        if fenced[j] or ":::" not in line:
            continue
        if COLON_CLOSE.match(line):
            if open_at:
                pairs[open_at.pop()] = j
        elif COLON_OPEN.match(line):
            open_at.append(j)
    return pairs
