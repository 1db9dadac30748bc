"""Make Python-Markdown read block structure the way GitHub (and Typora, Obsidian, VS Code) do.

Python-Markdown's own dialect breaks real articles: a list right after a paragraph line is
swallowed, lists nested by 2 spaces flatten, `## C#` loses its `#`, raw HTML swallows the
Markdown after it. These preprocessors rewrite the source into the shape Python-Markdown
understands (4-space nesting, blank lines before lists and tables) and replace its HTML
block rule with CommonMark's, so the block structure matches GitHub Flavored Markdown.
"""

from __future__ import annotations

import re
import string
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.blockprocessors import HashHeaderProcessor
from markdown.inlinepatterns import (
    HTML_RE,
    HtmlInlineProcessor,
    InlineProcessor,
    SimpleTagInlineProcessor,
)
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from wxformat.mdext.containers import split_containers
from wxformat.mdext.source import INDENTED, TEXT, Segment, fence_closes, segments

_MARKER = re.compile(r"^(?P<indent> *)(?P<marker>[-+*]|\d{1,9}[.)])(?P<space>[ ]+|$)(?P<rest>.*)$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BLOCK_START = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|>|`{3,}|~{3,}|<[A-Za-z/!?])")
_QUOTE = re.compile(r"^ {0,3}>")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
# a quote's line that is no paragraph text: a fence, a heading, a rule, or nothing
_QUOTE_ENDS_BLOCK = re.compile(
    r"^(?: {0,3}> ?)+ *(?:`{3,}|~{3,}|#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$|$)"
)
_ESCAPE_MARKER = re.compile(r"^( *\d*)([-+*.)])")
_ENDS_TABLE = re.compile(
    r"^(?: {0,3}(?:>|#{1,6}(?:[ \t]|$)|<[A-Za-z/!?]|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)"
    r"|(?:[-*_][ \t]*){3,}$)| {4,}\S)"
)
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_QUOTE_PREFIX = re.compile(r"^ {0,3}> ?")
# GFM ends a quote at a blank line and a list at a change of marker; Python-Markdown would merge
# what follows into it. This empty block between them is removed after parsing.
BLOCK_BREAK = '<section class="wx-break"></section>'
_TABLE_DELIM = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


@dataclass
class _Item:
    src_col: int  # where the item's content starts in the source
    out_col: int  # where it starts in what Python-Markdown reads (multiples of 4)
    kind: str  # "-", "*", "+", "." or ")": another kind at the same level starts a new list


def _paragraph_start(out: list[str]) -> int:
    """Where the top-level paragraph that out ends with begins, or -1 if it ends otherwise."""
    start = len(out)
    while start > 0:
        line = out[start - 1]
        if (
            not line.strip()
            or _indent(line) >= 4
            or _MARKER.match(line)
            or _BLOCK_START.match(line)
            or _HR.match(line)
            or _SETEXT.match(line)  # the underline of a heading above
            or "|" in line
        ):
            break
        start -= 1
    return start if start < len(out) else -1


def _join_lines(lines: list[str]) -> str:
    """A paragraph's lines as one: soft breaks between CJK characters vanish, else a space."""
    joined = lines[0].rstrip()
    for line in lines[1:]:
        line = line.strip()
        if joined.endswith("\\"):
            joined = joined[:-1].rstrip()
        glue = "" if joined and line and _CJK.match(joined[-1]) and _CJK.match(line[0]) else " "
        joined += glue + line
    return joined


def _may_interrupt(m: re.Match[str]) -> bool:
    """GFM: only a bullet or a `1.` item with content may start right under a paragraph."""
    marker = m.group("marker")
    has_content = bool(m.group("rest").strip())
    return has_content and (not marker[0].isdigit() or int(marker[:-1]) == 1)


def _interrupts_paragraph(line: str) -> bool:
    """Whether a top-level line starts a list right under a paragraph."""
    m = _MARKER.match(line)
    return m is not None and not _HR.match(line) and _indent(line) <= 3 and _may_interrupt(m)


