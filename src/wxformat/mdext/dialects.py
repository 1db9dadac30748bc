"""What the editors Chinese writers use add to Markdown (mdnice, Typora, doocs/md, MkDocs):
image sizes, highlight, underline, superscript, ruby, a table of contents.

Each is read here into plain HTML with a `wx-*` class; the theme styles it and the WeChat
stage keeps it in a form WeChat keeps (W3: `mark`, `u`, `sup`, `ruby`/`rt` survive).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.inlinepatterns import IMAGE_LINK_RE, InlineProcessor, SimpleTagInlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from wxformat.mdext.linear import LinearImageProcessor
from wxformat.mdext.source import segments

# mdnice/Typora: `![logo](https://…/logo.png =150x150)`, `=50%x`, `=150x`, `=x80`; what
# Python-Markdown reads as the destination (a title before it is not read as one)
_SIZE = re.compile(
    r"^(?P<src>.*?)(?:[ \t]+\"(?P<title>[^\"]*)\")?[ \t]+=(?P<width>\d+%?)?x(?P<height>\d+%?)?$"
)


class SizedImageProcessor(LinearImageProcessor):
    """An image whose link ends in a size suffix gets that width; the suffix leaves `src`.
    Built on the linear image processor (mdext.linear), so many images stay cheap."""

    wx_lookback = 0  # handleMatch reads what ImageInlineProcessor's does: the inline pass
    _size: re.Match[str] | None = None

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        href, title, end, handled = super().getLink(data, index)
        self._size = _SIZE.match(href) if handled and "=" in href else None
        if self._size is not None:
            href = self._size.group("src")
            if href.startswith("<") and href.endswith(">"):  # `<a b.png> =x80`
                href = href[1:-1]
            title = self._size.group("title") if title is None else title
        return href, title, end, handled

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | str | None, int | None, int | None]:
        self._size = None
        el, start, end = super().handleMatch(m, data)
        size = self._size
        if isinstance(el, etree.Element) and size is not None:
            if size.group("title") is not None:
                el.set("title", size.group("title"))
            if size.group("width"):
                el.set("width", size.group("width"))
        return el, start, end


# ==mark==, ++ins++, ^sup^: no white space just inside the markers; `==` and `++` open only
# after, and close only before, something that is not a Latin letter or digit (`C++/C++`)
MARK_RE = r"(?<![=\\A-Za-z0-9])(==)(?![=\s])(.+?)(?<![=\s\\])==(?![=A-Za-z0-9])"
INS_RE = r"(?<![+\\A-Za-z0-9])(\+\+)(?![+\s])(.+?)(?<![+\s\\])\+\+(?![+A-Za-z0-9])"
SUP_RE = r"(?<![\\^])(\^)(?=[^\s^]*[A-Za-z0-9\u3400-\u9fff])([^\s^\\]+?)\^(?!\^)"


class StyledSpanProcessor(InlineProcessor):
    """A span with a class for the theme: WeChat keeps spans and their inline style, while
    `mark` and `u` are not among the tags seen surviving (W3)."""

    def __init__(self, pattern: str, cls: str) -> None:
        super().__init__(pattern)
        self.cls = cls

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        span = etree.Element("span", {"class": self.cls})
        span.text = m.group(2)
        return span, m.start(0), m.end(0)


# ruby: doocs/md `[汉字]{hàn zì}` and `[汉字]^(hàn zì)`, and `{汉字|hàn zì}`
RUBY_BRACKET_RE = r"\[(?P<base>[^\[\]\n]+)\](?:\{(?P<reading>[^{}\n]+)\}|\^\((?P<paren>[^()\n]+)\))"
RUBY_BAR_RE = r"(?<!\{)\{(?P<base>[^{}|\n]+)\|(?P<reading>[^{}|\n]+)\}(?!\})"
# doocs/md's separators between the readings of each character
_READING_SEPARATORS = re.compile(r"[・．。-]")


def ruby_pairs(base: str, reading: str) -> list[tuple[str, str]]:
    """Characters and their readings: one reading per character when the writer separated
    them (`[你好]{nǐ・hǎo}`); the last reading takes the characters left over, and the last
    character the readings left over, as doocs/md pairs them."""
    parts = [p.strip() for p in _READING_SEPARATORS.split(reading) if p.strip()]
    chars = list(base)
    if len(parts) < 2 or len(chars) < 2:
        return [(base, " ".join(reading.split()))]
    count = min(len(parts), len(chars))
    pairs = list(zip(chars[: count - 1], parts[: count - 1], strict=True))
    pairs.append(("".join(chars[count - 1 :]), " ".join(parts[count - 1 :])))
    return pairs


class RubyProcessor(InlineProcessor):
    """Characters with their reading above them: `<ruby>` with `<rt>` (W3 keeps both)."""

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        groups = m.groupdict()
        reading = groups.get("reading") or groups.get("paren") or ""
        ruby = etree.Element("ruby", {"class": "wx-ruby"})
        last: etree.Element | None = None
        for base, text in ruby_pairs(m.group("base"), reading):
            if last is None:
                ruby.text = base
            else:
                last.tail = base
            last = etree.SubElement(ruby, "rt", {"class": "wx-rt"})
            last.text = text
        return ruby, m.start(0), m.end(0)


# a contents marker on its own line: Typora/mdnice `[TOC]`, VuePress `[[toc]]`, GitLab
# `[[_TOC_]]`, CSDN `@[TOC](标题)`
_TOC_MARKER = re.compile(
    r"^ {0,3}(?:\[TOC\]|\[\[_?TOC_?\]\]|@\[TOC\](?:\((?P<title>[^)\n]*)\))?)[ \t]*$", re.I
)
TOC_TEXT = "[TOC]"
TOC_TITLE = "目录"


class TocMarkerPreprocessor(Preprocessor):
    """Every spelling of the contents marker, outside code, becomes `[TOC]` on its own."""

    def __init__(self, md: Markdown, titles: list[str]) -> None:
        super().__init__(md)
        self.titles = titles

    def run(self, lines: list[str]) -> list[str]:
        self.titles.clear()
        if not any("toc" in line[:12].lower() for line in lines):
            return lines
        out: list[str] = []
        for seg in segments(lines):
            if seg.kind != "text":
                out.extend(seg.lines)
                continue
            for line in seg.lines:
                m = _TOC_MARKER.match(line)
                if m is None:
                    out.append(line)
                    continue
                self.titles.append((m.group("title") or TOC_TITLE).strip())
                out.extend(["", TOC_TEXT, ""])
        return out


class TocProcessor(Treeprocessor):
    """`[TOC]` alone in a paragraph becomes the article's contents: the two highest heading
    levels (a lone H1 is the title and left out), as plain paragraphs the theme indents.
    No links: WeChat refuses in-page links (W18)."""

    def __init__(self, md: Markdown, titles: list[str]) -> None:
        super().__init__(md)
        self.titles = titles

    def run(self, root: etree.Element) -> None:
        if not self.titles:
            return
        markers = [
            (parent, child)
            for parent in root.iter()
            for child in parent
            if child.tag == "p" and (child.text or "").strip() == TOC_TEXT and not len(child)
        ]
        if not markers:
            return
        headings = [h for h in root.iter() if h.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        if sum(1 for h in headings if h.tag == "h1") == 1:
            headings = [h for h in headings if h.tag != "h1"]
        levels = sorted({h.tag for h in headings})[:2]
        # one contents per article: a second marker stays text, and check names it (M2);
        # drawing every one would copy every heading once per marker
        for parent, marker in markers[:1]:
            title = self.titles[0]
            contents = etree.Element("section", {"class": "wx-toc"})
            if title:
                etree.SubElement(contents, "p", {"class": "wx-toc-title"}).text = title
            for heading in headings:
                if heading.tag in levels:
                    depth = levels.index(heading.tag) + 1
                    contents.append(_entry(heading, f"wx-toc-{depth}"))
            position = list(parent).index(marker)
            parent.remove(marker)
            parent.insert(position, contents)


def _entry(heading: etree.Element, cls: str) -> etree.Element:
    """A heading's words for the contents: its formatting kept, its links and notes not."""
    entry = copy.deepcopy(heading)
    entry.tag = "p"
    entry.attrib.clear()
    entry.set("class", cls)
    for parent in list(entry.iter()):
        for child in list(parent):
            if child.tag == "sup" or child.tag == "a":
                _unwrap(parent, child, keep_text=child.tag == "a")
    return entry


