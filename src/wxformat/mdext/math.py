"""Math in Markdown: find TeX spans before Markdown sees them, so `_` and `*` stay TeX.

Delimiters: `$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`, and Hexo's escaped `\\\\(...\\\\)`,
`\\\\[...\\\\]` (with `\\_` and `\\*` unescaped inside). Money is not math: the closing `$`
must not touch a digit or follow a space (the rule GitHub and pandoc use), so
`扣除 $50（$100-\\$50）` stays text. Each formula becomes a placeholder element carrying
its TeX and source line; the math stage (wechat.math) turns it into SVG.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from wxformat.contract import DISPLAY_CLASS, MATH_CLASS
from wxformat.mdext.source import FENCED, INDENTED, segments

__all__ = ["DISPLAY_CLASS", "MATH_CLASS", "MathExtension"]

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.S)
# not math: an image's alt text and a link's URL are plain text to every Markdown tool
# (no `(` inside, so a run of `![a](` is read in one pass)
_LITERAL = re.compile(r"!\[[^\]\n]*\]\([^()\n]*\)|\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)")
# A formula's body never holds its own opener: a run of openers without closers is then
# read in one pass (issue 14: 20,000 `\\(` took 9 s when each opener searched to the end).
_DISPLAY = re.compile(
    r"(?<!\\)\$\$(?P<a>.+?)(?<!\\)\$\$"
    r"|(?<!\\)\\\\\[(?P<c>(?:(?!\\\\\[).)+?)\\\\\]"
    r"|(?<!\\)\\\[(?P<b>(?:(?!\\\[).)+?)\\\]",
    re.S,
)
# `$…$` as Typora and MathJax read it: no space just inside, except that the closing `$`
# may follow a space after a TeX command or a brace (`$\tau $`, `${q_1}, \ldots $`); and
# money is not math: the closing `$` never comes right before a digit (`$5 and $10`).
_INLINE = re.compile(
    r"(?<![\\$])\$(?![\s$])"
    r"(?:(?P<a>(?:\\.|[^$\\\n])+?)(?<![\s\\])"
    r"|(?P<d>(?:\\.|[^$\\\n])*?(?:\\[A-Za-z]+|[}\]]))[ \t]+)\$(?![\d$])"
    r"|(?<!\\)\\\\\((?P<c>(?:(?!\\\\\()[^\n])+?)\\\\\)"
    r"|(?<!\\)\\\((?P<b>(?:(?!\\\()[^\n])+?)\\\)"
)
_TEXISH = re.compile(r"[\\^_{}=+\-<>|/*]|^\s*[A-Za-z]\s*$")
_BLOCK_PREFIX = re.compile(r"^[ \t>]*$")


def _tex(m: re.Match[str]) -> tuple[str, bool] | None:
    """The TeX of a match and whether it used Hexo's escaped delimiters; None if not math."""
    for dollar in ("a", "d"):
        if m.groupdict().get(dollar) is not None:
            return m.group(dollar), False
    hexo = m.group("c") is not None
    tex = m.group("c") if hexo else m.group("b")
    # `\[1\]` is an escaped bracket in prose, not a formula
    if not _TEXISH.search(tex):
        return None
    if hexo:
        tex = tex.replace("\\_", "_").replace("\\*", "*")
    return tex, hexo


def placeholder(tex: str, line: int, display: bool) -> str:
    tag, cls = ("section", DISPLAY_CLASS) if display else ("span", MATH_CLASS)
    tex = tex.strip()
    return (
        f'<{tag} class="{cls}" data-tex="{html.escape(tex)}" data-line="{line}">'
        f"{html.escape(tex)}</{tag}>"
    )


class MathPreprocessor(Preprocessor):
    """Replace formulas by stashed placeholders, outside code blocks and code spans."""

    def __init__(self, md: Markdown, line_offset: int) -> None:
        super().__init__(md)
        self.line_offset = line_offset

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for seg in segments(lines):
            if seg.kind in (FENCED, INDENTED):  # in code, `$` and `$$` are just text
                out.extend(seg.lines)
            else:
                out.extend(self._text(seg.lines, seg.start).split("\n"))
        return out

    def _text(self, lines: list[str], first: int) -> str:
        text = "\n".join(lines)
        if "$" not in text and "\\" not in text:
            return text
        spans: list[str] = []

        def keep_code(m: re.Match[str]) -> str:
            spans.append(m.group(0))
            return f"\x01{len(spans) - 1}\x01"

        text = _CODE_SPAN.sub(keep_code, text)
        text = _LITERAL.sub(keep_code, text)

        def line_of(pos: int) -> int:
            return self.line_offset + first + text.count("\n", 0, pos)

        def display(m: re.Match[str]) -> str:
            found = _tex(m)
            if found is None:
                return m.group(0)
            tex = found[0]
            line_start = text.rfind("\n", 0, m.start()) + 1
            prefix = text[line_start : m.start()]
            line_end = text.find("\n", m.end())
            rest = text[m.end() : line_end if line_end >= 0 else len(text)]
            line = line_of(m.start())
            if _BLOCK_PREFIX.match(prefix) and not rest.strip():
                # a block of its own: strip blockquote/list prefixes from its inner lines
                inner = [
                    re.sub(r"^[ \t]*(?:>[ \t]?)*", "", x) if ">" in prefix else x
                    for x in tex.split("\n")
                ]
                stash = self.md.htmlStash.store(placeholder("\n".join(inner), line, True))
                # blank lines around it (inside the same quote) make it a block of its own
                quote = prefix.rstrip() if ">" in prefix else ""
                lead = "\n" + prefix if text[:line_start].strip() else ""
                return lead + stash + "\n" + quote
            return self.md.htmlStash.store(placeholder(tex, line, False))

        def inline(m: re.Match[str]) -> str:
            found = _tex(m)
            if found is None:
                return m.group(0)
            return self.md.htmlStash.store(placeholder(found[0], line_of(m.start()), False))

        text = _DISPLAY.sub(display, text)
        text = _INLINE.sub(inline, text)
        return re.sub("\x01(\\d+)\x01", lambda m: spans[int(m.group(1))], text)


class MathExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"line_offset": [1, "source line of the body's first line"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        offset = int(self.getConfig("line_offset"))
        md.preprocessors.register(MathPreprocessor(md, offset), "wx_math", 29)