def _quoted_fences_as_text(lines: list[str]) -> list[Segment]:
    """segments(), with fences inside quotes left in the text around them: a quote is
    normalised as a whole (its inside re-read without `> `, fences included), so a fence
    in a quoted list item stays in its item and does not split the quote."""
    merged: list[Segment] = []
    for seg in segments(lines):
        if seg.fenced and _QUOTE.match(seg.lines[0]):
            seg = Segment(seg.start, seg.lines, TEXT)
        if merged and not seg.fenced and merged[-1].kind == TEXT and seg.kind == TEXT:
            merged[-1].lines.extend(seg.lines)  # in place: thousands of fences stay linear
        else:
            merged.append(seg)
    return merged


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content_col(m: re.Match[str]) -> int:
    width = len(m.group("indent")) + len(m.group("marker"))
    spaces = len(m.group("space"))
    return width + (spaces if 1 <= spaces <= 4 and m.group("rest") else 1)


def _is_table_start(lines: list[str], i: int) -> bool:
    return (
        i + 1 < len(lines)
        and "|" in lines[i]
        and bool(_TABLE_DELIM.match(lines[i + 1]))
        and ("|" in lines[i + 1] or lines[i].count("|") > 0)
    )


MAX_QUOTE_DEPTH = 8
MAX_LIST_DEPTH = 8
MAX_INLINE_MARKERS = 6  # `- - - x` nests a list per marker
_DEEP_QUOTE = re.compile(rf"^( {{0,3}}(?:>[ ]?){{{MAX_QUOTE_DEPTH}}})(?:[ ]{{0,3}}>[ ]?)+")
_ONE_MARKER = r"(?:[-+*]|\d{1,9}[.)])[ ]+"
_INLINE_MARKERS = re.compile(rf"^(\s*(?:{_ONE_MARKER}){{{MAX_INLINE_MARKERS}}})(?:{_ONE_MARKER})+")


_FENCE_INFO = re.compile(r"^(?P<open>(?:[ ]*>)*[ ]*(?:`{3,}|~{3,}))[ \t]*(?P<info>[^{\s].*)$")
_LANGUAGE = re.compile(r"[\w#.+-]+")


def _fence_language_only(line: str) -> str:
    """A fence's opening line with its info string cut to the language, as GitHub reads it:
    ```` ```python 3 ````, ```` ```js title="app.js" ````, ```` ```python,ignore ```` are
    Python and JavaScript code (SuperFences would take them for a paragraph)."""
    m = _FENCE_INFO.match(line)
    if m is None:
        return line
    language = _LANGUAGE.match(m.group("info"))
    return m.group("open") + (language.group(0).strip(".") if language else "")


class BoundsPreprocessor(Preprocessor):
    """Keep hostile input parseable: cap quote and list nesting that no article needs (and
    that would exhaust Python's recursion), and close a fence left open at the end, which
    GitHub renders as code to the end of the document."""

    def run(self, lines: list[str]) -> list[str]:
        out = []
        for seg in segments(lines):
            if seg.fenced:
                out.append(_fence_language_only(seg.lines[0]))
                out.extend(seg.lines[1:])
                opening = re.match(r"^\s*(?:>\s?)*\s*(`{3,}|~{3,})", seg.lines[0])
                if opening and (
                    len(seg.lines) == 1 or not fence_closes(seg.lines[-1], opening.group(1))
                ):
                    out.append(seg.lines[0][: opening.start(1)] + opening.group(1))
                continue
            for line in seg.lines:
                if ">" in line[:8]:
                    line = _DEEP_QUOTE.sub(r"\1", line)
                line = _INLINE_MARKERS.sub(r"\1", line)
                out.append(line)
        return out