def _unwrap(parent: etree.Element, child: etree.Element, keep_text: bool) -> None:
    """Remove child from parent, keeping its text (if asked) and its tail in place."""
    index = list(parent).index(child)
    text = ("".join(child.itertext()) if keep_text else "") + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text
    parent.remove(child)


class DialectExtension(Extension):
    """Registers after LinearInlineExtension (render.py): its image processor is ours."""

    def extendMarkdown(self, md: Markdown) -> None:
        toc_titles: list[str] = []
        md.preprocessors.register(TocMarkerPreprocessor(md, toc_titles), "wx_toc_marker", 29.8)
        md.treeprocessors.register(TocProcessor(md, toc_titles), "wx_toc", 4.8)
        md.inlinePatterns.register(SizedImageProcessor(IMAGE_LINK_RE, md), "image_link", 150)
        # after links (160, 150), so `[text]{…}` is ruby only when it is no link
        md.inlinePatterns.register(RubyProcessor(RUBY_BRACKET_RE, md), "wx_ruby", 110)
        md.inlinePatterns.register(RubyProcessor(RUBY_BAR_RE, md), "wx_ruby_bar", 109)
        md.inlinePatterns.register(StyledSpanProcessor(MARK_RE, "wx-mark"), "wx_mark", 63)
        md.inlinePatterns.register(StyledSpanProcessor(INS_RE, "wx-ins"), "wx_ins", 62)
        md.inlinePatterns.register(SimpleTagInlineProcessor(SUP_RE, "sup"), "wx_sup", 61)
