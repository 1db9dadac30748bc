"""Headings: no CJK character left alone on a heading's last line.

A heading that wraps one character short (`…内存分配器` / `吧`) leaves that character alone
under a full line. The last two characters (with any closing punctuation) are glued with
`white-space: nowrap`, so the browser carries the pair, never one. Themes also ask for
balanced lines (`text-wrap: balance`) where the reader's browser knows it.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from wxformat.tree import ancestor, tags, texts
from wxformat.wechat.context import Context

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a character, optional spaces, then one character that could be left alone (a CJK character
# or a one-letter word: `什么是 C`), then closing punctuation and spaces
_TAIL = re.compile(
    rf"\S\s*(?:[{_CJK}]|(?<=\s)[A-Za-z0-9])[\u3000-\u303f\uff00-\uffef\"'”’)）!?.。，,：:]*\s*$"
)
NOWRAP = "white-space:nowrap"


def fix_headings(soup: BeautifulSoup, ctx: Context) -> None:
    for heading in tags(soup, *HEADINGS):
        words = [t for t in texts(heading) if t.strip() and not ancestor(t, "svg", "code")]
        if not words:
            continue
        last = words[-1]
        if last.next_element is not None and ancestor(last.next_element, *HEADINGS) is heading:
            # something after the last text (a formula, an image) ends the heading
            continue
        tail = _TAIL.search(str(last))
        if tail is None or tail.start() == 0:
            continue
        glue = soup.new_tag("span", style=NOWRAP)
        glue.string = tail.group(0)
        last.replace_with(NavigableString(str(last)[: tail.start()]), glue)