class _Blocks:
    """What Python-Markdown will make of the block the output is in: it reads blocks
    between blank lines, and a block that opens with a marker is a list that takes more
    items at that indent or deeper, while one that opens with an item's indented paragraph
    (or a deeper list) would swallow the next item as text. Kept up to date as the output
    grows, so each line is read once."""

    def __init__(self) -> None:
        self.seen = 0
        self.opening: int | None = None  # the opening marker's indent; -1: something else
        self.opened = False

    def take_item_at(self, out: list[str], indent: int) -> bool:
        for line in out[self.seen :]:
            if not line.strip():
                self.opened = False
            elif not self.opened:
                self.opened = True
                is_marker = _MARKER.match(line) and not _HR.match(line)
                self.opening = _indent(line) if is_marker else -1
        self.seen = len(out)
        return self.opening is not None and 0 <= self.opening <= indent


class _ListState:
    """ListNormalizer's work on one run of source lines: the output so far, the open list
    items, and what the previous line was. One method per construct."""

    def __init__(self, stash: Callable[[str], str], nested: Callable[[list[str]], list[str]]):
        self.stash = stash  # Python-Markdown's HTML stash: BLOCK_BREAK goes through it
        self.nested = nested  # the whole normaliser, for the inside of a quote
        self.out: list[str] = []
        self.stack: list[_Item] = []
        self.prev_blank = True
        self.prev_para = False  # the previous line is prose that a list could interrupt
        self.in_quote = False  # the last non-blank line was in a quote (or a lazy line)
        self.in_table = False  # in a top-level table: each line is a row until a block starts
        self.blocks = _Blocks()

    def _after(self, blank: bool, para: bool) -> None:
        self.prev_blank, self.prev_para = blank, para

    def _separate(self) -> None:
        """A blank line, unless the output already ends with one."""
        if self.out and self.out[-1].strip():
            self.out.append("")

    def _reindent(self, line: str, item: _Item) -> str:
        return " " * (item.out_col + max(0, _indent(line) - item.src_col)) + line.lstrip(" ")

    def indented_code(self, lines: list[str]) -> None:
        self.out.extend(lines)
        self._after(True, False)

    def fence(self, lines: list[str]) -> None:
        n = _indent(lines[0])
        while self.stack and n < self.stack[-1].src_col:
            self.stack.pop()  # a fence is never a lazy line: less indented, it ends the item
        # a fence is a block of its own: blank lines around it keep the text apart
        self._separate()
        if self.stack:
            self.out.extend(self._reindent(line, self.stack[-1]) for line in lines)
        else:
            self.out.extend(lines)
        self.out.append("")
        self._after(True, False)

    def text(self, lines: list[str]) -> None:
        i = 0
        plain_quote_until = -1  # a quote already looked at: no lists inside, go line by line
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                self.out.append("")
                self._after(True, False)
                self.in_table = False
            elif not (self.in_table and self.table_row(line)):
                self.quote_ends_list(line)
                if not self.stack and i > plain_quote_until and _QUOTE.match(line):
                    end = i
                    while end + 1 < len(lines) and _QUOTE.match(lines[end + 1]):
                        end += 1
                    plain_quote_until = end
                    if self.quote_with_lists(lines[i : end + 1]):
                        i = end + 1
                        continue
                self.line(line, lines, i)
            i += 1

    def table_row(self, line: str) -> bool:
        """A line in a table: a row, even without a pipe (GFM), or the block that ends it."""
        if not _ENDS_TABLE.match(line):
            self.out.append(line)
            self._after(False, False)
            return True
        # a heading, quote, rule, list item, HTML or code ends the table; Python-Markdown
        # would read it as one more row
        self.out.append("")
        self._after(True, False)
        self.in_table = False
        return False

    def quote_ends_list(self, line: str) -> None:
        if self.stack and _QUOTE.match(line) and _indent(line) < self.stack[-1].src_col:
            self.stack.clear()  # a quote at a lesser indent ends the list (no lazy line)
            self._separate()
            self._after(True, False)

    def quote_with_lists(self, quoted: list[str]) -> bool:
        """A quote holding lists is normalised inside, without its `> `; others are left
        to be read line by line (False)."""
        inner = [_QUOTE_PREFIX.sub("", x, count=1) for x in quoted]
        if not any(_MARKER.match(x) for x in inner):
            return False
        if self.prev_blank and self.in_quote:
            self.out.extend([self.stash(BLOCK_BREAK), ""])
        elif self.in_quote and _interrupts_paragraph(inner[0]):
            self.out.append(">")  # after a lazy line: the list starts a new block
        self.out.extend(f"> {x}" if x.strip() else ">" for x in self.nested(inner))
        self.in_quote = True
        self._after(False, False)
        return True

    def line(self, line: str, lines: list[str], i: int) -> None:
        """A non-blank line outside any table row or quote with lists."""
        if self.prev_blank and not self.stack and _QUOTE.match(line) and self.in_quote:
            # GFM ends a quote at a blank line; Python-Markdown would merge the next one in
            self.out.extend([self.stash(BLOCK_BREAK), ""])
        was_in_quote = self.in_quote and not self.prev_blank
        self.in_quote = bool(_QUOTE.match(line)) or (
            self.in_quote
            and not self.prev_blank
            and not self.stack
            and not (_BLOCK_START.match(line) or _HR.match(line) or _MARKER.match(line))
        )
        m, line = self.list_marker(line)
        if m:
            self.list_item(m, was_in_quote)
        elif self.item_continues(line):
            self.item_line(line)
        elif _is_table_start(lines, i):
            self.table_start(line)
        elif not self.setext_paragraph(line):
            self.prose(line)

    def list_marker(self, line: str) -> tuple[re.Match[str] | None, str]:
        """The line's list marker, if it starts an item here; the line, its marker
        escaped where Python-Markdown would read one that GFM does not."""
        n = _indent(line)
        m = _MARKER.match(line)
        if m and _HR.match(line):
            return None, line
        opens_list = not self.stack or n >= self.stack[-1].src_col  # or a sub-list of the item
        if m and not self.prev_blank and self.prev_para and opens_list and not _may_interrupt(m):
            if self.stack:  # Python-Markdown would nest it anyway: escape the marker
                line = _ESCAPE_MARKER.sub(r"\1\\\2", line, count=1)
            return None, line
        if m and self.stack and n >= self.stack[-1].src_col + 4:
            return None, line  # indented code inside an item, not a sub-list
        if m and not self.stack and n > 3 and self.prev_blank:
            return None, line  # an indented code block at top level
        return m, line

    def list_item(self, m: re.Match[str], was_in_quote: bool) -> None:
        n = len(m.group("indent"))
        starting = not self.stack
        marker = m.group("marker")
        kind = marker[-1] if marker[0].isdigit() else marker
        sibling = None
        while self.stack and n < self.stack[-1].src_col:
            sibling = self.stack.pop()
        if len(self.stack) >= MAX_LIST_DEPTH:
            sibling = self.stack.pop()  # deeper than any outline needs: a sibling instead
        new_list = sibling is not None and sibling.kind != kind
        # an item ends the quote, even after lazy lines
        after_item_para = not starting and not self.blocks.take_item_at(
            self.out, self.stack[-1].out_col if self.stack else 0
        )
        if (starting and self.prev_para) or new_list or was_in_quote or after_item_para:
            self._separate()
        indent = self.stack[-1].out_col if self.stack else 0
        ordered = kind in ".)"
        if new_list and sibling is not None and (sibling.kind in ".)") == ordered:
            # `-` then `*` (or `1.` then `1)`): a new list of the same type
            self.out.extend([" " * indent + self.stash(BLOCK_BREAK), ""])
        if marker.endswith(")"):
            marker = marker[:-1] + "."
        self.stack.append(_Item(_content_col(m), indent + 4, kind))
        self.out.append(" " * indent + marker + " " + m.group("rest"))
        self._after(False, True)

    def item_continues(self, line: str) -> bool:
        """Whether the line belongs to the open item; closes the items it does not."""
        n = _indent(line)
        if self.stack and self.prev_blank:
            while self.stack and n < self.stack[-1].src_col:
                self.stack.pop()
        elif (
            self.stack
            and n < self.stack[-1].src_col
            and (_BLOCK_START.match(line) or _HR.match(line))
        ):
            # a quote, heading, fence or rule ends the list (it is no lazy line)
            self.stack.clear()
            self._separate()
            self._after(True, False)
        return bool(self.stack)

    def item_line(self, line: str) -> None:
        item = self.stack[-1]
        n = _indent(line)
        if not self.prev_blank and n >= item.src_col and _BLOCK_START.match(line[item.src_col :]):
            # a quote or heading inside an item interrupts the item's paragraph
            self.out.append("")
        self.out.append(self._reindent(line, item))
        self._after(False, True)

    def table_start(self, line: str) -> None:
        if not self.prev_blank and self.out and "|" not in self.out[-1]:
            self.out.append("")
        self.out.append(line)
        self._after(False, False)
        self.in_table = True

    def setext_paragraph(self, line: str) -> bool:
        """GFM underlines the whole paragraph above; Python-Markdown only its last line."""
        start = _paragraph_start(self.out) if self.prev_para and _SETEXT.match(line) else -1
        if not 0 <= start < len(self.out) - 1:
            return False
        self.out[start:] = [_join_lines(self.out[start:])]
        self.out.append(line)
        self._after(False, False)
        return True

    def prose(self, line: str) -> None:
        """Any other line: a paragraph's, a heading, a rule, a quote read line by line."""
        if not self.prev_blank and self.out and _QUOTE_ENDS_BLOCK.match(self.out[-1]):
            # only a paragraph takes lazy lines: after a quote ending in a fence, a heading
            # or a rule, this line starts a block of its own
            self.out.append("")
            self.prev_blank = True
        last = self.out[-1] if self.out else ""
        if (
            _HR.match(line)
            and not self.prev_blank
            and self.out
            and (_QUOTE.match(last) or _HR.match(last) or _ATX.match(last))
        ):
            # a rule after a quote, a rule or a heading underlines no paragraph; left as
            # is, Python-Markdown would make a heading of the line above
            self.out.append("")
        self.out.append(line)
        # a heading is a block of its own: Python-Markdown re-joins the rest of a block for
        # every heading in it (quadratic), and after a setext underline the next line
        # starts afresh
        underline = self.prev_para and _SETEXT.match(line)
        if underline or _ATX.match(line):
            self.out.append("")
        self.prev_blank = False
        self.prev_para = not (_BLOCK_START.match(line) or _HR.match(line) or underline)


