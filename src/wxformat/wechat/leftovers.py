"""Checks of the finished article against its Markdown source, for what a reader would see
that the writer never meant: text the pipeline dropped (M1), and Markdown syntax that no
stage understood and that would be printed raw (M2). Both name the source line, so
`convert` and `check` tell the writer before anything is published unseen.
"""

from __future__ import annotations

import re
from collections import Counter

from bs4.element import CData, NavigableString, RubyParenthesisString, RubyTextString, Tag

from wxformat.tree import last_descendant
from wxformat.wechat.context import Context

# a word: a run of Latin letters or digits, or one CJK character
_WORD = re.compile(
    r"[A-Za-z0-9\u00c0-\u024f]+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]"
)
# every string a reader sees, a ruby's reading included (bs4 leaves <rt> out by default)
SHOWN = (NavigableString, CData, RubyTextString, RubyParenthesisString)
# source that is never shown as text: HTML comments, whole script/style elements (dropped
# as WeChat drops them, W1), tags and their attributes, link and image targets, image alt
# text (a caption only when it says something), formulas (drawn), footnote and reference
# labels, fence info strings, task-list boxes, the kind word of a container, a [TOC] marker,
# entities
_HIDDEN = re.compile(
    r"<!--(?:(?!<!--)[\s\S])*?-->"
    r"|<(script|style)\b[^>]*>(?:(?!<\1)[\s\S])*?</\1\s*>"
    r"|<[A-Za-z/!][^<>\n]*>"
    r"|!\[[^\[\]\n]*\](?:\([^()\n]*\))?"
    r"|\]\([^()\n]*\)"
    r"|\]\[[^\[\]\n]*\]"
    r"|\[\^[^\[\]\n]*\]:?"
    r"|^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$"
    r"|^[ \t>]*(?:`{3,}|~{3,}).*$"
    r"|^[ \t>]*(?:[-*+]|\d+[.)])[ \t]+\[[ xX]\]"
    r"|^[ \t>]*(?::{3,}|!!!|\?{3}\+?)[ \t]*[\w-]*"
    r"|^[ \t]*(?:\[TOC\]|\[\[_?toc_?\]\])[ \t]*$"
    # each piece stops at the next opener: a run of openers stays linear
    r"|\$\$.+?\$\$|(?<![\\$])\$[^$\n]+\$"
    r"|\\\\?\((?:(?!\\\\?\()[\s\S])*?\\\\?\)|\\\\?\[(?:(?!\\\\?\[)[\s\S])*?\\\\?\]"
    r"|https?://\S+|\{\.?[\w-]+\}|&#?\w+;",
    re.S | re.M | re.I,
)
MIN_LOST_RUN = 4  # words in a row missing from the output before we call text lost


def _words(text: str) -> list[tuple[str, int]]:
    return [(m.group(0).lower(), m.start()) for m in _WORD.finditer(text)]


def _visible_source(source: str) -> str:
    """The source with what is never shown blanked out, keeping every offset (for lines)."""
    return _blank(_HIDDEN, source)


def check_text_kept(root: Tag, ctx: Context) -> None:
    """M1: warn at the first run of source words that the output does not show."""
    if not ctx.source.strip():
        return
    shown = Counter(w for w, _ in _words(root.get_text(" ", types=SHOWN)))
    visible = _visible_source(ctx.source)
    run: list[int] = []
    lost = 0
    first_run: tuple[int, int] | None = None
    for word, at in _words(visible):
        if shown[word] > 0:
            shown[word] -= 1
            run = []
            continue
        lost += 1
        run.append(at)
        if len(run) >= MIN_LOST_RUN and first_run is None:
            first_run = (run[0], at)
    if first_run is None:
        return
    start, end = first_run
    line = ctx.first_line + ctx.source.count("\n", 0, start)
    excerpt = " ".join(ctx.source[start : end + 20].split())[:40]
    ctx.warn(
        "M1",
        f"text from the article is missing from the output ({lost} words, from “{excerpt}”)",
        line,
        "look for an unclosed tag or fence above it; write tag names as `<script>` code",
    )


