"""W5 math: TeX becomes self-contained inline SVG drawn by MathJax (no MathML, no `<use>`,
`<defs>` or ids: W6), in `currentColor` so WeChat's dark mode and the theme colour apply
(W21).

Inline formulas sit on the text baseline at the text's size (sized in em); display formulas
are centred, shrink a little to fit a phone's column and scroll sideways when far wider; a
`\\tag` is drawn as a right-aligned label. A formula that fails stays as its TeX source in
code style, with a warning naming its line.
"""

from __future__ import annotations

import copy
import html
import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

from wxformat import cache
from wxformat.cache import Cache
from wxformat.contract import DISPLAY_CLASS, MATH_CLASS
from wxformat.tree import tags
from wxformat.wechat.context import Context, parse_fragment

if TYPE_CHECKING:
    from wxformat.wechat.mathjax import Drawing

# A phone's article column is about 21 em; a display formula up to 1.4 times that shrinks to
# fit (text at 72% or more), a wider one scrolls
SHRINK_TO_FIT_EM = 30.0
# Past this a formula is shown as TeX: the longest real one seen is under 3,000 characters,
# and a pathological one must not hold up the article (drawing is also stopped after a second)
MAX_TEX = 4000
MAX_DRAWING = 300 * 1024  # characters of SVG one formula may take
_FORMAT = "wx2"  # the shape of what this module stores in the cache; bump when it changes


class MathError(Exception):
    pass


@lru_cache(maxsize=1)
def _renderer() -> str:
    """What a drawing depends on: MathJax's version and our mathjax.js (its digest)."""
    import hashlib
    from importlib.resources import files

    from wxformat.wechat.mathjax import version

    ours = (files("wxformat.wechat") / "mathjax.js").read_bytes()
    return f"mathjax-{version()}-{hashlib.sha256(ours).hexdigest()[:12]}-{_FORMAT}"


def _unescape(tex: str) -> str:
    """Hexo writers escape `*` as `\\*` so their Markdown leaves it alone; TeX has no `\\*`.
    A `\\\\` (a line break) is kept as it is."""
    return re.sub(r"\\([\\*])", lambda m: "*" if m.group(1) == "*" else "\\\\", tex)


def _cache_key(tex: str, display: bool) -> str:
    return cache.key(_renderer(), "display" if display else "inline", tex)


def _value(drawn: Drawing | Exception) -> str:
    """What the cache holds for a drawing, or for the error that stands for it."""
    if not isinstance(drawn, Exception) and len(drawn.body) > MAX_DRAWING:
        # a tenth of what WeChat takes for a whole article (W22): the longest real formula
        # seen draws in 140 KB
        size = len(drawn.body) // 1024
        drawn = MathError(f"its drawing would take {size:,} KB, more than {MAX_DRAWING // 1024} KB")
    if isinstance(drawn, Exception):
        return f"error:{drawn}"
    head = f"{drawn.min_x:g} {drawn.min_y:g} {drawn.width:g} {drawn.height:g}"
    return f"{head}|{drawn.body}"


def _worth_keeping(drawn: Drawing | Exception) -> bool:
    from wxformat.wechat.mathjax import MathStopped

    return not isinstance(drawn, MathStopped)  # stopped on a busy machine: try again next time


def _store(tex: str, display: bool, drawn: Drawing | Exception, store: Cache) -> str:
    value = _value(drawn)
    if _worth_keeping(drawn):
        store.put(_cache_key(tex, display), value)
    return value


def _decode(cached: str | None) -> Drawing | MathError | None:
    """A drawing as the cache holds it, the error it stands for, or None (not held, or not
    in the shape we write: it is drawn again)."""
    from wxformat.wechat.mathjax import Drawing

    if cached is None:
        return None
    if cached.startswith("error:"):
        return MathError(cached[len("error:") :])
    head, _, body = cached.partition("|")
    try:
        x, y, w, h = (float(v) for v in head.split())
    except ValueError:
        return None
    return Drawing(x, y, w, h, body)


