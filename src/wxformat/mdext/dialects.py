"""What the editors Chinese writers use add to Markdown (mdnice, Typora, doocs/md, MkDocs):
image sizes, highlight, underline, superscript, ruby, a table of contents.

Each is read here into plain HTML with a `wx-*` class; the theme styles it and the WeChat
stage keeps it in a form WeChat keeps (W3: `mark`, `u`, `sup`, `ruby`/`rt` survive).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.inlinepatterns import (
    IMAGE_LINK_RE,
    ImageInlineProcessor,
    InlineProcessor,
    SimpleTagInlineProcessor,
)

# mdnice/Typora: `![logo](https://…/logo.png =150x150)`, `=50%x`, `=150x`, `=x80`
_SIZE = re.compile(r"[ \t]+=(?P<width>\d+%?)?x(?P<height>\d+%?)?[ \t]*\)")


class SizedImageProcessor(ImageInlineProcessor):
    """An image whose link ends in a size suffix gets that width; the suffix leaves `src`."""

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | str | None, int | None, int | None]:
        size = _SIZE.search(data, m.end(0))
        close = data.find(")", m.end(0))
        if size is None or close != size.end() - 1 or "\n" in data[m.end(0) : size.start()]:
            return super().handleMatch(m, data)
        cut = size.end() - 1 - size.start()  # the suffix, up to the closing parenthesis
        el, start, end = super().handleMatch(m, data[: size.start()] + data[size.end() - 1 :])
        if not isinstance(el, etree.Element) or end is None:
            return el, start, end
        if size.group("width"):
            el.set("width", size.group("width"))
        return el, start, end + cut


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


# ruby: doocs/md `[汉字]{hàn zì}` and `{汉字|hàn zì}`
RUBY_BRACKET_RE = r"\[(?P<base>[^\[\]\n]+)\]\{(?P<reading>[^{}\n]+)\}"
RUBY_BAR_RE = r"(?<!\{)\{(?P<base>[^{}|\n]+)\|(?P<reading>[^{}|\n]+)\}(?!\})"


class RubyProcessor(InlineProcessor):
    """Characters with their reading above them: `<ruby>` with `<rt>` (W3 keeps both)."""

    def handleMatch(  # type: ignore[override]  # InlineProcessor's signature, not Pattern's
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        ruby = etree.Element("ruby", {"class": "wx-ruby"})
        ruby.text = m.group("base")
        rt = etree.SubElement(ruby, "rt", {"class": "wx-rt"})
        # doocs/md spells the reading of each character apart with `・`
        rt.text = " ".join(m.group("reading").replace("・", " ").split())
        return ruby, m.start(0), m.end(0)


class DialectExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(SizedImageProcessor(IMAGE_LINK_RE, md), "image_link", 150)
        # after links (160, 150), so `[text]{…}` is ruby only when it is no link
        md.inlinePatterns.register(RubyProcessor(RUBY_BRACKET_RE, md), "wx_ruby", 110)
        md.inlinePatterns.register(RubyProcessor(RUBY_BAR_RE, md), "wx_ruby_bar", 109)
        md.inlinePatterns.register(StyledSpanProcessor(MARK_RE, "wx-mark"), "wx_mark", 63)
        md.inlinePatterns.register(StyledSpanProcessor(INS_RE, "wx-ins"), "wx_ins", 62)
        md.inlinePatterns.register(SimpleTagInlineProcessor(SUP_RE, "sup"), "wx_sup", 61)
