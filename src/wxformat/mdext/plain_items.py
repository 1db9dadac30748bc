"""A list item that is one line starting with a letter (after a task box `[ ]`, if any)
goes straight to the paragraph processor, which is where Python-Markdown's block parser
would send it anyway.

The parser offers every item of a list to each of its sixteen block processors in turn
(`parseBlocks`); a list of 25,000 short items spent a third of its Markdown stage there.
For one line that starts with a letter (any script), every processor before the paragraph
declines: each needs a marker at the start of a line (`#`, `>`, `-`, `1.`, `|`, `!!!`,
`???`, `===`, `[^`, `[label]:`), a second line (tables, setext headings) or an indent
(code, nested content), and none of those can be in such a line. That holds for the
processors this module knows; the fast path is taken only while the parser has exactly
those, in that order, and tests/test_properties.py checks it against the full path.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.blockparser import BlockParser

# one line, a letter first (no digit, no _), after a task box if any
PLAIN_LINE = re.compile(r"(?:\[[ xX]\][ \t]+)?[^\W\d_][^\n]*\Z")
# the processors whose refusal of such a line is described above, in their order
KNOWN_PROCESSORS = (
    "AdmonitionProcessor",  # admonition
    "DetailsProcessor",  # details
    "TabbedProcessor",  # tabbed
    "EmptyBlockProcessor",  # empty
    "ListIndentProcessor",  # indent
    "SuperFencesCodeBlockProcessor",  # code
    "TableProcessor",  # table
    "GfmHeadingProcessor",  # hashheader
    "SetextHeaderProcessor",  # setextheader
    "HRProcessor",  # hr
    "SaneOListProcessor",  # olist
    "SaneUListProcessor",  # ulist
    "BlockQuoteProcessor",  # quote
    "FootnoteBlockProcessor",  # footnote
    "ReferenceProcessor",  # reference
    "ParagraphProcessor",  # paragraph
)


def known_processors(parser: BlockParser) -> bool:
    """Whether the parser's block processors are exactly those described above."""
    return tuple(type(processor).__name__ for processor in parser.blockprocessors) == (
        KNOWN_PROCESSORS
    )


class ItemParser:
    """The block parser as the list processors see it: the same parser, with the fast path
    in front of `parseBlocks`. Only the list processors hold it, so a block nested in
    other blocks (300 admonitions deep) costs the stack no extra frame per level."""

    def __init__(self, parser: BlockParser) -> None:
        self.parser = parser
        self.known: bool | None = None  # decided at the first item: all extensions are in

    def __getattr__(self, name: str) -> Any:
        return getattr(self.parser, name)

    def parseBlocks(self, parent: Element, blocks: list[str]) -> None:
        parser = self.parser
        state = parser.state
        if (
            len(blocks) == 1
            and state
            and state[-1] in ("list", "looselist")
            and PLAIN_LINE.match(blocks[0])
        ):
            if self.known is None:
                self.known = known_processors(parser)
            if self.known:
                parser.blockprocessors["paragraph"].run(parent, blocks)
                return
        parser.parseBlocks(parent, blocks)


class PlainItemsExtension(Extension):
    """Registered last: it looks at the processors the other extensions left."""

    def extendMarkdown(self, md: Markdown) -> None:
        for name in ("olist", "ulist"):
            if name in md.parser.blockprocessors:
                md.parser.blockprocessors[name].parser = ItemParser(md.parser)  # type: ignore[assignment]