def drawing(tex: str, display: bool, store: Cache) -> Drawing:
    """One formula drawn by MathJax; raises MathError when the TeX cannot be drawn.
    Drawings are cached on disk: V8 starts only for a formula the cache does not hold."""
    from wxformat.wechat.mathjax import Drawing

    if len(tex) > MAX_TEX:
        raise MathError(f"{len(tex):,} characters, more than the {MAX_TEX:,} drawn per formula")
    held = _decode(store.get(_cache_key(tex, display)))
    if isinstance(held, MathError):
        raise held
    if held is not None:
        return held
    from wxformat.wechat import mathjax

    try:
        drawn: Drawing | Exception = mathjax.draw(tex, display)
    except mathjax.MathUnavailable as exc:
        raise MathError(str(exc)) from None  # not the formula's fault: not cached
    except mathjax.MathError as exc:
        drawn = exc
    stored = _store(tex, display, drawn, store)
    if stored.startswith("error:"):
        raise MathError(stored[len("error:") :])
    assert isinstance(drawn, Drawing)
    return drawn


def svg_of(d: Drawing, display: bool) -> str:
    """The drawing as an `<svg>` sized in em (1 em = 1000 units of MathJax's viewBox)."""
    w, h, depth = d.width / 1000, d.height / 1000, d.depth
    if not display:
        # on the baseline at the text's size; a little wider than the column, it shrinks,
        # far wider it keeps its size (its line scrolls: see _fill)
        fit = "max-width:100%" if w <= SHRINK_TO_FIT_EM else "max-width:none"
        style = (
            f"display:inline-block;width:{w:.3f}em;height:{h:.3f}em;"
            f"vertical-align:-{depth:.3f}em;{fit};overflow:visible"
        )
    elif w <= SHRINK_TO_FIT_EM:
        # a little wider than a phone's column: shrink to fit (height follows the viewBox)
        # rather than hide the end of the formula behind a scroll nobody sees
        style = f"display:inline-block;width:{w:.3f}em;max-width:100%;height:auto"
    else:  # far wider: shrunk it would be unreadable, so it scrolls sideways
        style = f"display:inline-block;width:{w:.3f}em;height:{h:.3f}em;max-width:none"
    box = f"{d.min_x:g} {d.min_y:g} {d.width:g} {d.height:g}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" fill="currentColor" '
        f'style="{style}">{d.body}</svg>'
    )


# Formulas as images: drawn at twice the size of a 16px em for sharp phone screens, dark ink
# on white so they stay readable in WeChat's dark mode, which leaves images alone (W21)
PNG_SCALE = 2 * 16 / 1000  # pixels per MathJax unit
PNG_INK = "#222222"
PNG_BACKGROUND = "#ffffff"


def png_of(d: Drawing) -> bytes:
    """The drawing rasterised to PNG (resvg) at PNG_SCALE, on an opaque background."""
    import resvg_py

    width = max(1, round(d.width * PNG_SCALE))
    height = max(1, round(d.height * PNG_SCALE))
    body = d.body.replace("currentColor", PNG_INK)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="{d.min_x:g} {d.min_y:g} {d.width:g} {d.height:g}" fill="{PNG_INK}">'
        f"{body}</svg>"
    )
    # system fonts only for Chinese set as <text>: loading them costs more than drawing
    rgba = resvg_py.svg_to_bytes(
        svg_string=svg, background=PNG_BACKGROUND, skip_system_fonts="<text" not in body
    )
    # grey ink on white: one channel, no alpha (a transparent PNG vanishes in dark mode)
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(bytes(rgba))).convert("L").save(out, "PNG", optimize=True)
    return out.getvalue()


def img_of(d: Drawing, display: bool, tex: str) -> str:
    """The drawing as an <img> of its PNG, sized and placed exactly as its SVG would be."""
    import base64

    svg = svg_of(d, display)
    style = re.search(r'style="([^"]*)"', svg)
    data = base64.b64encode(png_of(d)).decode("ascii")
    alt = html.escape(f"$${tex}$$" if display else f"${tex}$", quote=True)
    return (
        f'<img src="data:image/png;base64,{data}" alt="{alt}" '
        f'style="border-radius:0;{style.group(1) if style else ""}">'
    )


def is_formula_image(img: Tag) -> bool:
    """Whether an <img> is a formula drawn by img_of (its alt is the TeX in dollars)."""
    alt = str(img.get("alt") or "")
    return (
        alt.startswith("$")
        and alt.endswith("$")
        and str(img.get("src") or "").startswith("data:image/png;base64,")
    )


