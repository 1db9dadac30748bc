"""Footnotes, as Python-Markdown's extension writes them, numbered by first reference.

Its re-numbering pass expects every footnote to end in a back-link, which it adds to the
footnote's last paragraph; an empty footnote (`[^1]:` with nothing after it) has none, and
the pass raised an AttributeError whenever footnotes were referenced in another order
than defined. Here an empty footnote gets a stand-in back-link for that pass only.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement

from markdown import Markdown
from markdown.extensions.footnotes import FootnoteExtension, FootnoteReorderingProcessor

BACKLINK = './/a[@class="footnote-backref"]'


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


class Footnotes(FootnoteExtension):
    """Python-Markdown's footnotes, with empty footnotes renumbered safely."""

    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        md.treeprocessors.register(_Reordering(self), "footnote-reorder", 19)
