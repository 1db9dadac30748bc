"""WeChat's dark mode (W21), computed: our own Python port of the colour rules of
mp-darkmode 1.2.1 (wechatjs/mp-darkmode, documented in its doc/cn/principle.md and
src/modules/sdk.js), the algorithm the WeChat app runs on every article.

The algorithm walks the article's elements in document order and rewrites the colours it
finds in their inline styles against a #191919 page:

- a background colour goes first: a grey (saturation 0) lighter than 40% lightness, or any
  colour whose perceived brightness is over 250, has its lightness inverted; any other
  colour brighter than 190 is dimmed to 190; one darker than 22% lightness is raised to 22%.
  Alpha is kept, so a translucent tint stays a translucent tint.
- a text or border colour is then compared, by perceived brightness, with the background
  behind it (borders always with the page): far enough apart (65) it stays; too close, a
  dark colour of HSL lightness up to 40% has its lightness mirrored (l -> 90 - l), others
  are scaled to a brightness 65 away from the background; on the bare page, anything far
  brighter than #a3a3a3 is scaled down to it.
- an element with a background but no colour of its own gets the colour it inherited,
  converted against its new background; SVG fill and stroke are left alone.

`darken` gives the article as WeChat shows it in dark mode (the preview's dark toggle and
the gallery's dark screenshots); `contrast_runs` gives every run of text and every drawn
mark with its colours in light and dark mode, for `check` (W23). The agreement test
(tests/test_darkmode.py) runs the real mp-darkmode in Chromium beside this port.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bs4.element import NavigableString, Tag

RGBA = tuple[float, float, float, float]  # r, g, b in 0..255 (unrounded), alpha in 0..1

# mp-darkmode's constants (src/modules/constant.js)
LIGHT_TEXT = (25.0, 25.0, 25.0, 1.0)  # #191919: the reading view's text colour in light mode
LIGHT_PAGE = (255.0, 255.0, 255.0, 1.0)
DARK_TEXT = (163.0, 163.0, 163.0, 1.0)  # #a3a3a3
DARK_PAGE = (25.0, 25.0, 25.0, 1.0)  # #191919
WHITE_LIKE_BRIGHTNESS = 250
MAX_BG_BRIGHTNESS = 190
MIN_OFFSET_BRIGHTNESS = 65
HIGH_BG_BRIGHTNESS = 100
HIGH_GREY_LIGHTNESS = 40
LOW_LIGHTNESS = 22
IGNORE_ALPHA = 0.05
# the reading view's own text colour in light mode (WeChat's #js_content)
READING_TEXT = (0.0, 0.0, 0.0, 0.9)

BG_PROPS = ("background-color", "background-image", "background")
TEXT_PROPS = (
    "-webkit-text-stroke",
    "-webkit-text-stroke-color",
    "text-decoration",
    "text-decoration-color",
    "text-emphasis-color",
    "color",
    "-webkit-text-fill-color",
)
BORDER_PROPS = (
    "border-image", "-webkit-border-image", "border", "border-top", "border-right",
    "border-bottom", "border-left", "border-color", "border-top-color", "border-right-color",
    "border-bottom-color", "border-left-color", "border-block-color",
    "border-block-start-color", "border-block-end-color", "border-inline-color",
    "border-inline-start-color", "border-inline-end-color", "outline", "outline-color",
    "box-shadow", "column-rule", "column-rule-color",
)  # fmt: skip
SHADOW_PROPS = ("text-shadow",)
SKIPPED_TAGS = ("mpcps", "iframe")
TABLE_TAGS = ("table", "tr", "td", "th")
_URL = re.compile(r"url\(", re.I)


# --- colour arithmetic, as the `color` package computes it -------------------------------


def brightness(c: RGBA | tuple[float, float, float]) -> float:
    """Perceived brightness (W3C AERT), 0..255: what mp-darkmode compares."""
    return (c[0] * 299 + c[1] * 587 + c[2] * 114) / 1000


def to_hsl(c: RGBA) -> tuple[float, float, float]:
    r, g, b = c[0] / 255, c[1] / 255, c[2] / 255
    low, high = min(r, g, b), max(r, g, b)
    delta = high - low
    if high == low:
        h = 0.0
    elif r == high:
        h = (g - b) / delta
    elif g == high:
        h = 2 + (b - r) / delta
    else:
        h = 4 + (r - g) / delta
    h = min(h * 60, 360)
    if h < 0:
        h += 360
    light = (low + high) / 2
    if high == low:
        s = 0.0
    elif light <= 0.5:
        s = delta / (high + low)
    else:
        s = delta / (2 - high - low)
    return h, s * 100, light * 100


def from_hsl(h: float, s: float, light: float, alpha: float = 1.0) -> RGBA:
    h, s, light = h / 360, s / 100, light / 100
    if s == 0:
        v = light * 255
        return (v, v, v, alpha)
    t2 = light * (1 + s) if light < 0.5 else light + s - light * s
    t1 = 2 * light - t2
    out = []
    for i in range(3):
        t3 = h + 1 / 3 * -(i - 1)
        if t3 < 0:
            t3 += 1
        if t3 > 1:
            t3 -= 1
        if 6 * t3 < 1:
            v = t1 + (t2 - t1) * 6 * t3
        elif 2 * t3 < 1:
            v = t2
        elif 3 * t3 < 2:
            v = t1 + (t2 - t1) * (2 / 3 - t3) * 6
        else:
            v = t1
        out.append(v * 255)
    return (out[0], out[1], out[2], alpha)


def _brightness_to(target: float, c: RGBA) -> RGBA:
    """Scale a colour to a perceived brightness, keeping its hue (adjustBrightnessTo)."""
    ratio = target / brightness(c) if brightness(c) else 0.0
    r, g, b = min(255.0, c[0] * ratio), min(255.0, c[1] * ratio), min(255.0, c[2] * ratio)
    if g == 0 or r == 255 or b == 255:
        g = (target * 1000 - r * 299 - b * 114) / 587
    elif r == 0:
        r = (target * 1000 - g * 587 - b * 114) / 299
    elif b == 0 or g == 255:
        b = (target * 1000 - r * 299 - g * 587) / 114
    return (r, g, b, 1.0)


def _same(a: RGBA, b: RGBA) -> bool:
    rgb_same = all(round(x) == round(y) for x, y in zip(a[:3], b[:3], strict=True))
    return rgb_same and round(a[3], 3) == round(b[3], 3)


def over(top: RGBA, below: RGBA) -> RGBA:
    """top composited over an opaque colour."""
    a = top[3]
    return (
        top[0] * a + below[0] * (1 - a),
        top[1] * a + below[1] * (1 - a),
        top[2] * a + below[2] * (1 - a),
        1.0,
    )


def luminance(c: RGBA) -> float:
    def channel(v: float) -> float:
        v = max(0.0, min(255.0, v)) / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])


@lru_cache(maxsize=4096)
def contrast(fg: RGBA, bg: RGBA) -> float:
    """WCAG 2 contrast ratio of fg (composited over bg) against opaque bg."""
    x, y = luminance(over(fg, bg)), luminance(bg)
    return (max(x, y) + 0.05) / (min(x, y) + 0.05)


def css(c: RGBA) -> str:
    """A colour as CSS, rounded as browsers store it."""
    r, g, b = (max(0, min(255, round(v))) for v in c[:3])
    if c[3] >= 1:
        return f"#{r:02x}{g:02x}{b:02x}"
    return f"rgba({r}, {g}, {b}, {round(c[3], 3):g})"


_SIMPLE_RGB = re.compile(
    r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)"
)


@lru_cache(maxsize=2048)
def parse_color(value: str) -> RGBA | None:
    """A CSS colour (hex, rgb(a), hsl(a), a name) as RGBA; None for anything else. Our own
    styles' forms (hex, rgba with commas) are read here; anything else by tinycss2, loaded
    only then: a warm conversion must not pay for importing it."""
    value = value.strip()
    low = value.lower()
    if low.startswith("#") and len(low) in (4, 5, 7, 9):
        digits = low[1:]
        if all(ch in "0123456789abcdef" for ch in digits):
            if len(digits) in (3, 4):
                digits = "".join(ch * 2 for ch in digits)
            alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
            r, g, b = (float(int(digits[i : i + 2], 16)) for i in (0, 2, 4))
            return (r, g, b, alpha)
    m = _SIMPLE_RGB.fullmatch(low)
    if m and all(float(v) <= 255 for v in m.groups()[:3]):
        alpha = min(1.0, float(m.group(4))) if m.group(4) is not None else 1.0
        return (float(m.group(1)), float(m.group(2)), float(m.group(3)), alpha)
    if low in NOT_COLORS or not low:
        return None
    import tinycss2.color3

    parsed = tinycss2.color3.parse_color(value)
    if parsed is None or isinstance(parsed, str):
        return None
    return (parsed.red * 255, parsed.green * 255, parsed.blue * 255, parsed.alpha)


# words in colour-bearing declarations that are not colours (so tinycss2 need not be asked)
NOT_COLORS = frozenset(
    (
        "solid", "dashed", "dotted", "double", "groove", "ridge", "inset", "outset", "none",
        "hidden", "inherit", "initial", "unset", "currentcolor", "auto", "underline",
        "overline", "line-through", "blink", "wavy", "thin", "medium", "thick", "repeat",
        "no-repeat", "repeat-x", "repeat-y", "center", "top", "bottom", "left", "right",
        "cover", "contain", "fixed", "scroll", "local", "padding-box", "border-box",
        "content-box", "to", "at", "circle", "ellipse", "closest-side", "farthest-corner",
        "transparent", "important",
    )
)  # fmt: skip


# --- the conversion rules (sdk.js) --------------------------------------------------------

_DARK_PAGE_BRIGHTNESS = brightness(DARK_PAGE)
_MAX_OFFSET = brightness(DARK_TEXT) - _DARK_PAGE_BRIGHTNESS  # 138
_DARK_PAGE_LIGHTNESS = to_hsl(DARK_PAGE)[2]


@lru_cache(maxsize=4096)
def dark_background(c: RGBA) -> RGBA:
    """A background colour as dark mode draws it (_adjustBackgroundBrightness)."""
    h, s, light = to_hsl(c)
    bright = brightness(c)
    if (s == 0 and light > HIGH_GREY_LIGHTNESS) or bright > WHITE_LIKE_BRIGHTNESS:
        out = from_hsl(0, 0, min(100.0, 100 + _DARK_PAGE_LIGHTNESS - light))
    elif bright > MAX_BG_BRIGHTNESS:
        out = _brightness_to(MAX_BG_BRIGHTNESS, c)
    elif light < LOW_LIGHTNESS:
        out = from_hsl(h, s, LOW_LIGHTNESS)
    else:
        out = c
    return (out[0], out[1], out[2], c[3])


@lru_cache(maxsize=8192)
def dark_text(c: RGBA, bg: RGBA = DARK_PAGE) -> RGBA:
    """A text or border colour as dark mode draws it over bg, a converted background
    (_adjustTextBrightness)."""
    bg_bright = brightness(bg) * bg[3] + _DARK_PAGE_BRIGHTNESS * (1 - bg[3])
    bright = brightness(c)
    offset = abs(bg_bright - bright)
    if bright >= WHITE_LIKE_BRIGHTNESS:
        return c
    if offset > _MAX_OFFSET and bg_bright <= _DARK_PAGE_BRIGHTNESS + 2:
        out = _brightness_to(_MAX_OFFSET + bg_bright, c)
        return (out[0], out[1], out[2], c[3])
    if offset >= MIN_OFFSET_BRIGHTNESS:
        return c
    h, s, light = to_hsl(c)
    if bg_bright >= HIGH_BG_BRIGHTNESS:  # a light background: darken the text
        if light > 90 - HIGH_GREY_LIGHTNESS:
            return dark_text(from_hsl(h, s, 90 - light, c[3]), bg)
        out = _brightness_to(min(_MAX_OFFSET, bg_bright - MIN_OFFSET_BRIGHTNESS), c)
    else:  # a dark background: lighten the text
        if light <= HIGH_GREY_LIGHTNESS:
            return dark_text(from_hsl(h, s, 90 - light, c[3]), bg)
        out = _brightness_to(min(_MAX_OFFSET, bg_bright + MIN_OFFSET_BRIGHTNESS), c)
    return (out[0], out[1], out[2], c[3])


def _mix(colors: list[RGBA]) -> RGBA:
    """A gradient's colours mixed into one, as Color.mix does pairwise."""
    result = colors[0]
    for nxt in colors[1:]:
        weight = nxt[3]
        w = weight * 2 - 1
        a = nxt[3] - result[3]
        w1 = ((w if w * a == -1 else (w + a) / (1 + w * a)) + 1) / 2
        w2 = 1 - w1
        result = (
            w1 * nxt[0] + w2 * result[0],
            w1 * nxt[1] + w2 * result[1],
            w1 * nxt[2] + w2 * result[2],
            nxt[3] * weight + result[3] * (1 - weight),
        )
    return result