# Markdown syntax that reached the reader's text (outside code): a writer's editor read it,
# wxformat did not
_RAW_SYNTAX: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a container fence `:::`", re.compile(r"(?:^|\n)[ \t]*:::")),
    ("an admonition marker `!!!`", re.compile(r"(?:^|\n)[ \t]*!!!")),
    ("a collapsible marker `???`", re.compile(r"(?:^|\n)[ \t]*\?\?\?\+? [\w\"]")),
    ("a tab marker `===`", re.compile(r"(?:^|\n)[ \t]*===\+? \"")),
    ("a template tag `{{ }}`", re.compile(r"\{\{[^{}\n]*\}\}|\{%[^{}\n]*%\}")),
    ("a wiki link `[[...]]`", re.compile(r"\[\[[^\[\]\n]+\]\]")),
    ("an unpaired `$$`", re.compile(r"\$\$")),
    ("a fence of backticks", re.compile(r"```")),
    ("a [TOC] marker", re.compile(r"\[TOC\]", re.I)),
)
_CODE = ("pre", "code")


_BLOCKS = {
    "p", "li", "section", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th",
    "figcaption",
}  # fmt: skip


def _prose(root: Tag) -> str:
    """The article's text outside code, a line break where a block starts (so a marker
    written at the start of a line is found there, and `**好**!!!` is no marker)."""
    pieces: list[str] = []
    # document order along next_element, stepping over each code element whole (asking
    # each string for its ancestors read a deep article's nesting once per string)
    stop = last_descendant(root).next_element
    node = root.next_element
    while node is not None and node is not stop:
        if isinstance(node, Tag) and node.name in _CODE:
            node = last_descendant(node).next_element
            continue
        if type(node) is NavigableString:
            parent = node.parent
            if parent is not None:
                starts_block = parent.name in _BLOCKS and node.previous_sibling is None
                pieces.append("\n" + node if starts_block else node)
        node = node.next_element
    return "".join(pieces)


def check_raw_syntax(root: Tag, ctx: Context) -> None:
    """M2: warn, with its line, about Markdown syntax printed raw in the article's text."""
    text = _prose(root)
    source_lines: list[str] = []
    for what, pattern in _RAW_SYNTAX:
        m = pattern.search(text)
        if m is None:
            continue
        if not source_lines:
            source_lines = _without_code(ctx.source)
        after = text[m.end() : m.end() + 40].split("\n")[0].strip()[:6]
        ctx.warn(
            "M2",
            f"{what} is printed as text: wxformat does not read this syntax",
            _source_line(source_lines, pattern, after, ctx.first_line),
            "rewrite it in Markdown that wxformat reads (see README: Markdown), "
            "or escape it with a backslash",
        )


# code spans: syntax shown there is the writer's example, not a leak
_CODE_SPAN = re.compile(r"(?<!`)(`{1,3})(?!`)[^\n]*?(?<!`)\1(?!`)")
_FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")


def _without_code(source: str) -> list[str]:
    """The source's lines with fenced code and code spans blanked."""
    out: list[str] = []
    fence = ""
    for line in source.split("\n"):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1).startswith(fence) and not line[m.end() :].strip():
                fence = ""
            out.append("")
        elif m:
            fence = m.group(1)
            out.append("")
        else:
            out.append(_blank(_CODE_SPAN, line))
    return out


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """text with every match of pattern turned to spaces, line breaks kept."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _source_line(lines: list[str], pattern: re.Pattern[str], after: str, first: int) -> int | None:
    """The source line of a leak: the first that shows the syntax followed by the same text
    as in the output, else the first that shows the syntax at all."""
    found = [i for i, line in enumerate(lines) if pattern.search("\n" + line)]
    if not found:
        return None
    best = next((i for i in found if after and after in lines[i]), found[0])
    return first + best
