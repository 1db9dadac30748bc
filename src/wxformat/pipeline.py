"""convert(article, options) -> Result: render -> wechat structure -> theme -> cleanup.

No I/O here: the options arrive resolved (theme loaded, footer filled in, see
wxformat.options), the article's local images are read through `files`, and slow pure work
is kept in the `cache` the caller hands in (runner.py hands in the disk's).
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bs4 import Tag
from bs4.dammit import EntitySubstitution
from bs4.element import NavigableString
from bs4.formatter import HTMLFormatter

from wxformat.article import Article
from wxformat.cache import Cache, memory
from wxformat.diagnostics import Diagnostic
from wxformat.footer import footer_html
from wxformat.inline import apply_theme
from wxformat.options import ConvertOptions
from wxformat.render import render_markdown
from wxformat.tree import first, parse_html
from wxformat.wechat import FIXERS, Context
from wxformat.wechat.checks import check_size, diagnose
from wxformat.wechat.cleanup import clean_tree
from wxformat.wechat.context import Diagrams, Files, NoDiagrams, NoFiles
from wxformat.wechat.darkmode import darken
from wxformat.wechat.leftovers import check_raw_syntax, check_text_kept

ROOT_CLASS = "wx-article"


@dataclass(frozen=True)
class Result:
    title: str
    fragment: str  # the one <section> to paste into the WeChat editor
    warnings: tuple[Diagnostic, ...]
    theme: str

    def page(self, dark: bool = False) -> str:
        """A minimal standalone page whose body holds exactly the fragment; dark: the
        fragment as WeChat's dark mode shows it, on its #191919 page (W21)."""
        body = "background-color:#191919;color:#a3a3a3" if dark else "background-color:#ffffff"
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(self.title)}</title></head>"
            f'<body style="margin:0 auto;max-width:677px;padding:20px 16px;{body}">'
            f"{darken_fragment(self.fragment) if dark else self.fragment}</body></html>"
        )


# which stage each fixer's time is counted in, for the benchmark
STAGE_OF_FIXER = {"code blocks (W14)": "highlight", "math (W5, W21)": "math"}


def convert(
    article: Article,
    options: ConvertOptions,
    timings: dict[str, float] | None = None,
    *,
    files: Files | None = None,
    cache: Cache | None = None,
    diagrams: Diagrams | None = None,
    math_images: bool = False,
) -> Result:
    """The whole pipeline on one article, with options resolved for it (options.resolve).
    Local images are read through `files` (none: every local image is missing); `cache`
    keeps drawings and highlighted code (none: this process's memory); `diagrams` draws
    Mermaid diagrams (none: they stay code).

    When given, `timings` receives seconds per stage: markdown, math, highlight, inline css,
    wechat fixes. With math_images, formulas are PNG images (what publish sends when their
    SVG would take the article past WeChat's 1 MB)."""
    clock = _Clock(timings)
    theme = options.theme
    store = cache if cache is not None else memory()
    ctx = Context(
        base_dir=article.base_dir,
        files=files if files is not None else NoFiles(),
        cache=store,
        code_theme=options.code_theme,
        line_numbers=options.line_numbers,
        mac_window=options.mac_window,
        image_embed_limit_kb=options.image_embed_limit_kb,
        references_title=options.references_title,
        warnings=[*article.warnings, *options.warnings],
        source=article.body,
        first_line=article.body_line,
        autospace=options.autospace,
        diagrams=diagrams if diagrams is not None else NoDiagrams(),
        math_images=math_images,
    )
    body = render_markdown(article.body, article.body_line)
    footer = footer_html(options.footer.markdown) if options.footer else ""
    top = footer if options.footer and options.footer.top else ""
    end = footer if options.footer and options.footer.end else ""
    soup = parse_html(f'<section class="{ROOT_CLASS}">{top}{body}{end}</section>')
    clock.lap("markdown")
    for name, fixer in FIXERS:
        fixer(soup, ctx)
        clock.lap(STAGE_OF_FIXER.get(name, "wechat fixes"))
    apply_theme(soup, theme.css, options.variables, store)
    clock.lap("inline css")
    root = first(soup, "section")
    if root is None:  # pragma: no cover - we always wrap in a section
        raise RuntimeError("the pipeline lost its root section")
    clean_tree(root, ctx)
    diagnose(root, ctx)
    check_text_kept(root, ctx)
    check_raw_syntax(root, ctx)
    fragment = serialize(root)
    check_size(fragment, ctx)
    clock.lap("wechat fixes")
    return Result(
        title=article.title,
        fragment=fragment,
        warnings=tuple(_unique(ctx.warnings)),
        theme=theme.name,
    )


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self.timings is None:
            return
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now


