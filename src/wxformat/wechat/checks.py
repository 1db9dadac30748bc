"""Warnings about the finished article that no fixer can repair, reported by every command
(convert, copy, preview, check) from the final tree: W5 MathML, W17 deep lists, W19 image
hosts and sizes, W21 dark-mode risks, W22 length. A problem is located by its Markdown source line
when the article's source is known."""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Iterable

from bs4.element import Tag

from wxformat.tree import tags
from wxformat.wechat.context import Context
from wxformat.wechat.paste_filter import FAILING_IMAGE_HOSTS, _host

MAX_TEXT_CHARS = 20_000  # W22: the editor's and the draft API's limit on the article's text
MAX_HTML_BYTES = 1024 * 1024  # W22: and on its HTML
MAX_IMAGE_BYTES = 1024 * 1024  # W20: what media/uploadimg takes; larger pastes are re-hosted slowly
_DARK_FILL = re.compile(
    r"^#(?:[0-3][0-9a-f]){3}$|^#[0-3][0-9a-f]{2}$|^#000|^black$|^rgb\(\s*\d{1,2}\s*,"
)


def _is_dark(color: str) -> bool:
    color = color.strip().lower()
    return bool(_DARK_FILL.match(color))


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
    formulas = tags(root, "math")
    if formulas:
        count = len(formulas)
        ctx.warn(
            "W5",
            f"{count} formula{'s are' if count > 1 else ' is'} MathML, which WeChat does not "
            "render: the TeX or MathML shows as raw text",
            ctx.line_of(formulas[0].get_text()[:20]),
            "write the formulas as $…$ in Markdown and convert with wxformat (drawn as SVG)",
        )
    deep = [
        lst
        for lst in tags(root, "ul", "ol")
        if _list_depth(lst) == 3  # the first level too deep, once per branch
    ]
    if deep:
        ctx.warn(
            "W17",
            f"{len(deep)} list{'s are' if len(deep) > 1 else ' is'} nested more than two "
            "levels deep: WeChat loses the deeper levels' indentation and bullets",
            ctx.line_of(deep[0].get_text()[:20]),
            "flatten the list, or convert the Markdown with wxformat (it draws deep levels)",
        )
    for img in tags(root, "img"):
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
        if transparent_image(data):
            ctx.warn(
                "W21",
                f"{label} has a transparent background: dark ink on it disappears in dark mode",
                ctx.line_of(str(img.get("alt") or "")),
                "give the image a white background",
            )
    for svg in tags(root, "svg"):
        for shape in _with_self(svg):
            for attr in ("fill", "stroke"):
                value = str(shape.get(attr) or "")
                if value and _is_dark(value):
                    ctx.warn(
                        "W21",
                        f"an SVG drawn in fixed {value} is invisible in dark mode "
                        "(SVG is not recoloured)",
                        None,
                        'draw it with fill="currentColor"',
                    )
                    break
    for tag in [t for t in tags(root) if "gradient(" in str(t.get("style") or "")]:
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


def check_size(html: str, ctx: Context) -> None:
    size = len(html.encode("utf-8"))
    if size <= MAX_HTML_BYTES:
        return
    drawings = sum(len(m.group(0).encode("utf-8")) for m in _SVG.finditer(html))
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


_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def _with_self(svg: Tag) -> Iterable[Tag]:
    yield svg
    yield from tags(svg)
