"""Spacing between Chinese and Latin text (`--autospace`, `autospace = true`), and the
`check --spacing` style note (S1) for where it is missing.

The spacing rules are pangu's (PyPI `pangu`), applied to the article's text nodes only:
never inside code, formulas (drawn as SVG by now), URLs written in the text, footnote marks
or attributes such as link targets. Text split across inline elements (`在<b>Python</b>中`)
is spaced at the seams as a reader sees it, the space going into the text outside the code
or the link. pangu is imported only when one of these runs: it costs 0.15 s to load.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

from wxformat.tree import classes
from wxformat.wechat.context import Context

# elements whose text is never changed (their text still counts at a seam, as code does)
_FROZEN = frozenset({"code", "pre", "kbd", "samp", "tt", "var", "script", "style"})
# elements whose text is neither changed nor seen: drawings, marks, the reference list's URLs
# (a ruby's reading, rt/rp, sits above its character: no seam with the text beside it)
_HIDDEN = frozenset({"svg", "math", "sup", "sub", "img", "br", "hr", "input", "rt", "rp"})
_HIDDEN_CLASSES = frozenset({"wx-ref", "wx-reference-url", "wx-math-error", "wx-lineno"})
_FROZEN_CLASSES = frozenset({"wx-code", "wx-math-inline", "wx-math-block"})
_BLOCKS = frozenset(
    {
        "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption", "blockquote",
        "section", "div", "figure", "table", "tr", "ul", "ol", "dl", "dt", "dd", "caption",
        "pre", "body", "html",
    }
)  # fmt: skip
# URLs, e-mail addresses and paths written in the text keep every character as written
_LITERAL = re.compile(r"[A-Za-z][\w+.-]*://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Chinese (full-width) quotation marks carry their own spacing, and are neither Chinese nor
# Latin: pangu spaces them from CJK text (好“引号”里 -> 好 “引号” 里), which Chinese
# typesetting never does, so the text on each side of them is spaced on its own
_CJK_QUOTES = re.compile(r"([“”])")


@dataclass
class _Piece:
    node: NavigableString
    editable: bool
    block: Tag | None


def _space_text() -> Callable[[str], str]:
    import pangu

    space: Callable[[str], str] = pangu.space_text
    return space


def spaced(text: str, space: Callable[[str], str] | None = None) -> str:
    """Text with spaces between CJK and Latin letters or digits; URLs left as written."""
    space = space or _space_text()
    if _CJK_QUOTES.search(text):
        return "".join(
            part if _CJK_QUOTES.fullmatch(part) else spaced(part, space)
            for part in _CJK_QUOTES.split(text)
        )
    out, last = [], 0
    for m in _LITERAL.finditer(text):
        out.append(space(text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(space(text[last:]))
    # a URL is one Latin word for its neighbours: space it from CJK around it
    joined = out[0]
    for part in out[1:]:
        joined = _join(joined, part, space)
    return joined


def _join(left: str, right: str, space: Callable[[str], str]) -> str:
    if left and right and _needs_space(left[-1], right[0], space):
        return left + " " + right
    return left + right


def _needs_space(a: str, b: str, space: Callable[[str], str]) -> bool:
    if a.isspace() or b.isspace() or a in "“”" or b in "“”":
        return False
    return space(a + b) != a + b


def _pieces(root: Tag) -> list[_Piece]:
    pieces: list[_Piece] = []

    def walk(tag: Tag, editable: bool, block: Tag | None) -> None:
        for child in tag.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if str(child):
                    pieces.append(_Piece(child, editable, block))
                continue
            if not isinstance(child, Tag):
                continue
            names = set(classes(child))
            if child.name in _HIDDEN or names & _HIDDEN_CLASSES:
                pieces.append(_Piece(NavigableString(""), False, None))  # a seam breaks here
                continue
            frozen = not editable or child.name in _FROZEN or bool(names & _FROZEN_CLASSES)
            walk(child, not frozen, child if child.name in _BLOCKS else block)

    walk(root, True, root)
    return pieces


def autospace(root: Tag, apply: bool = True) -> list[str]:
    """Space the article's text; the texts that needed it (as they were). With apply=False,
    only report them."""
    space = _space_text()
    pieces = _pieces(root)
    new_text = [spaced(str(p.node), space) if p.editable else str(p.node) for p in pieces]
    for i in range(len(pieces) - 1):
        a, b = pieces[i], pieces[i + 1]
        if a.block is None or a.block is not b.block or not new_text[i] or not new_text[i + 1]:
            continue
        if not _needs_space(new_text[i][-1], new_text[i + 1][0], space):
            continue
        if a.editable:
            new_text[i] += " "
        elif b.editable:
            new_text[i + 1] = " " + new_text[i + 1]
    changed = []
    for piece, text in zip(pieces, new_text, strict=True):
        if text != str(piece.node):
            changed.append(str(piece.node))
            if apply:
                piece.node.replace_with(NavigableString(text))
    return changed


def fix_spacing(soup: BeautifulSoup, ctx: Context) -> None:
    if ctx.autospace:
        autospace(soup)


def missing_spaces(fragment: str, ctx: Context) -> None:
    """The S1 style note, once per text that lacks a space, located by its source line."""
    root = BeautifulSoup(fragment, "html.parser")
    for text in autospace(root, apply=False):
        snippet = text.strip()
        ctx.warn(
            "S1",
            f"no space between Chinese and Latin text: {snippet[:40]!r}",
            ctx.line_of(snippet),
            "add the spaces, or convert with --autospace (autospace = true)",
        )
