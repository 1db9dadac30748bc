"""Keep Python-Markdown's inline pass linear on hostile input (the preview re-renders on
every save, so a few kilobytes must never take seconds).

Python-Markdown looks for a link's closing `]` and `)` by scanning to the end of the text
from every `[` (upstream issue #798): `[` x 8,000 took 10 s, `[](` x 20,000 over a minute.
Its entity pattern rebuilds the whole text once per entity: `&amp;` x 200,000 took minutes.

- Where each `[` closes is found once per text, in one pass, by the same bracket counting
  Python-Markdown does; so a `[` costs O(1), and the answer is the same.
- A link destination is searched for its `)` only if a `)` or a quote follows at all, and
  only up to the 32nd `(` after it (cmark caps nested parentheses at 32 too). No real link has 32
  parentheses in its destination and title; past that the text stays text, as written.
- A run of entities (`&amp;&amp; &lt;`) is kept as one piece instead of one per entity.
- SuperFences puts each fence's placeholder back into the article's lines in one pass.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import pairwise
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.inlinepatterns import (
    BACKTICK_RE,
    ENTITY_RE,
    BacktickInlineProcessor,
    HtmlInlineProcessor,
    ImageInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
)
from pymdownx.superfences import SuperFencesBlockPreprocessor

from wxformat.mdext import inline_pass

MAX_LINK_PARENS = 32
_ENTITY = ENTITY_RE[1:-1]  # the pattern without its group
ENTITY_RUN_RE = rf"({_ENTITY}(?:[ \t]*{_ENTITY})*)"
_BRACKET = re.compile(r"[\[\]]")
_OPEN_PAREN = re.compile(r"\(")


class _Brackets:
    """Where each `[` of a text closes, and where its `(`, `)` and quotes are.

    Positions are kept as offsets from the end of the text (negative), because where a `[`
    closes depends only on the text after it: when a link is replaced by a placeholder,
    everything after it is unchanged and the table still holds for that part.
    """

    def __init__(self, data: str) -> None:
        end = len(data)
        self.data = data
        self.closing: dict[int, int] = {}
        opened: list[int] = []
        for m in _BRACKET.finditer(data):
            if m.group() == "[":
                opened.append(m.start() - end)
            elif opened:
                self.closing[opened.pop()] = m.start() - end
        self.open_parens = [m.start() - end for m in _OPEN_PAREN.finditer(data)]
        # the last `)` and quote: without either after it, no destination can close
        self.last_closer = max(data.rfind(c) for c in ")'\"") - end

    def window_end(self, offset: int) -> int:
        """The offset past which a destination starting at offset is not searched."""
        cap = bisect_right(self.open_parens, offset) + MAX_LINK_PARENS
        return self.open_parens[cap] if cap < len(self.open_parens) else 0


def _window_end(data: str, index: int) -> int:
    """Where a destination starting at index is searched no further: its 33rd `(`."""
    position = index
    for _ in range(MAX_LINK_PARENS + 1):
        position = data.find("(", position + 1)
        if position < 0:
            return len(data)
    return position


class _LinearLinks(InlineProcessor):
    """getText and getLink for every link-like processor, in O(1) and O(window).

    One table per text. A text that is another one with a link replaced (what Python-
    Markdown does after each match) shares its end with it, checked once (C-speed); a copy
    an extension changed after a link (an image's `=120x` size cut out) shares the link
    itself, checked link by link. Only a text unlike the last one gets a table of its own.
    """

    _brackets: _Brackets | None = None
    _view: tuple[str, int] | None = None  # a text whose end from this index on ends ours
    guarded = True  # False: Python-Markdown's own search (what the tests compare with)
    # the inline pass may search on past a match in place (mdext.inline_pass) when
    # handleMatch reads the text only from the match on: Python-Markdown's link handlers do
    wx_lookback: int | None = None

    def _table_for(self, data: str, p: int) -> _Brackets | None:
        """A table whose answers hold for data from p on, if the last one does."""
        table = self._brackets
        if table is None or table.data is data:
            return table
        if self._view is not None and self._view[0] is data and self._view[1] <= p:
            return table
        if len(data) - p <= len(table.data) and table.data.endswith(data[p:]):
            self._view = (data, p)
            return table
        return None

    def _fresh(self, data: str) -> _Brackets:
        self._brackets, self._view = _Brackets(data), None
        return self._brackets

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[Element | str | None, int | None, int | None]:
        # the text being matched in is the one to answer for, even when an extension hands
        # getText a changed copy of it
        if self._table_for(data, m.start(0)) is None:
            self._fresh(data)
        return super().handleMatch(m, data)

    def _closing(self, data: str, p: int) -> int | None:
        """Where the `[` at p closes in data, or None when it never does."""
        end = len(data)
        table = self._table_for(data, p)
        if table is None and self._brackets is not None:
            # a copy of the text changed after the link: the same up to its `]`?
            text, start = self._view or (self._brackets.data, 0)
            if start <= p < len(text):
                offset = self._brackets.closing.get(p - len(text))
                close = None if offset is None else offset + len(text)
                if close is not None and data[p : close + 1] == text[p : close + 1]:
                    return close
        if table is None:
            table = self._fresh(data)
        offset = table.closing.get(p - end)
        return None if offset is None else offset + end

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        if not self.guarded or index == 0 or data[index - 1] != "[":
            return super().getText(data, index)  # type: ignore[misc, no-any-return]
        close = self._closing(data, index - 1)
        if close is None:
            return "", len(data), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        if not self.guarded or not data.startswith("(", index):  # not one, or not guarded
            return super().getLink(data, index)  # type: ignore[misc, no-any-return]
        end = len(data)
        table = self._table_for(data, index)
        if table is not None:
            closes = table.last_closer >= index - end
            stop = table.window_end(index - end) + end
        else:  # a text of its own: C-speed searches instead of a table
            closes = any(data.find(c, index) >= 0 for c in ")'\"")
            stop = _window_end(data, index)
        if not closes:  # Python-Markdown would scan to the end in vain
            return "", None, index, False
        if stop == end:
            return super().getLink(data, index)  # type: ignore[misc, no-any-return]
        if not any(c in data[index:stop] for c in ")'\""):  # C-speed: no way to close here
            return "", None, index, False
        href, title, rel, handled = super().getLink(data[index:stop], 0)  # type: ignore[misc]
        return href, title, (rel + index if rel >= 0 else rel), handled


_LINK_PROCESSORS: tuple[str, ...] = ("reference", "link", "image_link", "image_reference")
_LINK_PROCESSORS += ("short_reference", "short_image_ref")
_linear_classes: dict[type[Any], type[Any]] = {}
_FORWARD_HANDLERS = {
    LinkInlineProcessor.handleMatch,
    ImageInlineProcessor.handleMatch,
    ReferenceInlineProcessor.handleMatch,
}


def _linear(cls: type[Any]) -> type[Any]:
    """cls with getText and getLink made linear: whatever else a processor registered under
    a link's name does it still does."""
    if issubclass(cls, _LinearLinks):  # built on a linear processor already
        return cls
    if cls not in _linear_classes:
        forward = cls.handleMatch in _FORWARD_HANDLERS
        attributes = {"wx_lookback": 0 if forward else None}
        _linear_classes[cls] = type(f"Linear{cls.__name__}", (_LinearLinks, cls), attributes)
    return _linear_classes[cls]


class LinearImageProcessor(_LinearLinks, ImageInlineProcessor):
    """For extensions that read more of an image link (the dialects' `=120x` size)."""

    wx_lookback = 0  # ImageInlineProcessor.handleMatch reads from the match on


_linear_classes[ImageInlineProcessor] = LinearImageProcessor


class LinearBacktickProcessor(BacktickInlineProcessor):
    """Markdown's code spans, applied in place by the inline pass (a paragraph of 25,000
    code spans rebuilt its text after each): handleMatch reads the text from the match on,
    and the pattern's lookbehinds only ask whether the character before is a backslash."""

    wx_lookback = 0
    wx_reach = (1, None)  # one character before a match: its two alternatives' lookbehinds

    def wx_same_after(self, data: str, cut: int) -> bool:
        # a placeholder ends in ETX, never a backslash: after it the pattern finds what it
        # finds after the text it replaced, unless that text ended in a backslash (a run of
        # escaped backslashes before a backtick)
        return data[cut - 1] != "\\"


class LinearSuperFences(SuperFencesBlockPreprocessor):  # type: ignore[misc]  # untyped
    """SuperFences' fence finder, with the fences put back in one pass: it rebuilt the
    article's whole list of lines once per fence (4,500 fences, 13,500 lines: 60 million
    copies)."""

    def reassemble(self, lines: list[str]) -> list[str]:
        fences = sorted(self.stack, key=lambda fence: fence[1])
        if any(before[2] > after[1] for before, after in pairwise(fences)):
            return super().reassemble(lines)  # type: ignore[no-any-return]  # overlapping
        out: list[str] = []
        last = 0
        for placeholder, start, end in fences:
            out += lines[last:start]
            out.append(placeholder)
            last = end
        out += lines[last:]
        self.stack.clear()
        return out


class LinearInlineExtension(Extension):
    """Link processors that find brackets once per text, entity runs matched whole, and an
    inline pass that rebuilds a text once per pattern, not once per match."""

    def extendMarkdown(self, md: Markdown) -> None:
        # registered last, so each link processor is the one the other extensions left
        # there: it keeps its class's behaviour, with the linear bracket search in front
        for name in _LINK_PROCESSORS:
            if name in md.inlinePatterns:
                processor = md.inlinePatterns[name]
                if isinstance(processor, LinkInlineProcessor):
                    processor.__class__ = _linear(type(processor))
        md.inlinePatterns.register(HtmlInlineProcessor(ENTITY_RUN_RE, md), "wx_entity_run", 81)
        for name in ("backtick",) if "backtick" in md.inlinePatterns else ():
            backtick = md.inlinePatterns[name]
            # only the pattern whose lookbehinds wx_same_after describes (Markdown 3.x's)
            if type(backtick) is BacktickInlineProcessor and backtick.pattern == BACKTICK_RE:
                backtick.__class__ = LinearBacktickProcessor
        if "fenced_code_block" in md.preprocessors:
            fences = md.preprocessors["fenced_code_block"]
            if type(fences) is SuperFencesBlockPreprocessor:
                fences.__class__ = LinearSuperFences
        if inline_pass.available():  # in place of Markdown's own, at its priority
            md.treeprocessors.register(inline_pass.LinearInlineProcessor(md), "inline", 20)
            if "em_strong" in md.inlinePatterns:
                inline_pass.quick_emphasis(md.inlinePatterns["em_strong"])