_CHUNK = 100  # formulas drawn per call into V8 while the ones drawn before are placed


class _Drawings:
    """Every drawing one article's formulas ask for.

    Those the cache lacks are drawn in a thread of its own, a hundred per call into V8,
    while this thread places the formulas drawn already (V8 runs beside Python, so the
    stage takes little more than V8's own time); they go to the cache in one write at the
    end. The <svg> nodes of the drawings that arrive together are parsed in one go (a
    thousand parses of one formula each spent most of their time setting up), and a
    drawing asked for again (the same formula) is parsed once and copied."""

    def __init__(self, wanted: list[tuple[str, bool]], ctx: Context) -> None:
        self.ctx = ctx
        self.uses: dict[tuple[str, bool], int] = {}
        for formula in wanted:
            self.uses[formula] = self.uses.get(formula, 0) + 1
        self.keys = {f: _cache_key(*f) for f in self.uses if len(f[0]) <= MAX_TEX}
        self.values = ctx.cache.get_many(self.keys.values())
        self.missing = [f for f, key in self.keys.items() if key not in self.values]
        self.position = {formula: n for n, formula in enumerate(self.missing)}
        self.svgs: dict[str, tuple[Tag, int]] = {}  # markup -> its <svg>, uses left
        self.drawn: list[tuple[str, str]] = []  # (key, value) for the cache
        self.results: list[Drawing | Exception] = []  # of self.missing, in order
        self.absorbed = 0
        self.finished = not self.missing
        self.failure: BaseException | None = None
        self.arrived = threading.Condition()
        if self.missing:
            threading.Thread(target=self._draw, name="wxformat-math", daemon=True).start()
        self._parse([f for f in self.uses if f not in self.position])

    def _draw(self) -> None:
        """The worker: the missing formulas through V8 (started here if need be), in order."""
        from wxformat.wechat import mathjax

        try:
            for start in range(0, len(self.missing), _CHUNK):
                results = mathjax.draw_many(self.missing[start : start + _CHUNK])
                with self.arrived:
                    self.results += results
                    self.arrived.notify_all()
        except mathjax.MathUnavailable:
            pass  # each formula will say so when it is drawn
        except BaseException as exc:  # raised again in the converting thread
            self.failure = exc
        finally:
            with self.arrived:
                self.finished = True
                self.arrived.notify_all()

    def wait_for(self, formulas: list[tuple[str, bool]]) -> None:
        """Until these formulas are drawn (or drawing has ended), then take in what came."""
        need = max((self.position.get(f, -1) + 1 for f in formulas), default=0)
        if need <= self.absorbed:
            return
        with self.arrived:
            while len(self.results) < need and not self.finished:
                self.arrived.wait()
            arrived = self.results[self.absorbed :]
        if self.failure is not None:
            raise self.failure
        formulas = self.missing[self.absorbed : self.absorbed + len(arrived)]
        self.absorbed += len(arrived)
        for formula, drawn in zip(formulas, arrived, strict=True):
            if _worth_keeping(drawn):
                value = _value(drawn)
                self.values[self.keys[formula]] = value
                self.drawn.append((self.keys[formula], value))
        self._parse(formulas)

    def finish(self) -> None:
        """Every drawing made is kept in the cache, in one write."""
        self.wait_for(self.missing)
        self.ctx.cache.put_many(self.drawn)

    def _parse(self, formulas: list[tuple[str, bool]]) -> None:
        """The <svg> of these formulas' drawings, parsed in one go."""
        if self.ctx.math_images:
            return  # rasterising each formula costs far more than its parse
        fresh: dict[str, int] = {}
        for formula in formulas:
            drawn = _decode(self.values.get(self.keys.get(formula, "")))
            if drawn is None or isinstance(drawn, MathError):
                continue
            markup = svg_of(drawn, formula[1])
            if markup in self.svgs:  # the same drawing as another formula's
                svg, left = self.svgs[markup]
                self.svgs[markup] = (svg, left + self.uses[formula])
            else:
                fresh[markup] = fresh.get(markup, 0) + self.uses[formula]
        if not fresh:
            return
        # each in a <div> of its own: taking it out of so small a parent costs nothing
        body = BeautifulSoup("".join(f"<div>{m}</div>" for m in fresh), "lxml").body
        boxes = list(body.contents) if body is not None else []
        if len(boxes) != len(fresh):
            return  # not what we wrote: each drawing is parsed on its own
        for (markup, uses), box in zip(fresh.items(), boxes, strict=True):
            children = box.contents if isinstance(box, Tag) else []
            if len(children) == 1 and isinstance(children[0], Tag) and children[0].name == "svg":
                self.svgs[markup] = (children[0], uses)

    def drawing(self, tex: str, display: bool) -> Drawing:
        """One formula's drawing (see `drawing`); raises MathError when it cannot be drawn."""
        held = _decode(self.values.get(self.keys.get((tex, display), "")))
        if isinstance(held, MathError):
            raise held
        return held if held is not None else drawing(tex, display, self.ctx.cache)

    def markup(self, d: Drawing, display: bool, tex: str) -> list[PageElement]:
        """The drawing's nodes, to insert in the article."""
        if self.ctx.math_images:
            return parse_fragment(img_of(d, display, tex))
        markup = svg_of(d, display)
        found = self.svgs.get(markup)
        if found is None:
            return parse_fragment(markup)
        svg, left = found
        if left > 1:
            self.svgs[markup] = (svg, left - 1)
            return [copy.copy(svg)]
        del self.svgs[markup]
        return [svg.extract()]


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_TEXT_COMMANDS = ("\\text", "\\mathrm", "\\textrm", "\\mbox", "\\textbf", "\\mathbf")


