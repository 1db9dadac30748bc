"""W14 code blocks: Pygments colours inline, every space a `&nbsp;`, every newline a `<br>`.

The WeChat editor collapses white space inside `<pre>` and deletes text nodes made only of
white space, so each run of spaces travels inside the span of the token next to it. A
Mac-style window bar and line numbers are optional. Unknown languages render plain.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, Tag

from wxformat import cache
from wxformat.cache import Cache
from wxformat.errors import ThemeError
from wxformat.themes import CODE_THEMES
from wxformat.tree import become, first, tags
from wxformat.wechat import darkmode
from wxformat.wechat.context import Context, parse_fragment

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.style import StyleMeta
    from pygments.token import _TokenType

# Pygments is imported only when a block is not in the disk cache: loading its styles and
# lexers (and importlib.metadata for its plugins) is a tenth of a cold conversion.

# names writers put on fences that Pygments knows by another name
LANGUAGE_ALIASES = {
    "c++": "cpp", "cuda": "cuda", "cu": "cuda", "shell": "bash", "sh": "bash", "zsh": "bash",
    "console": "console", "terminal": "console", "vue": "html", "ts": "typescript",
    "js": "javascript", "py": "python", "py3": "python", "golang": "go", "rs": "rust",
    "yml": "yaml", "dockerfile": "docker", "ps1": "powershell", "bat": "batch",
    "objc": "objective-c", "kt": "kotlin", "md": "markdown", "plaintext": "text", "txt": "text",
    "text": "text", "mysql": "mysql", "sql": "sql", "jsonc": "json", "proto": "protobuf",
    "cmd": "batch", "conf": "ini", "env": "bash", "jsx": "jsx", "tsx": "tsx",
}  # fmt: skip
# v3: token colours made readable in light and in WeChat's dark mode (W21, darkmode.readable)
_HIGHLIGHTER = "pygments-" + cache.package_version("pygments") + "-v3.2"
DIAGRAMS = {"mermaid", "plantuml", "puml", "flow", "flowchart", "sequence", "dot", "graphviz"}
WINDOW_DOTS = ("#ff5f56", "#ffbd2e", "#27c93f")


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    """Pygments' lexer for a fence's language, from its built-in table only: for an unknown
    name Pygments would scan every installed plugin (importing IPython, 0.4 s, here)."""
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.lexers._mapping import LEXERS
    from pygments.util import ClassNotFound

    name = LANGUAGE_ALIASES.get(language, language)
    if name and any(name in aliases for _, _, aliases, _, _ in LEXERS.values()):
        try:
            lexer: Lexer = get_lexer_by_name(name, stripnl=False)
            return lexer
        except ClassNotFound:  # pragma: no cover - listed in the table, so it exists
            pass
    plain: Lexer = TextLexer(stripnl=False)
    return plain


@lru_cache(maxsize=16)
def code_style(theme: str) -> StyleMeta:
    """The Pygments style for one of our code themes (or any Pygments style name)."""
    from pygments.styles import get_style_by_name
    from pygments.util import ClassNotFound

    try:
        return get_style_by_name(CODE_THEMES.get(theme, theme))
    except ClassNotFound:
        raise ThemeError(
            f"unknown code theme {theme!r}",
            f"available code themes: {', '.join(CODE_THEMES)}",
        ) from None


@lru_cache(maxsize=4096)
def _token_css(style: StyleMeta, ttype: _TokenType) -> str:
    # lexers may emit token types a style does not list (YAML's Scalar.Plain): use the parent's
    while not style.styles_token(ttype) and ttype.parent is not None:
        ttype = ttype.parent
    info = style.style_for_token(ttype)
    css = []
    if info["color"]:
        color = _readable("#" + str(info["color"]), _background(style))
        css.append(f"color:{color}")
    if info["bold"]:
        css.append("font-weight:bold")
    if info["italic"]:
        css.append("font-style:italic")
    return ";".join(css)


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace(" ", "&nbsp;")


def highlight_lines(code: str, language: str, theme: str, store: Cache) -> list[str]:
    """Code to one HTML string per line: styled spans, spaces kept as `&nbsp;` inside spans.
    Cached (on disk, for the CLI): a lexer's first use compiles its patterns, a tenth of a
    second each."""
    cache_key = cache.key(_HIGHLIGHTER, CODE_THEMES.get(theme, theme), language, code)
    cached = store.get(cache_key)
    if cached is not None:
        return cached.split("\n")
    lines = _highlight(code, language, code_style(theme))
    store.put(cache_key, "\n".join(lines))
    return lines


def block_colors(theme: str, store: Cache) -> tuple[str, str]:
    """A code theme's background and text colours (CSS), cached with the code."""
    cache_key = cache.key(_HIGHLIGHTER, "colors", CODE_THEMES.get(theme, theme))
    cached = store.get(cache_key)
    if cached is not None and cached.count("|") == 1:
        background, text = cached.split("|")
        return background, text
    style = code_style(theme)  # raises ThemeError for an unknown theme: nothing cached
    background = _background(style)
    text = _readable(f"#{_text_color(style)}", background)
    store.put(cache_key, f"{background}|{text}")
    return background, text


