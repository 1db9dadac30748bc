"""Render stage: Markdown body to HTML. The only module that knows the extension list.

The HTML it returns is sanitised (nh3) to what WeChat keeps plus the hooks later stages
use: `wx-*` classes, `language-*` on code, `data-tex` on formulas. Raw HTML from the
article is never trusted: script, style, iframe, forms, event handlers and `javascript:`
URLs are gone before any later stage sees them.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension

from wxformat.mdext.alerts import AlertExtension
from wxformat.mdext.compact_lists import CompactListsExtension
from wxformat.mdext.dialects import DialectExtension
from wxformat.mdext.footnotes import Footnotes
from wxformat.mdext.gfm import GfmExtension
from wxformat.mdext.linear import LinearInlineExtension
from wxformat.mdext.math import MathExtension
from wxformat.mdext.plain_items import PlainItemsExtension

# W3: what survives in published articles, plus what later stages turn into it
# (div -> section, details -> section, input checkbox -> glyph, a -> reference).
ALLOWED_TAGS = {
    "section", "p", "span", "strong", "b", "em", "i", "u", "del", "s", "strike", "sup", "sub",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption", "img", "pre",
    "code", "kbd", "mark", "br", "hr", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "ul", "ol", "li", "ruby", "rt", "rp", "div", "a", "details", "summary",
    "input", "dl", "dt", "dd", "abbr", "center", "small", "big", "font", "q", "cite", "ins",
}  # fmt: skip
_COMMON = {"class", "align", "title", "style", "data-tex", "data-line"}
# inline CSS a writer may use in raw HTML; the WeChat cleanup later drops what WeChat breaks
STYLE_PROPERTIES = {
    "color", "background-color", "font-weight", "font-style", "font-size", "font-family",
    "text-align", "text-decoration", "text-indent", "line-height", "letter-spacing",
    "margin", "margin-top", "margin-bottom", "margin-left", "margin-right",
    "padding", "padding-top", "padding-bottom", "padding-left", "padding-right",
    "border", "border-radius", "border-left", "border-bottom", "width", "max-width", "height",
    "display", "vertical-align", "position", "white-space",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href"},
    "img": _COMMON | {"src", "alt", "width", "height"},
    "ol": _COMMON | {"start"},
    "td": _COMMON | {"colspan", "rowspan"},
    "th": _COMMON | {"colspan", "rowspan"},
    "input": {"type", "checked", "disabled"},
    "font": _COMMON | {"color"},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}


class _Markdown(markdown.Markdown):
    def build_extension(self, ext_name: str, configs: Any) -> Extension:
        # SuperFences registers pymdownx.highlight by name, which Markdown would look up
        # among every installed package's entry points (importlib.metadata: 20 ms)
        if ext_name == "pymdownx.highlight":
            from pymdownx.highlight import HighlightExtension

            extension: Extension = HighlightExtension(**configs)
        else:
            extension = super().build_extension(ext_name, configs)
        return extension


def _markdown(line_offset: int) -> markdown.Markdown:
    # extension objects, not names: a name is looked up among installed entry points,
    # which costs more at start-up than the rest of the Markdown stage
    from markdown.extensions.admonition import AdmonitionExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension
    from pymdownx.details import DetailsExtension
    from pymdownx.highlight import HighlightExtension
    from pymdownx.magiclink import MagiclinkExtension
    from pymdownx.superfences import SuperFencesCodeExtension
    from pymdownx.tabbed import TabbedExtension
    from pymdownx.tasklist import TasklistExtension

    return _Markdown(
        extensions=[
            GfmExtension(),
            MathExtension(line_offset=line_offset),
            AlertExtension(),
            TableExtension(use_align_attribute=True),
            SaneListExtension(),
            Footnotes(BACKLINK_TEXT="", SUPERSCRIPT_TEXT="[{}]", USE_DEFINITION_ORDER=False),
            SuperFencesCodeExtension(),
            # highlighting is its own stage (wechat.code): here fences stay plain text
            HighlightExtension(use_pygments=False),
            TasklistExtension(custom_checkbox=False),
            MagiclinkExtension(hide_protocol=False),
            AdmonitionExtension(),
            DetailsExtension(),
            TabbedExtension(alternate_style=False),
            LinearInlineExtension(),
            DialectExtension(),  # after: its sized images build on the linear ones
            PlainItemsExtension(),  # last: it checks which block processors the rest left
            CompactListsExtension(),
        ],
        output_format="html",
        tab_length=4,
    )


# nh3 takes time that grows faster than the text with each `&` it writes back out (1 MB of
# `&amp;` took seconds); the ampersands stand aside as a character no text holds meanwhile
_AMPERSAND = re.compile(r"&(?:amp|#0*38|#[xX]0*26);")
_STAND_IN = "\ufdd0"  # a Unicode noncharacter: never in a text, kept as it is by nh3


def sanitize(html: str) -> str:
    """Keep only tags and attributes WeChat keeps (W1, W2, W7) and safe URLs."""
    if _STAND_IN in html:
        return _clean(html)
    return _clean(_AMPERSAND.sub(_STAND_IN, html)).replace(_STAND_IN, "&amp;")


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties=STYLE_PROPERTIES,
    )


def render_markdown(body: str, line_offset: int = 1) -> str:
    """Markdown to sanitised HTML with `wx-*` hooks for the later stages."""
    return sanitize(_markdown(line_offset).convert(body))