class ListNormalizer(Preprocessor):
    """Re-indent nested lists to 4 spaces and separate lists and tables from paragraphs.
    A box's content (`:::`, `!!!`, `???`, `===`) is a document of its own, read the same way
    and indented under its opening line (mdext.containers)."""

    def run(self, lines: list[str], depth: int = 0) -> list[str]:
        pieces = split_containers(lines, depth)
        if len(pieces) == 1 and pieces[0].opener is None:
            return self._normalize(lines)
        out: list[str] = []
        for piece in pieces:
            if piece.opener is None:
                out.extend(self._normalize(piece.lines))
                continue
            if out and out[-1].strip():
                out.append("")
            out.append(piece.opener)
            inner = self.run(piece.lines, depth + 1)
            out.extend("    " + line if line.strip() else "" for line in inner)
            out.append("")
        return out

    def _normalize(self, lines: list[str]) -> list[str]:
        state = _ListState(self.md.htmlStash.store, self.run)
        for seg in _quoted_fences_as_text(lines):
            if seg.kind == INDENTED and not state.stack:
                state.indented_code(seg.lines)
            elif seg.fenced:
                state.fence(seg.lines)
            else:
                state.text(seg.lines)
        return state.out


# CommonMark's HTML block kinds: (start, end); end None means "ends at a blank line".
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|"
    "h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|"
    "option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