def _highlight(code: str, language: str, style: StyleMeta) -> list[str]:
    # code pasted from a web page or a word processor is often indented with non-breaking
    # spaces: to the lexer they are spaces (else it sees error tokens), and we write every
    # space as &nbsp; anyway
    code = code.expandtabs(4).replace("\xa0", " ")
    tokens = list(_lexer(language).get_tokens(code))
    if "".join(value for _, value in tokens).rstrip("\n") != code.rstrip("\n"):
        # a lexer that loses or changes text must never cost the reader their code
        tokens = list(_lexer("text").get_tokens(code))
    lines: list[str] = []
    current: list[str] = []
    pending = ""  # white space waiting to ride in the next token's span
    for ttype, value in tokens:
        parts = value.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append("".join(current))
                current, pending = [], ""
            if not part:
                continue
            if not part.strip():
                # a span made only of white space (spaces, ideographic spaces) is blanked by
                # the editor: it rides in the next token's span instead
                pending += part
                continue
            css = _token_css(style, ttype)
            attr = f' style="{css}"' if css else ""
            current.append(f"<span{attr}>{_escape(pending + part)}</span>")
            pending = ""
    lines.append("".join(current))
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def _language(code: Tag) -> str:
    for cls in code.get("class") or []:
        if cls.startswith("language-"):
            return cls[len("language-") :].lower()
    return ""


def fix_code_blocks(soup: BeautifulSoup, ctx: Context) -> None:
    background, text_color = block_colors(ctx.code_theme, ctx.cache)
    # a translucent background is drawn once, by the block, or its tint would double
    pre_background = "transparent" if background.startswith("rgba(") else background
    blocks: list[tuple[Tag, str]] = []  # each <pre> and the HTML it becomes
    for pre in tags(soup, "pre"):
        code = first(pre, "code")
        source = (code or pre).get_text()
        language = _language(code) if code else ""
        if pre.attrs.pop("data-wx-diagram-failed", None):
            pass  # fix_diagrams tried to draw it and said why it could not
        elif language in DIAGRAMS:
            ctx.warn(
                "W1",
                f"a {language} diagram is shown as its source code: WeChat cannot draw it",
                ctx.line_of(source.strip().split("\n")[0]),
                "run `wxformat setup mermaid` once to draw mermaid diagrams as images"
                if language == "mermaid"
                else "export the diagram as an image and insert that instead",
            )
        lines = highlight_lines(source.rstrip("\n"), language, ctx.code_theme, ctx.cache)
        if ctx.line_numbers:
            width = len(str(len(lines)))
            numbers = [str(i + 1).rjust(width).replace(" ", "&nbsp;") for i in range(len(lines))]
            lineno = _readable("#8b949e", background)  # a grey that reads on this theme
            lines = [
                f'<span class="wx-lineno" style="color:{lineno}">{n}&nbsp;&nbsp;</span>{line}'
                for n, line in zip(numbers, lines, strict=True)
            ]
        body = "<br>".join(lines)
        header = ""
        if ctx.mac_window:
            dots = "".join(
                f'<span class="wx-code-dot" style="background-color:{c}"></span>'
                for c in WINDOW_DOTS
            )
            header = f'<section class="wx-code-header">{dots}</section>'
        blocks.append(
            (
                pre,
                f'<section class="wx-code" style="background-color:{background}">{header}'
                f'<pre class="wx-pre" style="background-color:{pre_background};'
                f'color:{text_color}"><code class="wx-code-body">{body}</code></pre></section>',
            )
        )
    # parsed together: setting the parser up for each block cost more than its elements
    wrappers = parse_fragment("".join(html for _, html in blocks))
    if len(wrappers) != len(blocks) or not all(isinstance(w, Tag) for w in wrappers):
        # pragma: no cover - each snippet is one section of our own, well formed
        wrappers = [parse_fragment(html)[0] for _, html in blocks]
    for (pre, _), wrapper in zip(blocks, wrappers, strict=True):
        assert isinstance(wrapper, Tag)
        become(pre, wrapper)


def _background(style: StyleMeta) -> str:
    """The code theme's background; a pale tint as the same colour drawn translucent, which
    WeChat's dark mode keeps as a tint instead of dimming it to a light slab (W21)."""
    written = str(getattr(style, "background_color", None) or "#f6f8fa")
    color = darkmode.parse_color(written)
    return written if color is None else darkmode.css(darkmode.surviving_background(color))


@lru_cache(maxsize=1024)
def _readable(color: str, background: str) -> str:
    """A token colour that reads at 4.5:1 (and a little more, for rounding) on the code
    background in light and dark mode."""
    fg, bg = darkmode.parse_color(color), darkmode.parse_color(background)
    if fg is None or bg is None:
        return color
    # a translucent background shows what is behind it (a tinted quote, an alert): leave room
    return darkmode.css(darkmode.readable(fg, bg, 4.6 if bg[3] >= 1 else 5.2))


def _text_color(style: StyleMeta) -> str:
    from pygments.token import Text

    color = style.style_for_token(Text)["color"]
    if color:
        return str(color)
    bg = str(getattr(style, "background_color", None) or "#f6f8fa").lstrip("#")
    dark = len(bg) >= 6 and sum(int(bg[i : i + 2], 16) for i in (0, 2, 4)) < 3 * 128
    return "d4d4d4" if dark else "24292e"