def split_cjk(tex: str) -> list[tuple[str, str]] | None:
    """Split a formula where Chinese stands at its top level: ("tex", ...) and ("text", ...)
    pieces, so that Chinese is set as real text between drawings (what WeChat surely keeps).
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


_TAG = re.compile(r"\\tag(\*?)\s*\{")


def split_tag(tex: str) -> tuple[str, str | None]:
    """A display formula's `\\tag{x}` taken out: (the TeX without it, the label "(x)").
    MathJax would set the label in a 100%-wide wrapper of nested SVGs, which WeChat breaks;
    we place it ourselves. Several tags (one per row of `align`) stay in their rows as text."""
    found = [(m, _closing_brace(tex, m.end() - 1)) for m in _TAG.finditer(tex)]
    found = [(m, end) for m, end in found if end > 0]
    if not found:
        return tex, None
    if len(found) > 1:
        out, last = "", 0
        for m, end in found:
            content = tex[m.end() : end]
            label = content if m.group(1) else f"({content})"
            out += tex[last : m.start()] + f"\\qquad\\text{{{label}}}"
            last = end + 1
        return out + tex[last:], None
    m, end = found[0]
    content = tex[m.end() : end]
    return tex[: m.start()] + tex[end + 1 :], content if m.group(1) else f"({content})"


def _plan(tex: str, display: bool) -> list[tuple[str, bool]]:
    """The drawings _render will ask for, to draw them all at once beforehand."""
    body = _unescape(tex)
    label = None
    if display:
        body, label = split_tag(body)
    wanted = [(body, display)]
    if _CJK.search(body) and (parts := split_cjk(body)):
        wanted = [
            (f"\\displaystyle {text}" if display else text, False)
            for kind, text in parts
            if kind == "tex"
        ]
    if label is not None and ("\\" in label or "$" in label):
        wanted.append((f"\\text{{{label}}}", False))
    return wanted


def _render(node: Tag, ctx: Context, display: bool, drawings: _Drawings) -> None:
    tex = str(node.get("data-tex") or node.get_text())
    line_attr = node.get("data-line")
    line = int(str(line_attr)) if line_attr else None
    label = None
    body = _unescape(tex)
    if display:
        body, label = split_tag(body)
    try:
        if _CJK.search(body) and (parts := split_cjk(body)):
            pieces = _draw_pieces(parts, display, drawings)
        else:
            pieces = drawings.markup(drawings.drawing(body, display), display, body)
        if label is not None:
            pieces = _with_label(pieces, label, drawings)
    except MathError as exc:
        ctx.warn(
            "W5",
            f"formula could not be drawn ({exc}): shown as TeX source",
            line,
            "check the TeX for typos or unsupported commands",
        )
        _show_source(node, tex, display)
        return
    _fill(node, pieces, display)
    if label is not None:
        node["style"] = "display:flex;align-items:center"


def _draw_pieces(
    parts: list[tuple[str, str]], display: bool, drawings: _Drawings
) -> list[PageElement]:
    """Chinese at a formula's top level set as text between the drawn TeX pieces."""
    pieces: list[PageElement] = []
    for kind, text in parts:
        if kind == "text":
            pieces.append(NavigableString(text))
        else:
            tex = f"\\displaystyle {text}" if display else text
            pieces.extend(drawings.markup(drawings.drawing(tex, False), False, text))
    return pieces