def _entities(text: str) -> str:
    # W14: a non-breaking space is spelled &nbsp;, so no text tool can mistake it for a space
    return EntitySubstitution.substitute_xml(text).replace("\xa0", "&nbsp;")


# HTML parsers lower-case attribute names; SVG's own are camel-case
SVG_ATTRIBUTES = {"viewbox": "viewBox", "preserveaspectratio": "preserveAspectRatio"}


class OutputFormatter(HTMLFormatter):
    """HTML5 serialization, as browsers write it: <br>, not <br/>; &nbsp; spelled out;
    SVG attributes in their own case."""

    def __init__(self) -> None:
        super().__init__(
            entity_substitution=_entities,
            void_element_close_prefix="",
            empty_attributes_are_booleans=True,
        )

    def attributes(self, tag: Tag) -> Iterable[tuple[str, Any]]:
        pairs = super().attributes(tag)
        if tag.name != "svg":
            return pairs
        return [(SVG_ATTRIBUTES.get(key, key), value) for key, value in pairs]


OUTPUT_FORMAT = OutputFormatter()


def serialize(root: Tag) -> str:
    """The tree as HTML, exactly as bs4's `decode(formatter=OUTPUT_FORMAT)` writes it, in one
    pass with the per-node work inlined: bs4's general path (events, formatter look-ups,
    structural `!=` between tags) took a quarter of a second on a 100 KB paragraph."""
    out: list[str] = []
    write = out.append
    raw_parents = OUTPUT_FORMAT.cdata_containing_tags
    open_tags: list[Tag] = []
    for node in root.self_and_descendants:
        parent = node.parent
        while open_tags and parent is not open_tags[-1]:
            write(_closing(open_tags.pop()))
        if isinstance(node, Tag):
            write(_opening(node))
            if not node.is_empty_element:
                open_tags.append(node)
        elif type(node) is NavigableString:
            raw = parent is not None and parent.name in raw_parents
            write(node if raw else _entities(node))
        elif isinstance(node, NavigableString):  # a comment, CDATA, a doctype: their own
            write(node.output_ready(OUTPUT_FORMAT))  # prefix and suffix
    while open_tags:
        write(_closing(open_tags.pop()))
    return "".join(out)


def _name(tag: Tag) -> str:
    return f"{tag.prefix}:{tag.name}" if tag.prefix else tag.name


def _opening(tag: Tag) -> str:
    if tag.hidden:
        return ""
    if not tag.attrs:
        return f"<{_name(tag)}>"
    attributes = []
    for key, value in OUTPUT_FORMAT.attributes(tag):
        if value is None:
            attributes.append(key)
            continue
        if isinstance(value, (list, tuple)):
            value = " ".join(value)
        quoted = EntitySubstitution.quoted_attribute_value(_entities(str(value)))
        attributes.append(f"{key}={quoted}")
    return f"<{_name(tag)} {' '.join(attributes)}>"


def _closing(tag: Tag) -> str:
    return "" if tag.hidden else f"</{_name(tag)}>"


def _unique(warnings: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[Diagnostic] = set()
    out = []
    for w in warnings:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def darken_fragment(fragment: str) -> str:
    """The fragment with its inline colours as WeChat's dark mode draws them (W21), for the
    preview's dark toggle and the gallery's dark screenshots."""
    holder = parse_html(f"<section>{fragment}</section>").find("section")
    if not isinstance(holder, Tag):  # pragma: no cover - we just wrapped it
        return fragment
    darken(holder)
    return "".join(
        serialize(child) if isinstance(child, Tag) else html.escape(str(child))
        for child in holder.contents
    )


__all__ = ["Result", "convert", "darken_fragment"]