# --- inline styles --------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    name: str
    value: str  # as written
    colors: tuple[tuple[str, RGBA], ...]  # each colour in the value: its text, its value


_COLOR_PROPS = frozenset(BG_PROPS + TEXT_PROPS + BORDER_PROPS + SHADOW_PROPS)
# inside a value: a url(...) to skip, a colour function, another function's name, a hex
# colour, a number with its unit (skipped), a word
_VALUE_TOKEN = re.compile(
    r"url\([^)]*\)|(?:rgba?|hsla?)\([^()]*\)|[a-zA-Z-]+\(|#[0-9a-fA-F]+\b"
    r"|[\d.]+[a-zA-Z%]*|[a-zA-Z][a-zA-Z-]*"
)


def _split(style: str) -> Iterator[str]:
    """A style attribute's declarations: split at `;` outside quotes and parentheses."""
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(style):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            yield style[start:i]
            start = i + 1
    yield style[start:]


@lru_cache(maxsize=4096)
def declarations(style: str) -> tuple[Declaration, ...]:
    out = []
    for part in _split(style):
        name, colon, value = part.partition(":")
        name = name.strip().lower()
        value = value.strip()
        if not colon or not name or not value:
            continue
        colors = _colors_in(value) if name in _COLOR_PROPS else ()
        out.append(Declaration(name, value, colors))
    return tuple(out)


