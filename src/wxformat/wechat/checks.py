"""Warnings about the finished article that no fixer can repair, reported by every command
(convert, copy, preview, check) from the final tree: W5 MathML, W17 deep lists, W19 image
hosts and sizes, W21 dark-mode risks, W22 length, W23 text and marks below 3:1 in light or
dark mode (dark mode as WeChat's own algorithm draws it: darkmode.py). A problem is located
by its Markdown source line when the article's source is known."""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Iterable

from bs4.element import Tag

from wxformat.tree import tags
from wxformat.wechat import darkmode
from wxformat.wechat.context import Context
from wxformat.wechat.paste_filter import FAILING_IMAGE_HOSTS, _host

MAX_TEXT_CHARS = 20_000  # W22: the editor's and the draft API's limit on the article's text
MAX_HTML_BYTES = 1024 * 1024  # W22: and on its HTML
MAX_IMAGE_BYTES = 1024 * 1024  # W20: what media/uploadimg takes; larger pastes are re-hosted slowly
MIN_CONTRAST = 3.0  # WCAG's floor for large text and for marks; below it text is lost


def transparent_image(data: bytes) -> bool:
    """True when a PNG, GIF or WebP has transparency (dark ink on it vanishes in dark mode)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 26:
        color_type = data[25]
        return color_type in (4, 6) or b"tRNS" in data[:4096]
    if data[:6] in (b"GIF87a", b"GIF89a"):
        marker = data.find(b"\x21\xf9\x04")  # graphic control extension
        return marker != -1 and bool(data[marker + 3] & 1)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return (data[12:16] == b"VP8X" and bool(data[20] & 0x10)) or data[12:16] == b"VP8L"
    return False


DARK_INK_SHARE = 0.2  # a fifth of the drawing lost in dark mode (its text, its lines) is too much


def dark_ink_share(data: bytes) -> float:
    """The share of a transparent image's drawn pixels that fall below 3:1 on WeChat's dark
    page (#191919); 1.0 when the image cannot be read (assume the worst)."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((128, 128))
            raw = image.convert("RGBA").tobytes()
    except (UnidentifiedImageError, OSError, ValueError):
        return 1.0
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    drawn = [p for p in pixels if p[3] >= 128] or [p for p in pixels if p[3] > 0]
    if not drawn:
        return 0.0
    dark = sum(
        1
        for r, g, b, _ in drawn
        if darkmode.contrast((r, g, b, 1.0), darkmode.DARK_PAGE) < MIN_CONTRAST
    )
    return dark / len(drawn)


def data_uri_bytes(src: str) -> bytes | None:
    m = re.match(r"data:[\w/+.-]+;base64,(.*)", src, re.S)
    if not m:
        return None
    try:
        return base64.b64decode(m.group(1), validate=False)
    except ValueError:
        return None


def _pixels_wide(data: bytes) -> bool:
    """Rough guard for huge images, from the PNG header."""
    if data.startswith(b"\x89PNG") and len(data) > 24:
        width, height = (int(v) for v in struct.unpack(">II", data[16:24]))
        return width * height > 4096 * 4096
    return False


def _list_depth(tag: Tag) -> int:
    return 1 + sum(1 for parent in tag.parents if parent.name in ("ul", "ol"))


def diagnose(root: Tag, ctx: Context) -> None:
    """Add the warnings the finished article deserves to ctx. Our own output passes them by
    construction (formulas are SVG, deep lists drawn flat); HTML from other tools may not."""
    # one walk, one pass over its elements for all that follows
    formulas: list[Tag] = []
    lists: list[Tag] = []
    images: list[Tag] = []
    gradients: list[Tag] = []
    for tag in tags(root):
        name = tag.name
        if name == "math":
            formulas.append(tag)
        elif name in ("ul", "ol"):
            lists.append(tag)
        elif name == "img":
            images.append(tag)
        style = tag.attrs.get("style")
        if style and "gradient(" in str(style):
            gradients.append(tag)
    if formulas:
        count = len(formulas)
        ctx.warn(
            "W5",
            f"{count} formula{'s are' if count > 1 else ' is'} MathML, which WeChat does not "
            "render: the TeX or MathML shows as raw text",
            ctx.line_of(formulas[0].get_text()[:20]),
            "write the formulas as $…$ in Markdown and convert with wxformat (drawn as SVG)",
        )
    deep = [lst for lst in lists if _list_depth(lst) == 3]  # the first too deep, per branch
    if deep:
        ctx.warn(
            "W17",
            f"{len(deep)} list{'s are' if len(deep) > 1 else ' is'} nested more than two "
            "levels deep: WeChat loses the deeper levels' indentation and bullets",
            ctx.line_of(deep[0].get_text()[:20]),
            "flatten the list, or convert the Markdown with wxformat (it draws deep levels)",
        )
    for img in images:
        src = str(img.get("src") or "")
        host = _host(src)
        if host in FAILING_IMAGE_HOSTS or (host == "github.com" and "/raw/" in src):
            ctx.warn(
                "W19",
                f"image {src[:80]} is on {host}, which WeChat often fails to fetch",
                ctx.line_of(src),
                "host it elsewhere, or download it next to the article"
                if ctx.source
                else "host it elsewhere, or upload it with the editor's image button",
            )
        data = data_uri_bytes(src) if src.startswith("data:") else None
        if data is None:
            continue
        label = str(img.get("alt") or "an embedded image")
        if len(data) > MAX_IMAGE_BYTES or _pixels_wide(data):
            ctx.warn(
                "W20",
                f"{label} is {len(data) // 1024} KB: WeChat takes images up to 1 MB",
                ctx.line_of(str(img.get("alt") or "")),
                "shrink or compress the image",
            )
        dark_share = dark_ink_share(data) if transparent_image(data) else 0.0
        if dark_share >= DARK_INK_SHARE:
            ctx.warn(
                "W21",
                f"{label} has a transparent background and dark ink ({dark_share:.0%} of what "
                "it draws is below 3:1 on WeChat's dark page): it disappears in dark mode",
                ctx.line_of(str(img.get("alt") or "")),
                "give the image a white background",
            )
    check_contrast(root, ctx)
    for tag in gradients:
        ctx.warn(
            "W21",
            "a gradient background becomes one colour in dark mode: text on it may vanish",
            ctx.line_of(tag.get_text()[:20]),
            "use a plain background colour",
        )
    text_chars = len(re.sub(r"\s", "", root.get_text()))
    if text_chars > MAX_TEXT_CHARS:
        ctx.warn(
            "W22",
            f"the article has {text_chars:,} characters of text; WeChat takes at most 20,000",
            None,
            "split it into a series",
        )


def _fixed_color(svg: Tag) -> str | None:
    """The fixed colour an SVG is drawn in (not currentColor), if any."""
    for shape in _with_self(svg):
        for attr in ("fill", "stroke"):
            value = str(shape.get(attr) or "").strip()
            if value and value.lower() not in ("none", "currentcolor", "transparent"):
                return value
    return None


def _where(tag: Tag) -> str:
    for name, label in (
        ("pre", "code block"), ("blockquote", "quote"), ("table", "table"),
        ("h1", "heading"), ("h2", "heading"), ("h3", "heading"), ("h4", "heading"),
        ("li", "list item"), ("code", "inline code"), ("figcaption", "caption"),
    ):  # fmt: skip
        if tag.name == name or tag.find_parent(name) is not None:
            return label
    return "text"


def _hint(run: darkmode.Run, dark: bool) -> str:
    fg = run.light_fg
    declared = run.light_bg_declared
    if dark and declared is not None and declared[3] >= 1:
        h, s, _ = darkmode.to_hsl(declared)
        if s > 0 and darkmode.brightness(declared) > darkmode.MAX_BG_BRIGHTNESS:
            grey = darkmode.css(darkmode.from_hsl(0, 0, darkmode.to_hsl(declared)[2]))
            tint = darkmode.css((*darkmode.from_hsl(h, min(s, 70.0), 50)[:3], 0.08))
            return (
                f"WeChat only dims a pale tinted background like {darkmode.css(declared)} to "
                f"a light slab: use a neutral grey ({grey}) or a translucent tint ({tint}), "
                "which it turns dark"
            )
    if fg[3] < 1:  # WeChat keeps a colour's transparency, and the page shows through it
        opaque = darkmode.readable(darkmode.over(fg, run.light_bg), run.light_bg, 4.5)
        return (
            f"use an opaque colour such as {darkmode.css(opaque)}: a translucent one lets "
            "the page show through in both modes"
        )
    suggestion = darkmode.css(darkmode.readable(fg, run.light_bg, 4.5))
    if suggestion != darkmode.css(fg) and not run.mark:
        return f"use {suggestion} instead: same hue, readable in light and dark mode"
    if dark:
        return (
            "choose a colour WeChat can lighten: perceived brightness under 90 and HSL "
            "lightness 40% or less"
        )
    return "choose a darker colour, or a lighter background"


def _on_a_slab(run: darkmode.Run) -> bool:
    """Text on a pale tinted background that WeChat's dark mode dims only to a light-grey
    slab, glaring on the dark page (whatever the contrast of the text on it)."""
    return (
        not run.mark
        and darkmode.brightness(run.light_bg) >= darkmode.MAX_BG_BRIGHTNESS
        and darkmode.brightness(run.dark_bg) >= darkmode.HIGH_BG_BRIGHTNESS
    )


def check_contrast(root: Tag, ctx: Context) -> None:
    """W23: text and marks that fall below 3:1 in light mode, or in dark mode as WeChat's
    algorithm recolours them, and text left on a light slab in dark mode (W21 for SVG drawn
    in a fixed colour, which the algorithm skips)."""
    seen: dict[tuple[str, str, str, bool], int] = {}
    reports: list[tuple[tuple[str, str, str, bool], darkmode.Run, bool, float]] = []
    fine: set[tuple[object, ...]] = set()  # colours already found readable in both modes
    # the colourings (one object each) and marks whose colours are in fine: a paragraph of
    # thousands of runs has a handful, and a Run is made only of one not yet judged
    fine_shown: set[object] = set()
    for element, text, colouring, mark in darkmode.shown(root):
        known = colouring if mark is None else (colouring, mark)
        if known in fine_shown:
            continue
        run = darkmode.run_of(element, text, colouring, mark)
        colours = (run.mark, run.light_fg, run.light_bg, run.dark_fg, run.dark_bg)
        if colours in fine:
            fine_shown.add(known)
            continue
        if _on_a_slab(run):
            key = ("slab", darkmode.css(run.light_bg), "", True)
            if key not in seen:
                reports.append((key, run, True, run.dark_ratio))
                seen[key] = 0
            seen[key] += 1
            continue
        if run.light_ratio >= MIN_CONTRAST and run.dark_ratio >= MIN_CONTRAST:
            fine.add(colours)
            fine_shown.add(known)
            continue
        for dark in (False, True):
            ratio = run.dark_ratio if dark else run.light_ratio
            if ratio >= MIN_CONTRAST:
                continue
            key = (darkmode.css(run.light_fg), darkmode.css(run.light_bg), run.text and "t", dark)
            if key not in seen:
                reports.append((key, run, dark, ratio))
                seen[key] = 0
            seen[key] += 1
            break
    for key, run, dark, ratio in reports:
        mode = "dark" if dark else "light"
        fg, bg = (run.dark_fg, run.dark_bg) if dark else (run.light_fg, run.light_bg)
        more = seen[key] - 1
        also = f" ({more} more like it)" if more else ""
        fixed = _fixed_color(run.element) if run.mark else None
        if key[0] == "slab":
            short = run.text if len(run.text) <= 16 else run.text[:15] + "…"
            ctx.warn(
                "W23",
                f"{_where(run.element)} “{short}” sits on {darkmode.css(run.light_bg)}, "
                f"which WeChat's dark mode only dims to a light slab "
                f"({darkmode.css(run.dark_bg)}, the text {darkmode.css(run.dark_fg)} at "
                f"{ratio:.1f}:1) glaring on its dark page{also}",
                ctx.line_of(run.text[:16]),
                _hint(run, True),
            )
            continue
        if fixed is not None:
            ctx.warn(
                "W21",
                f"an SVG drawn in fixed {fixed} is {ratio:.1f}:1 on {darkmode.css(bg)} in "
                f"{mode} mode (WeChat does not recolour SVG){also}",
                None,
                'draw it with fill="currentColor"',
            )
            continue
        item = run.element.find_parent("li")
        if run.mark:
            what = "a list marker" if item is not None else "an SVG drawing"
            anchor = item.get_text(" ", strip=True)[:16] if item is not None else ""
        else:
            short = run.text if len(run.text) <= 16 else run.text[:15] + "…"
            what = f"{_where(run.element)} “{short}”"
            anchor = run.text[:16]
        light = f"{darkmode.css(run.light_fg)} on {darkmode.css(run.light_bg)}"
        shown = (
            f"WeChat's dark mode draws it {darkmode.css(fg)} on {darkmode.css(bg)}: {ratio:.1f}:1"
            if dark
            else f"{ratio:.1f}:1"
        )
        ctx.warn(
            "W23",
            f"{what} in <{run.element.name}> is {light}; {shown}, below 3:1 in {mode} mode{also}",
            ctx.line_of(anchor),
            _hint(run, dark),
        )


def check_size(html: str, ctx: Context) -> None:
    size = len(html) if html.isascii() else len(html.encode("utf-8"))
    if size <= MAX_HTML_BYTES:
        return
    drawings = _drawing_bytes(html)
    if drawings and size - drawings < MAX_HTML_BYTES * 0.9:
        # the formulas' SVG is what makes it too large (a textbook chapter)
        ctx.warn(
            "W22",
            f"the HTML is {size / 1024 / 1024:.1f} MB, {drawings / 1024 / 1024:.1f} MB of it "
            "formula drawings; WeChat takes at most 1 MB, so `wxformat publish` will send "
            "the formulas as PNG images (uploaded, about 1 KB each)",
            None,
            "publish with `wxformat publish`; pasted, this HTML is too large: split the article",
        )
        return
    ctx.warn(
        "W22",
        f"the HTML is {size / 1024 / 1024:.1f} MB; WeChat takes at most 1 MB",
        None,
        "host images online instead of embedding them, or split the article",
    )


def _drawing_bytes(html: str) -> int:
    """How many of the HTML's bytes are SVG drawings (found with str.find: a lazy regex
    read a list of 20,000 drawn numbers, 60 MB, in half a second)."""
    total, at = 0, html.find("<svg")
    while at != -1:
        end = html.find("</svg>", at)
        if end == -1:
            break
        end += len("</svg>")
        piece = html[at:end]
        total += len(piece) if piece.isascii() else len(piece.encode("utf-8"))
        at = html.find("<svg", end)
    return total


def _with_self(svg: Tag) -> Iterable[Tag]:
    yield svg
    yield from tags(svg)
