"""Lists come out of the Markdown stage with no white space between their items.

Python-Markdown's prettifier puts a line break after every `<li>` and after each list's
opening tag. The WeChat cleanup removes every one of them at the end (white space between
blocks, W15), but until then each is a node that every fixer walks past: a list of 25,000
items carried 25,000 of them through a tenth of the pipeline's time. Only white space
directly inside `<ul>`/`<ol>` (before an item or the end of the list), or after a sublist
in an item, is taken out: where the cleanup would remove it, as an item stays a block and
a list's parts are never shown. One difference shows: when a list nested three deep moves
out of its item (W17), the line break after it used to stay behind, a stray space at the
end of the item's text. Raw HTML lists are not touched.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

LISTS = ("ul", "ol")
LIST_PARTS = ("li", "ul", "ol")


class CompactListsTreeprocessor(Treeprocessor):
    def run(self, root: Element) -> None:
        for lst in root.iter():
            if lst.tag not in LISTS:
                continue
            children = list(lst)
            if not children or any(child.tag not in LIST_PARTS for child in children):
                continue  # something else in the list (raw HTML): left as it is
            if lst.text is not None and not lst.text.strip():
                lst.text = None
            for child in children:
                if child.tail is not None and not child.tail.strip():
                    child.tail = None
                for sublist in child:  # a list an item ends with: its line break too
                    tail = sublist.tail
                    if sublist.tag in LISTS and tail is not None and not tail.strip():
                        sublist.tail = None


class CompactListsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # after the prettifier (10) and the processors that add lists of their own (TOC)
        md.treeprocessors.register(CompactListsTreeprocessor(md), "wx_compact_lists", 1)