def _colors_in(value: str) -> tuple[tuple[str, RGBA], ...]:
    found = []
    for m in _VALUE_TOKEN.finditer(value):
        text = m.group(0)
        if text.endswith("(") or text[0] in "0123456789." or text.lower().startswith("url("):
            continue
        if text.lower() == "transparent":
            continue  # mp-darkmode leaves `transparent` alone outside gradients
        color = parse_color(text)
        if color is not None:
            found.append((text, color))
    return tuple(found)


# --- walking the article, as Darkmode.run does -----------------------------------------------


@dataclass(frozen=True, eq=False)
class _Passed:
    """What an element passes to its descendants (mp-darkmode's expando attributes). Made
    by `_passed` only, one object per value: compared and hashed as itself, cheaply, in
    the caches that every element of an article looks up."""

    bg: RGBA | None = None  # the converted background behind (BGCOLORATTR)
    original_color: RGBA | None = None  # the light-mode colour inherited (ORIGINAL_COLORATTR)
    bg_image: bool = False  # inside a background image: text keeps its colours


_PASSED: dict[tuple[RGBA | None, RGBA | None, bool], _Passed] = {}


def _passed(
    bg: RGBA | None = None, original_color: RGBA | None = None, bg_image: bool = False
) -> _Passed:
    key = (bg, original_color, bg_image)
    found = _PASSED.get(key)
    if found is None:
        found = _PASSED[key] = _Passed(bg, original_color, bg_image)
    return found