def _with_label(pieces: list[PageElement], label: str, drawings: _Drawings) -> list[PageElement]:
    """The formula centred and its tag at the right edge (flex survives in WeChat, W10)."""
    soup = BeautifulSoup("", "html.parser")
    left = soup.new_tag("span", attrs={"style": "flex:1 1 0"})
    middle = soup.new_tag("span", attrs={"style": "flex:0 1 auto;min-width:0"})
    middle.extend(pieces)
    right = soup.new_tag(
        "span", attrs={"style": "flex:1 1 0;text-align:right;white-space:nowrap;padding-left:0.5em"}
    )
    if "\\" in label or "$" in label:
        tex = f"\\text{{{label}}}"
        right.extend(drawings.markup(drawings.drawing(tex, False), False, tex))
    else:
        right.string = label
    return [left, middle, right]


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
        if any("max-width:none" in str(svg.get("style")) for svg in node.find_all("svg")):
            # an inline formula far wider than a phone: on a line of its own that scrolls
            # sideways, like a display formula, never pushing the page wider
            node["style"] = "display:block;overflow-x:auto;overflow-y:hidden;white-space:nowrap"


_CLOSING = "，。、；：！？）」』】》,.;:!?)"


def _keep_punctuation(node: Tag) -> None:
    """A line must not start with the comma after a formula: pull it into the formula's span,
    which alone does not wrap (the text around it still does)."""
    after = node.next_sibling
    if isinstance(after, NavigableString) and after[:1] and after[0] in _CLOSING:
        node.append(after[0])
        if len(after) > 1:
            after.replace_with(after[1:])
        else:  # nothing left: an empty string would later read as a space
            after.extract()
        node["style"] = "white-space:nowrap"


MAX_FORMULAS = 1000  # beyond this the editor freezes long before the article is useful (W22)
MANY_FORMULAS = 300


_PLACEHOLDER = re.compile(
    rf'<(?:span|section) class="({re.escape(MATH_CLASS)}|{re.escape(DISPLAY_CLASS)})" '
    r'data-tex="([^"]*)"'
)


def start_drawing_early(rendered: str, store: Cache) -> None:
    """Start V8 in the background when the rendered article has formulas the cache lacks,
    so it starts while the article is parsed and its code highlighted, not after. An
    article without formulas, or with all of them drawn before, never starts it."""
    wanted: list[tuple[str, bool]] = []
    for count, m in enumerate(_PLACEHOLDER.finditer(rendered)):
        if count == MAX_FORMULAS:
            break
        wanted += _plan(html.unescape(m.group(2)), m.group(1) == DISPLAY_CLASS)
    keys = {_cache_key(tex, display) for tex, display in wanted if len(tex) <= MAX_TEX}
    if keys and len(store.get_many(keys)) < len(keys):
        from wxformat.wechat import mathjax

        mathjax.start_in_background()


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
    drawn = [
        (node, display, _plan(str(node.get("data-tex") or node.get_text()), display))
        for node, display in nodes[:MAX_FORMULAS]
    ]
    drawings = _Drawings([formula for _, _, wanted in drawn for formula in wanted], ctx)
    for node, display in nodes[MAX_FORMULAS:]:  # while V8 draws
        _show_source(node, str(node.get("data-tex") or node.get_text()), display)
    for node, display, wanted in drawn:
        drawings.wait_for(wanted)
        _render(node, ctx, display, drawings)
    drawings.finish()
