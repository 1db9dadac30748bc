"""W5 math: TeX becomes self-contained inline SVG (no MathML, no `<use>`/`<defs>`/ids: W6),
drawn in `currentColor` so WeChat's dark mode and the theme colour apply (W21).

Inline formulas sit on the text baseline at the text's size (sized in em); display formulas
are centred and scroll sideways when wide. A formula that fails stays as its TeX source in
code style, with a warning naming its line.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

from wxformat import cache
from wxformat.cache import Cache
from wxformat.mdext.math import DISPLAY_CLASS, MATH_CLASS
from wxformat.tree import tags
from wxformat.wechat.context import Context, parse_fragment

_SIZE = 16.0  # px per em at which formulas are drawn; they are then sized in em
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


_REDUNDANT_LINE = re.compile(r"M ([-\d.]+) ([-\d.]+) L \1 \2 ")


class MathError(Exception):
    pass


_RENDERER = "ziamath-" + cache.package_version("ziamath") + "-p1-v2"  # what a drawing depends on
# A phone's article column is about 21 em; a display formula up to 1.4 times that shrinks to
# fit (text at 72% or more), a wider one scrolls
SHRINK_TO_FIT_EM = 30.0


def tex_to_svg(tex: str, display: bool, store: Cache) -> str:
    """One formula to an SVG string sized in em; raises MathError when TeX cannot be drawn.
    Drawings are cached (on disk, for the CLI): ziamath alone takes half a second to load
    its font."""
    cache_key = cache.key(_RENDERER, "display" if display else "inline", tex)
    cached = store.get(cache_key)
    if cached is not None:
        if cached.startswith("error:"):
            raise MathError(cached[len("error:") :])
        return cached
    try:
        svg = _draw(tex, display)
    except MathError as exc:
        store.put(cache_key, f"error:{exc}")
        raise
    store.put(cache_key, svg)
    return svg


def _draw(tex: str, display: bool) -> str:
    import ziamath

    # SVG 1.1: no <use>/<defs>/ids, which WeChat strips (W6)
    ziamath.config.svg2 = False  # type: ignore[attr-defined]
    # 0.1px at a 16px em is below what a phone shows; it makes formulas a quarter smaller (W22)
    ziamath.config.precision = 1  # type: ignore[attr-defined]
    draw = ziamath.Math.fromlatex  # type: ignore[attr-defined]
    try:
        svg = draw(tex, size=_SIZE, inline=not display).svg()
    except Exception as exc:  # ziamath and latex2mathml raise many kinds on bad TeX
        raise MathError(str(exc) or type(exc).__name__) from None
    m = _VIEWBOX.search(svg)
    if not m:
        raise MathError("no drawing produced")
    _, min_y, width, height = (float(v) for v in m.groups())
    depth = max(0.0, height + min_y)  # how far the drawing reaches below the baseline
    w, h, d = width / _SIZE, height / _SIZE, depth / _SIZE
    if not display:
        style = (
            f"display:inline-block;width:{w:.3f}em;height:{h:.3f}em;vertical-align:-{d:.3f}em;"
            "max-width:none;overflow:visible"
        )
    elif w <= SHRINK_TO_FIT_EM:
        # a little wider than a phone's column: shrink to fit (height follows the viewBox)
        # rather than hide the end of the formula behind a scroll nobody sees
        style = f"display:inline-block;width:{w:.3f}em;max-width:100%;height:auto"
    else:  # far wider: shrunk it would be unreadable, so it scrolls sideways
        style = f"display:inline-block;width:{w:.3f}em;height:{h:.3f}em;max-width:none"
    svg = re.sub(r'\s(?:width|height)="[^"]*"', "", svg, count=2)
    svg = svg.replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")
    svg = re.sub(r'fill="(?:black|#000000|#000)"', 'fill="currentColor"', svg)
    # ziamath starts each outline with a line to the point it just moved to
    svg = _REDUNDANT_LINE.sub(r"M \1 \2 ", svg)
    svg = re.sub(r'stroke="(?:black|#000000|#000)"', 'stroke="currentColor"', svg)
    svg = svg.replace("<svg ", f'<svg fill="currentColor" style="{style}" ', 1)
    return re.sub(r">\s+<", "><", svg)


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_TEXT_COMMANDS = ("\\text", "\\mathrm", "\\textrm", "\\mbox", "\\textbf", "\\mathbf")


def split_cjk(tex: str) -> list[tuple[str, str]] | None:
    """Split a formula where Chinese stands at its top level: ("tex", ...) and ("text", ...)
    pieces. The math font has no CJK glyphs, so Chinese is set as text between drawings.
    None when Chinese sits inside a group or an environment, where no split is sound."""
    if "\\begin" in tex:
        return None
    parts: list[tuple[str, str]] = []
    current = ""
    depth = 0
    i = 0
    while i < len(tex):
        if depth == 0:
            command = next((c for c in _TEXT_COMMANDS if tex.startswith(c + "{", i)), None)
            if command is not None:
                end = _closing_brace(tex, i + len(command))
                content = tex[i + len(command) + 1 : end] if end > 0 else ""
                if end > 0 and _CJK.search(content):
                    parts += [("tex", current), ("text", content)]
                    current, i = "", end + 1
                    continue
            if _CJK.match(tex[i]):
                j = i
                while j < len(tex) and (_CJK.match(tex[j]) or tex[j] == " "):
                    j += 1
                parts += [("tex", current), ("text", tex[i:j].strip())]
                current, i = "", j
                continue
        char = tex[i]
        if char == "\\" and i + 1 < len(tex):
            current += tex[i : i + 2]
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth > 0 and _CJK.match(char):
            return None
        current += char
        i += 1
    parts.append(("tex", current))
    return [(kind, text) for kind, text in parts if text.strip()]


def _closing_brace(tex: str, opening: int) -> int:
    depth = 0
    for k in range(opening, len(tex)):
        if tex[k] == "{":
            depth += 1
        elif tex[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return -1


# latex2mathml (under ziamath) names a TeX mistake only by its exception class
_TEX_MISTAKES = {
    "NoAvailableTokensError": "it ends too early: an unclosed { or a command without its argument",
    "AssertionError": "a command is missing an argument",
    "NumeratorNotFoundError": "a fraction has no numerator",
    "DenominatorNotFoundError": "a fraction has no denominator",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "DoubleSubscriptsError": "two subscripts in a row: write x_{a_b} or {x_a}_b",
    "DoubleSuperscriptsError": "two superscripts in a row: write x^{a^b} or {x^a}^b",
    "MissingEndError": "a \\begin{...} has no \\end{...}",
    "ExtraLeftOrMissingRightError": "a \\left has no \\right",
    "LimitsMustFollowMathOperatorError": "\\limits follows something that is not an operator",
    "InvalidAlignmentError": "an array has an alignment it does not know",
}


def tex_mistake(reason: str) -> str:
    """A drawing failure in plain words (the renderer's own text when it has any)."""
    return _TEX_MISTAKES.get(reason, reason)


def _render(node: Tag, ctx: Context, display: bool) -> None:
    tex = str(node.get("data-tex") or node.get_text())
    line = node.get("data-line")
    if _CJK.search(tex):
        _render_with_chinese(node, ctx, display, tex, int(str(line)) if line else None)
        return
    try:
        svg = tex_to_svg(tex, display, ctx.cache)
    except MathError as exc:
        ctx.warn(
            "W5",
            f"formula could not be drawn ({tex_mistake(str(exc))}): shown as TeX source",
            int(str(line)) if line else None,
            "check the TeX for typos or unsupported commands",
        )
        _show_source(node, tex, display)
        return
    _fill(node, parse_fragment(svg), display)


def _show_source(node: Tag, tex: str, display: bool) -> None:
    """A formula that cannot be drawn stays readable: its TeX, in code style. The node
    becomes the code element where it stands: replacing it would make bs4 search the
    parent for it, quadratic in an article of thousands of formulas."""
    node.name = "code"
    node.attrs = {"class": "wx-math-error"}
    node.string = f"$${tex}$$" if display else f"${tex}$"


def _fill(node: Tag, pieces: list[PageElement], display: bool) -> None:
    """Replace the placeholder's TeX by its drawing."""
    node.clear()
    node.extend(pieces)
    node["class"] = "wx-math-block" if display else "wx-math-inline"
    for attr in ("data-tex", "data-line"):
        del node[attr]
    if not display:
        _keep_punctuation(node)


def _render_with_chinese(
    node: Tag, ctx: Context, display: bool, tex: str, line: int | None
) -> None:
    """Draw the TeX pieces and set the Chinese between them as text; else show the source."""
    parts = split_cjk(tex)
    pieces: list[PageElement] = []
    try:
        for kind, text in parts or []:
            if kind == "text":
                pieces.append(NavigableString(text))
            else:
                pieces.extend(parse_fragment(tex_to_svg(text, False, ctx.cache)))
    except MathError:
        parts = None
    if not parts:
        ctx.warn(
            "W5",
            "Chinese inside a formula group cannot be drawn (the math font has no Chinese): "
            "shown as TeX source",
            line,
            "move the Chinese out of the formula, e.g. $x_1$ 表示甜度",
        )
        _show_source(node, tex, display)
        return
    _fill(node, pieces, display)


_CLOSING = "，。、；：！？）」』】》,.;:!?)"


def _keep_punctuation(node: Tag) -> None:
    """A line must not start with the comma after a formula: pull it into the formula's span."""
    after = node.next_sibling
    if isinstance(after, NavigableString) and after[:1] and after[0] in _CLOSING:
        node.append(after[0])
        after.replace_with(after[1:])
        node["style"] = "white-space:nowrap"


MAX_FORMULAS = 1000  # beyond this the editor freezes long before the article is useful (W22)
MANY_FORMULAS = 300


def fix_math(soup: BeautifulSoup, ctx: Context) -> None:
    nodes = [
        (node, node.name == "section")
        for node in tags(soup, "section", "span", cls=(DISPLAY_CLASS, MATH_CLASS))
    ]
    if len(nodes) > MANY_FORMULAS:
        ctx.warn(
            "W22",
            f"{len(nodes)} formulas: pastes with hundreds of SVG formulas have frozen the editor"
            + (
                f"; only the first {MAX_FORMULAS} are drawn, the rest stay TeX"
                if len(nodes) > MAX_FORMULAS
                else ""
            ),
            hint="split the article, or turn long derivations into images",
        )
    for index, (node, display) in enumerate(nodes):
        if index < MAX_FORMULAS:
            _render(node, ctx, display)
        else:
            _show_source(node, str(node.get("data-tex") or node.get_text()), display)