def _order(decls: tuple[Declaration, ...]) -> list[Declaration]:
    # backgrounds before colours: a colour is converted against its own new background
    kept = [d for d in decls if d.name in BG_PROPS + TEXT_PROPS + BORDER_PROPS + SHADOW_PROPS]
    return sorted(kept, key=lambda d: (d.name == "color", d.name == "background-image"))


def convert_element(tag: Tag, passed: _Passed) -> tuple[tuple[tuple[str, str], ...], _Passed]:
    """The new declarations for one element (name and value pairs), and what its
    descendants receive."""
    attrs = tag.attrs
    name = tag.name
    bgcolor = str(attrs.get("bgcolor") or "") if name in TABLE_TAGS else ""
    font_color = str(attrs.get("color") or "") if name == "font" else ""
    return _convert(name, str(attrs.get("style") or ""), bgcolor, font_color, passed)


@lru_cache(maxsize=8192)
def _convert(
    name: str, style: str, bgcolor: str, font_color: str, passed: _Passed
) -> tuple[tuple[tuple[str, str], ...], _Passed]:
    if name in SKIPPED_TAGS:
        return (), passed
    written = declarations(style)
    decls = _order(written)
    names = {d.name for d in written}
    has_color = "color" in names or bool(font_color)
    has_bg = any("background" in n for n in names)
    has_bg_image = any(
        ("background" in d.name or d.name.endswith("border-image")) and _URL.search(d.value)
        for d in written
    )
    if bgcolor and not has_bg:
        color = parse_color(bgcolor)
        if color is not None:
            decls.insert(0, Declaration("background-color", css(color), ((css(color), color),)))
    if font_color and "color" not in names:
        color = parse_color(font_color)
        if color is not None:
            decls.append(Declaration("color", css(color), ((css(color), color),)))
    mine = _Mutable(passed.bg, passed.original_color, passed.bg_image)
    out: dict[str, str] = {}
    extra_color: str | None = None
    for decl in decls:
        if not decl.colors:
            continue
        is_bg = decl.name in BG_PROPS
        is_text = decl.name in TEXT_PROPS
        is_gradient = "gradient" in decl.value
        new_value = decl.value
        changed = False
        colors = list(decl.colors)
        if is_gradient:
            mixed = _mix([c for _, c in colors])
            colors = [(text, mixed) for text, _ in colors]
            changed = True
        for index, (text, color) in enumerate(colors):
            if color[3] < IGNORE_ALPHA:
                continue
            new: RGBA | None = None
            if is_bg:
                if color[3] >= IGNORE_ALPHA:
                    mine.bg_image = False
                new = dark_background(color)
                if not has_color:
                    inherited = mine.original_color or LIGHT_TEXT
                    if not mine.bg_image:
                        extra_color = css(dark_text(inherited, new))
            elif is_text or decl.name in BORDER_PROPS:
                against = mine.bg if (is_text and mine.bg is not None) else DARK_PAGE
                if not mine.bg_image:
                    new = dark_text(color, against)
            elif decl.name in SHADOW_PROPS and not mine.bg_image:
                new = dark_background(color)
            if new is not None and _same(new, color):
                new = None
            if has_bg_image:
                new = None  # an element with a background image keeps its colours
            if index == 0 and (is_bg or decl.name in ("color", "-webkit-text-fill-color")):
                if is_bg:
                    mine.bg = new or color
                else:
                    mine.original_color = color
            if new is not None:
                changed = True
                new_value = new_value.replace(text, css(new), 1)
            elif is_gradient:
                new_value = new_value.replace(text, css(color), 1)
        is_image = decl.name in BG_PROPS or decl.name.endswith("border-image")
        if has_bg_image and is_image and _URL.search(decl.value):
            mine.bg_image = True
            if not has_color:
                extra_color = css(mine.original_color or LIGHT_TEXT)
        if changed:
            out[decl.name] = new_value
    if extra_color is not None:
        out.setdefault("color", extra_color)
    return tuple(out.items()), _passed(mine.bg, mine.original_color, mine.bg_image)


