"""Run the team's fidelity checker (../shared/tools/md_fidelity.py) with a reference that
reads the dialects of issue 12 as the writer's editor shows them.

The checker's reference is cmark-gfm, which knows none of them: it prints `!!! note`,
`=== "Python"`, `::: tip`, `[!TIP]`, `==高亮==` and `[汉字]{hàn zì}` as text and takes the
indented content of an admonition or a tab for a code block. An article that uses them
would then fail for reading them right. Before the reference is rendered, each is written
the way its editor shows it: a box's marker becomes its title, a box's or tab's content is
dedented, highlight and underline markers go (outside code spans), a ruby keeps its
characters. Everything else is the checker's own.

Usage: python tests/dialect_reference.py SHARED_TOOLS_DIR ARGS... (ARGS as the checker's)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

_BOX = re.compile(r'^(?:!!!|\?\?\?\+?) [\w-]+(?: "(?P<title>.*)")?\s*$|^===\+? "(?P<tab>.*)"\s*$')
_COLONS = re.compile(r"^:{3,} ?(?P<kind>\S*)(?: (?P<title>.*))?$")
_ALERT = re.compile(r"^(\s*>\s*)\[!\w+\][-+]?")
_MARKS = re.compile(r"==([^=\s][^=]*?)==|\+\+([^+\s][^+]*?)\+\+")
_RUBY = re.compile(r"\[([^\]\n]+)\](?:\{[^}\n]+\}|\^\([^)\n]+\))")
_CODE_SPAN = re.compile(r"(`+[^`]*`+)")


def _inline(line: str) -> str:
    parts = _CODE_SPAN.split(line)
    return "".join(
        part
        if part.startswith("`")
        else _RUBY.sub(r"\1", _MARKS.sub(lambda m: m.group(1) or m.group(2), part))
        for part in parts
    )


def read_dialects(md: str) -> str:
    """The Markdown as the writers' editors show it, in plain GFM."""
    out: list[str] = []
    lines = md.split("\n")
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        opening = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence or opening:
            if fence and opening and opening.group(1).startswith(fence):
                fence = ""
            elif not fence and opening:
                fence = opening.group(1)
            out.append(line)
            continue
        box = _BOX.match(line)
        if box:
            out.extend([box.group("title") or box.group("tab") or "", ""])
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
                out.append(lines[i][4:])
                i += 1
            continue
        colons = _COLONS.match(line)
        if colons:
            out.append(colons.group("title") or "")
            continue
        out.append(_inline(_ALERT.sub(r"\1", line)))
    return "\n".join(out)


def main() -> int:
    sys.path.insert(0, sys.argv[1])
    import md_fidelity  # type: ignore[import-not-found]  # the shared checker, in that folder

    original: Callable[[str], str] = md_fidelity.reference_html
    md_fidelity.reference_html = lambda md: original(read_dialects(md))
    sys.argv = [sys.argv[0], *sys.argv[2:]]
    return int(md_fidelity.main())


if __name__ == "__main__":
    sys.exit(main())
