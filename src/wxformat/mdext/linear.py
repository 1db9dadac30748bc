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
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.inlinepatterns import (
    ENTITY_RE,
    HtmlInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)

MAX_LINK_PARENS = 32
_ENTITY = ENTITY_RE[1:-1]  # the pattern without its group
ENTITY_RUN_RE = rf"({_ENTITY}(?:[ \t]*{_ENTITY})*)"
_BRACKET = re.compile(r"[\[\]]")
_OPEN_PAREN = re.compile(r"\(")


class _Brackets:
    """Where each `[` of a text closes, and where its `(` and `)` are.

    Positions are kept as offsets from the end of the text (negative), because where a `[`
    closes depends only on the text after it: when a link is replaced by a placeholder,
    everything after it is unchanged and the table still holds for that part.
    """

    def __init__(self, data: str) -> None:
        end = len(data)
        self.data = data
        self.valid = end  # how many characters at the end the table describes
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

    def adopt(self, data: str, kept: int) -> bool:
        """Describe data, whose last `kept` characters are the last `kept` of ours."""
        if kept > len(data) or not data.endswith(self.data[len(self.data) - kept :]):
            return False
        self.data, self.valid = data, min(self.valid, kept)
        return True

    def window_end(self, offset: int) -> int:
        """The offset past which a destination starting at offset is not searched."""
        cap = bisect_right(self.open_parens, offset) + MAX_LINK_PARENS
        return self.open_parens[cap] if cap < len(self.open_parens) else 0


class _LinearLinks(InlineProcessor):
    """getText and getLink for every link-like processor, in O(1) and O(window)."""

    _brackets: _Brackets | None = None
    _replaced: tuple[str, int] | None = None  # the text we last matched in, and the match's end

    def _table(self, data: str, offset: int) -> _Brackets:
        table = self._brackets
        if table is not None and table.data is not data:
            if self._replaced and self._replaced[0] is table.data:
                kept = len(table.data) - self._replaced[1]
                if not table.adopt(data, kept):
                    table = None
            else:
                table = None
        self._replaced = None
        if table is None or -offset > table.valid:
            table = self._brackets = _Brackets(data)
        return table

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[Element | str | None, int | None, int | None]:
        node, start, end = super().handleMatch(m, data)
        if node is not None and start is not None and end is not None and 0 <= start <= end:
            self._replaced = (data, end)  # what follows the match survives the replacement
        return node, start, end

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        if index == 0 or data[index - 1] != "[":
            return super().getText(data, index)  # type: ignore[misc, no-any-return]
        end = len(data)
        close = self._table(data, index - 1 - end).closing.get(index - 1 - end)
        if close is None:
            return "", end, False
        return data[index : close + end], close + end + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        if not data.startswith("(", index):  # not a destination: Python-Markdown says so fast
            return super().getLink(data, index)  # type: ignore[misc, no-any-return]
        end = len(data)
        table = self._table(data, index - end)
        if table.last_closer < index - end:  # Python-Markdown would scan to the end in vain
            return "", None, index, False
        stop = table.window_end(index - end) + end
        if stop == end:
            return super().getLink(data, index)  # type: ignore[misc, no-any-return]
        if not any(c in data[index:stop] for c in ")'\""):  # C-speed: no way to close here
            return "", None, index, False
        href, title, rel, handled = super().getLink(data[index:stop], 0)  # type: ignore[misc]
        return href, title, (rel + index if rel >= 0 else rel), handled


class _Link(_LinearLinks, LinkInlineProcessor):
    pass


class _Image(_LinearLinks, ImageInlineProcessor):
    pass


class _Reference(_LinearLinks, ReferenceInlineProcessor):
    pass


class _ImageReference(_LinearLinks, ImageReferenceInlineProcessor):
    pass


class _ShortReference(_LinearLinks, ShortReferenceInlineProcessor):
    pass


class _ShortImageReference(_LinearLinks, ShortImageReferenceInlineProcessor):
    pass


# name: (linear processor, Python-Markdown's priority for it)
_LINEAR: dict[str, tuple[type[Any], float]] = {
    "reference": (_Reference, 170),
    "link": (_Link, 160),
    "image_link": (_Image, 150),
    "image_reference": (_ImageReference, 140),
    "short_reference": (_ShortReference, 130),
    "short_image_ref": (_ShortImageReference, 125),
}


class LinearInlineExtension(Extension):
    """Link processors that find brackets once per text, and entity runs matched whole."""

    def extendMarkdown(self, md: Markdown) -> None:
        for name, (linear, priority) in _LINEAR.items():
            md.inlinePatterns.register(linear(md.inlinePatterns[name].pattern, md), name, priority)
        md.inlinePatterns.register(HtmlInlineProcessor(ENTITY_RUN_RE, md), "wx_entity_run", 81)