@dataclass
class _Mutable:
    bg: RGBA | None
    original_color: RGBA | None
    bg_image: bool


def dark_changes(root: Tag) -> dict[int, dict[str, str]]:
    """Every element's dark-mode declarations, keyed by id() of the tag (root included)."""
    changes: dict[int, dict[str, str]] = {}
    # document order, without recursion: raw HTML may nest thousands of levels deep
    stack: list[tuple[Tag, _Passed]] = [(root, _passed())]
    while stack:
        tag, passed = stack.pop()
        values, mine = convert_element(tag, passed)
        if values:
            changes[id(tag)] = dict(values)
        stack.extend((child, mine) for child in reversed(tag.contents) if isinstance(child, Tag))
    return changes


def _restyle(style: str, values: dict[str, str]) -> str:
    """An inline style with some declarations' values replaced (in place) or added."""
    parts, done = [], set()
    for decl in declarations(style):
        if decl.name in values:
            parts.append(f"{decl.name}:{values[decl.name]}")
            done.add(decl.name)
        else:
            parts.append(f"{decl.name}:{decl.value}")
    parts += [f"{name}:{value}" for name, value in values.items() if name not in done]
    return ";".join(parts)


def darken(root: Tag) -> None:
    """Rewrite root's inline styles in place into what WeChat's dark mode shows."""
    changes = dark_changes(root)
    for tag in [root, *root.find_all(True)]:
        values = changes.get(id(tag))
        if values:
            tag["style"] = _restyle(str(tag.get("style") or ""), values)


# --- contrast of what a reader sees, for check --------------------------------------------


