"""GitHub alerts: a quote starting with `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or
`[!CAUTION]` becomes a callout section with a title, styled by the theme."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# plain words: an emoji icon depends on the reader's fonts, a coloured label does not
ALERTS = {
    "note": "说明",
    "tip": "提示",
    "important": "重要",
    "warning": "注意",
    "caution": "警告",
}
_MARK = re.compile(r"^\s*\[!(note|tip|important|warning|caution)\][ \t]*\n?", re.I)


class AlertProcessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for quote in root.iter("blockquote"):
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p" or not first.text:
                continue
            m = _MARK.match(first.text)
            if not m:
                continue
            kind = m.group(1).lower()
            first.text = first.text[m.end() :]
            if not first.text and not len(first):
                quote.remove(first)
            quote.tag = "section"
            quote.set("class", f"wx-alert wx-alert-{kind}")
            title = etree.Element("p", {"class": "wx-alert-title"})
            title.text = ALERTS[kind]
            quote.insert(0, title)


class AlertExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(AlertProcessor(md), "wx_alerts", 5)
