"""convert(article, options) -> Result: render -> wechat structure -> theme -> cleanup.

No I/O here: the options arrive resolved (theme loaded, footer filled in, see
wxformat.options), the article's local images are read through `files`, and slow pure work
is kept in the `cache` the caller hands in (runner.py hands in the disk's).
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

from bs4 import Tag

from wxformat.article import Article
from wxformat.cache import Cache, memory
from wxformat.diagnostics import Diagnostic
from wxformat.footer import footer_html
from wxformat.inline import apply_theme
from wxformat.options import ConvertOptions
from wxformat.render import render_markdown
from wxformat.tree import OUTPUT_FORMAT, first, parse_html, serialize
from wxformat.wechat import FIXERS, Context
from wxformat.wechat.checks import check_size, diagnose
from wxformat.wechat.cleanup import clean_tree
from wxformat.wechat.context import Diagrams, Files, NoDiagrams, NoFiles
from wxformat.wechat.darkmode import darken
from wxformat.wechat.leftovers import check_raw_syntax, check_text_kept
from wxformat.wechat.math import start_drawing_early

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
        return "".join(self.page_parts(dark))

    def page_parts(self, dark: bool = False) -> tuple[str, str, str]:
        """The page in three pieces, the fragment whole in the middle: a writer can write
        them in turn without copying a long article's HTML once more."""
        body = "background-color:#191919;color:#a3a3a3" if dark else "background-color:#ffffff"
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(self.title)}</title></head>"
            f'<body style="margin:0 auto;max-width:677px;padding:20px 16px;{body}">',
            darken_fragment(self.fragment) if dark else self.fragment,
            "</body></html>",
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
    start_drawing_early(body, store)  # V8 starts while the article is parsed
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


__all__ = ["OUTPUT_FORMAT", "Result", "convert", "darken_fragment", "serialize"]