@dataclass(slots=True)  # thousands per long article: a plain init
class Run:
    """A run of text (or a drawn mark) with its colours in light and in dark mode."""

    element: Tag
    text: str  # the text, or "" for a mark
    mark: bool
    light_fg: RGBA
    light_bg: RGBA
    dark_fg: RGBA
    dark_bg: RGBA
    light_bg_declared: RGBA | None  # the nearest background colour written, if any

    @property
    def light_ratio(self) -> float:
        return contrast(self.light_fg, self.light_bg)

    @property
    def dark_ratio(self) -> float:
        return contrast(self.dark_fg, self.dark_bg)


@dataclass(frozen=True, eq=False)
class Seen:
    """The colours in force at an element. Made by `_seen` only, one object per value, as
    _Passed."""

    light_fg: RGBA
    light_bg: RGBA
    dark_fg: RGBA
    dark_bg: RGBA
    declared_bg: RGBA | None


_SEEN: dict[tuple[RGBA, RGBA, RGBA, RGBA, RGBA | None], Seen] = {}


def _seen(
    light_fg: RGBA, light_bg: RGBA, dark_fg: RGBA, dark_bg: RGBA, declared_bg: RGBA | None
) -> Seen:
    key = (light_fg, light_bg, dark_fg, dark_bg, declared_bg)
    found = _SEEN.get(key)
    if found is None:
        found = _SEEN[key] = Seen(*key)
    return found


def _value(decls: tuple[Declaration, ...], names: tuple[str, ...]) -> RGBA | None:
    found = None
    for d in decls:
        if d.name in names and d.colors:
            found = d.colors[0][1]
    return found


def _mark_color(svg: Tag, current: RGBA) -> RGBA | None:
    """The colour an SVG is drawn in: its first shape's fill (or stroke), else its own."""
    fill = svg.attrs.get("fill")
    if isinstance(fill, str) and fill.lower() == "currentcolor":
        return current  # ours, and most: decided by the <svg> itself
    # walked lazily: the <svg> itself or its first shape decides
    for node in itertools.chain((svg,), (n for n in svg.descendants if isinstance(n, Tag))):
        for attr in ("fill", "stroke"):
            value = str(node.get(attr) or "").strip()
            if not value or value.lower() == "none":
                continue
            if value.lower() == "currentcolor":
                return current
            color = parse_color(value)
            if color is not None:
                return color
        if node is not svg and node.name in ("path", "text", "rect", "circle", "polygon", "line"):
            return current  # SVG's default fill is black, but ours set it on the <svg>
    return current


@lru_cache(maxsize=4096)
def _seen_inside(style: str, dark: tuple[tuple[str, str], ...], seen: Seen) -> Seen | None:
    """The colours inside an element with this style and these dark-mode declarations,
    within `seen`; None when it is not shown (display: none). Pure: a long paragraph's
    thousands of elements repeat a few styles."""
    decls = declarations(style)
    if any(d.name == "display" and d.value == "none" for d in decls):
        return None
    light_fg = _value(decls, ("color",))
    light_bg = _value(decls, ("background-color", "background"))
    dark_decls = declarations(";".join(f"{k}:{v}" for k, v in dark)) if dark else ()
    dark_fg = _value(dark_decls, ("color",)) or light_fg
    dark_bg = _value(dark_decls, ("background-color", "background")) or light_bg
    return _seen(
        light_fg or seen.light_fg,
        over(light_bg, seen.light_bg) if light_bg else seen.light_bg,
        dark_fg or seen.dark_fg,
        over(dark_bg, seen.dark_bg) if dark_bg else seen.dark_bg,
        light_bg or seen.declared_bg,
    )


def contrast_runs(root: Tag) -> Iterator[Run]:
    """Every visible run of text and every SVG mark under root, with its colours as the
    reader sees them in light mode (on white) and in WeChat's dark mode (on #191919)."""
    for element, text, seen, mark in shown(root):
        yield run_of(element, text, seen, mark)


def run_of(element: Tag, text: str, seen: Seen, mark: tuple[RGBA, RGBA] | None) -> Run:
    """The Run for one of `shown`'s answers."""
    if mark is None:
        return Run(
            element, text, False, seen.light_fg, seen.light_bg, seen.dark_fg, seen.dark_bg,
            seen.declared_bg,
        )  # fmt: skip
    return Run(element, "", True, mark[0], seen.light_bg, mark[1], seen.dark_bg, seen.declared_bg)