_ATTR = r"""(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_HTML_KINDS: list[tuple[re.Pattern[str], re.Pattern[str] | None, bool]] = [
    (
        re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)", re.I),
        re.compile(r"</(?:script|pre|style|textarea)>", re.I),
        True,
    ),
    (re.compile(r"^ {0,3}<!--"), re.compile(r"-->"), True),
    (re.compile(r"^ {0,3}<\?"), re.compile(r"\?>"), True),
    (re.compile(r"^ {0,3}<![A-Za-z]"), re.compile(r">"), True),
    (re.compile(r"^ {0,3}<!\[CDATA\["), re.compile(r"\]\]>"), True),
    (re.compile(rf"^ {{0,3}}</?(?:{_BLOCK_TAGS})(?:\s|/?>|$)", re.I), None, True),
    (
        re.compile(rf"^ {{0,3}}(?:<[A-Za-z][\w-]*{_ATTR}*\s*/?>|</[A-Za-z][\w-]*\s*>)\s*$"),
        None,
        False,
    ),
]


# GFM's tag filter: the elements whose content an HTML parser reads as raw text, so that an
# unclosed one swallows the rest of the page (plus noscript, which does the same in browsers)
_RAW_TEXT_TAGS = "title|textarea|style|xmp|iframe|noembed|noframes|script|plaintext|noscript"
_RAW_TEXT_TAG = re.compile(rf"<(/?)({_RAW_TEXT_TAGS})(?=[\s/>]|$)", re.I)


def tag_filter(raw: str) -> str:
    """Raw HTML with GFM's tag filter applied to every raw-text tag that is not closed
    within it: `用 <script> 标签` shows the tag as text instead of hiding all that follows.
    A whole element (`<style>…</style>`) is left for the sanitiser, which drops what
    WeChat drops (W1, W2)."""
    if "<" not in raw:
        return raw
    out: list[str] = []
    pos = 0
    lower = raw.lower()
    for m in _RAW_TEXT_TAG.finditer(raw):
        if m.start() < pos:
            continue  # inside a whole element kept above
        closing = -1 if m.group(1) else lower.find(f"</{m.group(2).lower()}", m.end())
        if closing >= 0 and m.group(2).lower() != "plaintext":
            out.append(raw[pos:closing])
            pos = closing
            end = raw.find(">", closing)
            out.append(raw[pos : end + 1 if end >= 0 else len(raw)])
            pos = end + 1 if end >= 0 else len(raw)
            continue
        out.append(raw[pos : m.start()] + "&lt;")
        pos = m.start() + 1
    out.append(raw[pos:])
    return "".join(out)


def _last_line_with(lines: list[str], end: re.Pattern[str]) -> int:
    """The index of the last line holding end, or -1."""
    return next((i for i in range(len(lines) - 1, -1, -1) if end.search(lines[i])), -1)


class TagFilterHtmlProcessor(HtmlInlineProcessor):
    """Inline raw HTML, stashed with GFM's tag filter applied (see tag_filter)."""

    wx_lookback = 0  # reads its match only: the inline pass may apply it in place

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[str, int, int]:
        raw = self.backslash_unescape(self.unescape(m.group(1)))
        return self.md.htmlStash.store(tag_filter(raw)), m.start(0), m.end(0)


