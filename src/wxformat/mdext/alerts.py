"""Callout boxes, from every dialect writers use, drawn one way: a `section` with a title
paragraph, styled by the theme (WeChat keeps no `<details>` or `<input>`, W2/W3).

- GitHub alerts and Obsidian callouts: a quote starting with `[!NOTE]`, `[!TIP]`, … with an
  optional title after the marker (`> [!IMPORTANT] 上线前必读`).
- doocs/md containers `::: tip 标题` … `:::` and MkDocs admonitions `!!! note "标题"`,
  read by mdext.containers into Python-Markdown's admonition form.
- MkDocs collapsibles `??? note "标题"` (pymdownx.details), shown open: WeChat cannot fold.
- MkDocs content tabs `=== "Python"` (pymdownx.tabbed): each tab a titled part, in order.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# the five looks a theme draws; a kind no one names gets the neutral box
STYLES = ("note", "tip", "important", "warning", "caution", "neutral")
# kind -> (look, default title): plain words, as an emoji icon depends on the reader's fonts
KINDS: dict[str, tuple[str, str]] = {
    "note": ("note", "说明"),
    "info": ("note", "信息"),
    "abstract": ("note", "摘要"),
    "summary": ("note", "摘要"),
    "tldr": ("note", "摘要"),
    "todo": ("note", "待办"),
    "definition": ("note", "定义"),
    "tip": ("tip", "提示"),
    "hint": ("tip", "提示"),
    "success": ("tip", "成功"),
    "check": ("tip", "成功"),
    "done": ("tip", "完成"),
    "important": ("important", "重要"),
    "question": ("important", "问题"),
    "help": ("important", "问题"),
    "faq": ("important", "问题"),
    "example": ("important", "示例"),
    "theorem": ("important", "定理"),
    "lemma": ("important", "引理"),
    "corollary": ("important", "推论"),
    "proposition": ("important", "命题"),
    "warning": ("warning", "注意"),
    "attention": ("warning", "注意"),
    "caution": ("caution", "警告"),
    "danger": ("caution", "危险"),
    "error": ("caution", "错误"),
    "failure": ("caution", "失败"),
    "fail": ("caution", "失败"),
    "missing": ("caution", "缺失"),
    "bug": ("caution", "缺陷"),
    "proof": ("neutral", "证明"),
    "remark": ("neutral", "注"),
    "quote": ("neutral", "引用"),
    "cite": ("neutral", "引用"),
}
# `[!NOTE]`, Obsidian's `[!faq]-` (folded) and `[!tip]+`, then an optional title
_MARK = re.compile(r"^\s*\[!([\w-]+)\][-+]?(?P<space>[ \t]*)", re.I)


def look_of(kind: str) -> tuple[str, str]:
    """The look and default title of a box kind; an unknown kind titles itself (doocs/md)."""
    return KINDS.get(kind.lower(), ("neutral", kind))


def make_box(box: etree.Element, kind: str, title: etree.Element | None) -> None:
    """Turn box into the section themes style, with title (a `p`) as its first child."""
    look, _ = look_of(kind)
    box.tag = "section"
    box.attrib.clear()
    box.set("class", f"wx-alert wx-alert-{look}")
    if title is not None:
        title.tag = "p"
        title.attrib.clear()
        title.set("class", "wx-alert-title")
        if title in list(box):
            box.remove(title)
        box.insert(0, title)


def title_element(text: str) -> etree.Element:
    title = etree.Element("p")
    title.text = text
    return title


class AlertProcessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for quote in list(root.iter("blockquote")):
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p" or not first.text:
                continue
            m = _MARK.match(first.text)
            if not m:
                continue
            kind = m.group(1).lower()
            line, newline, rest = first.text[m.end() :].partition("\n")
            if line and not m.group("space"):  # `[!NOTE]正文`: no title, the text is the body
                line, newline, rest = "", "\n", first.text[m.end() :]
            title = title_element(line.rstrip() if newline or not len(first) else line)
            first.text = rest if newline else ""
            if not newline and len(first):
                _move_first_line(first, title)  # the title goes on in `code` or **bold**
            if not (title.text or "").strip() and not len(title):
                title.text = look_of(kind)[1]
            if not (first.text or "").strip() and not len(first):
                quote.remove(first)
            make_box(quote, kind, title)


def _move_first_line(paragraph: etree.Element, title: etree.Element) -> None:
    """Move the paragraph's elements up to its first line break into title."""
    for child in list(paragraph):
        paragraph.remove(child)
        tail, _, rest = (child.tail or "").partition("\n")
        child.tail = tail
        title.append(child)
        if _ or rest:
            paragraph.text = (paragraph.text or "") + rest
            return
    # the whole paragraph was the title line


class BoxProcessor(Treeprocessor):
    """Admonitions, collapsibles and tabs, as Python-Markdown and PyMdown Extensions build
    them, become the same titled sections as alerts."""

    def run(self, root: etree.Element) -> None:
        for node in list(root.iter()):
            cls = (node.get("class") or "").split()
            if node.tag == "div" and "admonition" in cls:
                self._admonition(node, [c for c in cls if c != "admonition"])
            elif node.tag == "details":
                kind = cls[0] if cls else "note"
                make_box(node, kind, self._default_title(node.find("summary"), kind))
            elif node.tag == "div" and "tabbed-set" in cls:
                self._tabs(node)

    def _admonition(self, box: etree.Element, kinds: list[str]) -> None:
        kind = kinds[0] if kinds else "note"
        title = next(
            (c for c in box if c.tag == "p" and c.get("class") == "admonition-title"), None
        )
        make_box(box, kind, self._default_title(title, kind))

    @staticmethod
    def _default_title(title: etree.Element | None, kind: str) -> etree.Element | None:
        """No title written: the extensions capitalise the kind; ours is the kind's word."""
        if title is not None and title.text == kind.capitalize() and not len(title):
            title.text = look_of(kind)[1]
        return title

    def _tabs(self, tabs: etree.Element) -> None:
        """Each tab's label becomes the title of its part, in order (WeChat has no tabs)."""
        label: etree.Element | None = None
        parts: list[etree.Element] = []
        for child in list(tabs):
            tabs.remove(child)
            if child.tag == "label":
                label = child
            elif child.tag == "div" and "tabbed-content" in (child.get("class") or ""):
                part = child
                part.attrib.clear()
                part.set("class", "wx-tab")
                if label is not None:
                    label.tag = "p"
                    label.attrib.clear()
                    label.set("class", "wx-tab-title")
                    part.insert(0, label)
                    label = None
                parts.append(part)
        tabs.attrib.clear()
        tabs.tag = "section"
        tabs.set("class", "wx-tabs")
        tabs.extend(parts)


class AlertExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(AlertProcessor(md), "wx_alerts", 5)
        md.treeprocessors.register(BoxProcessor(md), "wx_boxes", 4.9)