def shown(root: Tag) -> Iterator[tuple[Tag, str, Seen, tuple[RGBA, RGBA] | None]]:
    """What contrast_runs gives, before it is made a Run: each visible run of text (its
    element, its text, the colours in force: one object per colouring, see _seen) and each
    SVG mark (its element, "", the colours in force, its own light and dark colour). The
    contrast check makes a Run only of a colouring it has not judged yet."""
    start = _seen(READING_TEXT, LIGHT_PAGE, DARK_TEXT, DARK_PAGE, None)
    steps: dict[tuple[Any, ...], tuple[_Passed, Seen | None]] = {}

    # document order, without recursion: raw HTML may nest thousands of levels deep; each
    # element's dark-mode declarations are worked out on the way down, as dark_changes does
    stack: list[tuple[Tag | NavigableString, Tag, Seen, _Passed]] = [(root, root, start, _passed())]
    while stack:
        node, parent, seen, passed = stack.pop()
        if not isinstance(node, Tag):
            text = node.strip()
            if text:
                yield parent, text, seen, None
            continue
        tag = node
        attrs = tag.attrs
        if "bgcolor" in attrs or "color" in attrs:  # an old table or <font>: not stepped alike
            dark, passed = convert_element(tag, passed)
            inside = _seen_inside(str(attrs.get("style") or ""), dark, seen)
        else:
            # one step down, the same for every element alike (name, style, what it gets)
            key = (tag.name, attrs.get("style"), passed, seen)
            step = steps.get(key)
            if step is None:
                style = str(attrs.get("style") or "")
                dark, after = _convert(tag.name, style, "", "", passed)
                step = steps[key] = (after, _seen_inside(style, dark, seen))
            passed, inside = step
        if inside is None:
            continue
        seen = inside
        if tag.name == "svg":
            light = _mark_color(tag, seen.light_fg)
            dark_color = _mark_color(tag, seen.dark_fg)
            if light is not None and dark_color is not None:
                yield tag, "", seen, (light, dark_color)
            continue
        for child in reversed(tag.contents):
            if isinstance(child, Tag) or type(child) is NavigableString:
                stack.append((child, tag, seen, passed))


# --- choosing colours that survive -------------------------------------------------------


def _reads(color: RGBA, bg: RGBA, need: float) -> bool:
    dark_bg = dark_background(bg)
    shown_bg = over(dark_bg, DARK_PAGE)
    light_ok = contrast(color, over(bg, LIGHT_PAGE)) >= need
    return light_ok and contrast(dark_text(color, dark_bg), shown_bg) >= need


@lru_cache(maxsize=1024)
def readable(color: RGBA, bg: RGBA, need: float = 4.5) -> RGBA:
    """color, or the nearest colour of its hue that reads at `need`:1 on bg both in light
    mode and after WeChat's dark mode has converted both (for our code palettes)."""
    if _reads(color, bg, need):
        return color
    h, s, light = to_hsl(color)
    for saturation in (s, s * 0.85, s * 0.7, s * 0.5, 0.0):
        for step in range(1, 201):
            for candidate_l in (light - step * 0.5, light + step * 0.5):
                if 0 <= candidate_l <= 100:
                    # rounded as CSS will write it: brightness thresholds are sharp
                    r, g, b, a = from_hsl(h, saturation, candidate_l, color[3])
                    candidate = (float(round(r)), float(round(g)), float(round(b)), a)
                    if _reads(candidate, bg, need):
                        return candidate
    return color


@lru_cache(maxsize=64)
def surviving_background(bg: RGBA) -> RGBA:
    """bg, or for a pale tint that dark mode would only dim to a light slab (brightness
    190..250 with a hue), the same colour on white drawn as a translucent tint: WeChat keeps
    a tint whose own colour is no brighter than 190, so it stays a tint on the dark page."""
    _, s, _ = to_hsl(bg)
    if bg[3] < 1 or s == 0 or not MAX_BG_BRIGHTNESS < brightness(bg) <= WHITE_LIKE_BRIGHTNESS:
        return bg
    lift = [255 - v for v in bg[:3]]  # how far below white each channel is
    for step in range(100, 0, -1):  # the most opaque tint that works is the palest colour
        alpha = step / 100
        base = [255 - d / alpha for d in lift]
        candidate = (base[0], base[1], base[2], alpha)
        kept = brightness(candidate) <= MAX_BG_BRIGHTNESS - 1  # a tint WeChat leaves alone
        if min(base) >= 0 and kept and to_hsl(candidate)[2] >= LOW_LIGHTNESS:
            return (float(round(base[0])), float(round(base[1])), float(round(base[2])), alpha)
    return bg
