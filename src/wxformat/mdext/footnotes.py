"""Footnotes, as Python-Markdown's extension writes them, numbered by first reference.

Its re-numbering pass expects every footnote to end in a back-link, which it adds to the
footnote's last paragraph; an empty footnote (`[^1]:` with nothing after it) has none, and
the pass raised an AttributeError whenever footnotes were referenced in another order
than defined. Here an empty footnote gets a stand-in back-link for that pass only.

One footnote referenced many times cost time that grew with the square of the references
(16,000 references to one note, 96 KB, took over a minute); here each reference costs the
same:
- each reference after the first gets its own id (`fnref:1`, `fnref2:1`, `fnref3:1`, ...):
  Python-Markdown found the next free one by trying them all from the first; here it comes
  from the count of references made, in one step, and the ids are the same;
- the mark's text (`[1]`) is read by no later inline pattern, and the inline pass searches
  on past a mark instead of rebuilding the paragraph's text for each (see `_Reference`);
- a footnote gets no extra back-link per repeated reference: the WeChat stage removes every
  back-link (in-page `#` links cannot be saved in WeChat, wechat/links.py), so those were
  made, written out, sanitised and parsed again only to be thrown away. The footnote's one
  back-link stays: the re-numbering pass above reads it.
Many footnotes cost time that grew with the square of their number too: the list of the
footnotes referenced so far was searched at every reference (see `_Order`).
"""

from __future__ import annotations

import re
from typing import SupportsIndex
from xml.etree.ElementTree import Element, SubElement

from markdown import Markdown, util
from markdown.extensions.footnotes import (
    FootnoteExtension,
    FootnoteInlineProcessor,
    FootnoteReorderingProcessor,
)

BACKLINK = './/a[@class="footnote-backref"]'


class _Order(list[str]):
    """The footnotes' ids in order of first reference, as Python-Markdown keeps them, with
    each one's place also in a dict: it asks whether an id is listed, and where, at every
    reference and again when re-numbering, which took a search of the list each time
    (5,000 footnotes: 0.4 s). Python-Markdown only appends to it."""

    def __init__(self) -> None:
        super().__init__()
        self._places: dict[str, int] = {}

    def append(self, item: str) -> None:
        self._places.setdefault(item, len(self))
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and item in self._places

    def index(self, item: str, *bounds: SupportsIndex) -> int:
        place = self._places.get(item)
        if place is None or bounds:
            return super().index(item, *bounds)
        return place


class _Reordering(FootnoteReorderingProcessor):
    def reorder_footnotes(self, parent: Element) -> None:
        listed = parent.find("ol")
        stand_ins: list[tuple[Element, Element]] = []
        if listed is not None:
            for item in listed.findall("li"):
                if item.find(BACKLINK) is None:
                    stand_ins.append((item, SubElement(item, "a", {"class": "footnote-backref"})))
        super().reorder_footnotes(parent)
        for item, stand_in in stand_ins:
            item.remove(stand_in)


class _Reference(FootnoteInlineProcessor):
    """A reference mark's text (`[1]`) is final: the later inline patterns do not read it.
    They found nothing to do in it but cost a pass over every pattern per reference, except
    where the article defines a link `[1]: URL`: then `[1]` in the mark became that link,
    and the mark lost its number."""

    # its handleMatch reads only its match: the inline pass may search on past it without
    # rebuilding the text per reference (mdext/inline_pass.py)
    wx_lookback = 0

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[Element | str | None, int | None, int | None]:
        mark, start, end = super().handleMatch(m, data)
        if isinstance(mark, Element):
            for link in mark.iter("a"):
                if link.text is not None:
                    link.text = util.AtomicString(link.text)
        return mark, start, end


class Footnotes(FootnoteExtension):
    """Python-Markdown's footnotes, with empty footnotes renumbered safely and repeated
    references numbered in constant time each."""

    def reset(self) -> None:
        super().reset()
        self.footnote_order = _Order()

    def unique_ref(self, reference: str, found: bool = False) -> str:
        """The id of a reference mark: `reference` itself for the first mark of a footnote,
        then the same with 2, 3, ... after its prefix (`fnref2:1`), as Python-Markdown's."""
        if not found:
            return reference
        made = self.found_refs.get(reference, 0)
        prefix, separator, rest = reference.partition(self.get_separator())
        # the n-th mark's id is free when the marks before took exactly the ids before it:
        # so whenever the id has no separator or already ends its prefix in a number, or the
        # id is somehow taken, the parent's search (which never reuses an id) decides
        candidate = reference if made == 0 else f"{prefix}{made + 1}{separator}{rest}"
        if not separator or prefix[-1:].isdigit() or candidate in self.used_refs:
            return super().unique_ref(reference, found)
        self.used_refs.add(candidate)
        self.found_refs[reference] = made + 1
        return candidate

    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        parent = md.inlinePatterns["footnote"]
        md.inlinePatterns.register(_Reference(parent.pattern, self), "footnote", 175)
        md.treeprocessors.register(_Reordering(self), "footnote-reorder", 19)
        # the back-links for repeated references (`fnref2:1`, ...): none is kept (see above)
        md.treeprocessors.deregister("footnote-duplicate", strict=False)