class HtmlBlockPreprocessor(Preprocessor):
    """CommonMark HTML blocks: stash raw HTML as GitHub does, so Markdown after it still renders.

    Comments are dropped. The raw HTML is sanitised later, with the whole page.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        prev_para = False
        last_raw_end: int | None = None  # the last line that can close a <script> or <style>
        while i < len(lines):
            line = lines[i]
            kind = next(
                (k for k in _HTML_KINDS if k[0].match(line) and (k[2] or not prev_para)), None
            )
            if kind is None:
                out.append(line)
                prev_para = bool(line.strip()) and not line.startswith("    ")
                i += 1
                continue
            start, end, _ = kind
            if kind is _HTML_KINDS[0] and end is not None:
                if last_raw_end is None:
                    last_raw_end = _last_line_with(lines, end)
                m = start.match(line)
                closes_here = m is not None and bool(end.search(line, m.end()))
                closes = closes_here or last_raw_end > i
            else:
                closes = True
            if not closes:
                # an unclosed <script> or <style> is a tag named in prose (GitHub would read
                # the rest of the article as raw HTML): the line stays text, its tag escaped
                out.append(line)
                prev_para = True
                i += 1
                continue
            block = [line]
            if end is not None:
                # kinds 1-5 end at a line holding their end marker (after the start, on line one)
                tail = line[start.match(line).end() :]  # type: ignore[union-attr]
                while not end.search(tail) and i + 1 < len(lines):
                    i += 1
                    block.append(lines[i])
                    tail = lines[i]
                i += 1
            else:
                i += 1
                while i < len(lines) and lines[i].strip():
                    block.append(lines[i])
                    i += 1
            raw = "\n".join(block)
            if kind is _HTML_KINDS[1]:
                out.append("")  # comments are the writer's notes, not the reader's
            else:
                out.extend(["", self.md.htmlStash.store(tag_filter(raw)), ""])
            prev_para = False
        return out


class GfmHeadingProcessor(HashHeaderProcessor):
    """ATX headings as in GFM: a space after the #s, and closing #s only after a space (`## C#`).
    A heading id or class that Typora, pandoc and kramdown read (`{#id}`, `{.unnumbered}`,
    `{-}`) is left out: WeChat keeps no id (W6), and the reader should not see it."""

    RE = re.compile(
        r"(?:^|\n)[ ]{0,3}(?P<level>#{1,6})(?=[ \t]|\n|$)(?P<header>[^\n]*?)"
        r"(?:(?<=[ \t])#+)?(?:[ \t]+\{:?[ \t]*(?:[#.][\w-]+[ \t]*|-[ \t]*)+\})?[ \t]*(?:\n|$)"
    )


class HardBreakProcessor(InlineProcessor):
    """A backslash at the end of a line is a hard line break (GFM)."""

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        return etree.Element("br"), m.start(0), m.end(0)


class TablePipeProcessor(Treeprocessor):
    """GFM: `\\|` in a table cell is a pipe even inside a code span (`a\\|b` shows a|b)."""

    def run(self, root: etree.Element) -> None:
        for cell in root.iter():
            if cell.tag not in ("td", "th"):
                continue
            for code in cell.iter("code"):
                if code.text and "\\|" in code.text:
                    code.text = AtomicString(code.text.replace("\\|", "|"))


class GfmExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # GFM lets a backslash escape any ASCII punctuation (`\$`, `\|`, `\~`, ...)
        md.ESCAPED_CHARS = sorted(set(md.ESCAPED_CHARS) | set(string.punctuation))
        md.preprocessors.register(BoundsPreprocessor(md), "wx_bounds", 29.5)
        md.preprocessors.register(ListNormalizer(md), "wx_lists", 28)
        md.preprocessors.deregister("html_block")
        md.preprocessors.register(HtmlBlockPreprocessor(md), "wx_html_block", 20)
        md.parser.blockprocessors.register(GfmHeadingProcessor(md.parser), "hashheader", 70)
        md.inlinePatterns.register(TagFilterHtmlProcessor(HTML_RE, md), "html", 90)
        md.treeprocessors.register(TablePipeProcessor(md), "wx_table_pipes", 19)
        md.inlinePatterns.register(HardBreakProcessor(r"\\\n", md), "wx_hard_break", 185)
        # GFM strikethrough, with two tildes or one (pymdownx.tilde does this too, but builds
        # its delimiter patterns for 15 ms at every start)
        md.inlinePatterns.register(
            SimpleTagInlineProcessor(r"(?<![~\\])(~~)(?![~\s])(.+?)(?<![~\s])~~(?!~)", "del"),
            "wx_double_tilde",
            65,
        )
        md.inlinePatterns.register(
            SimpleTagInlineProcessor(r"(?<![~\\])(~)(?![~\s])(.+?)(?<![~\s])~(?!~)", "del"),
            "wx_single_tilde",
            64,
        )
