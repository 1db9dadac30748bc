"""What must hold for any HTML we hand to WeChat, and the contrast of its text."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

FORBIDDEN_TAGS = {"style", "script", "link", "meta", "iframe", "form", "input", "button",
                  "textarea", "select", "video", "audio", "div", "use", "defs", "math"}  # fmt: skip


def wechat_problems(html: str) -> list[str]:
    """Every way html breaks the rules in shared/wechat-rules.md that the pipeline owns."""
    problems = []
    if "\n" in html:
        problems.append("W15 newline in the HTML")
    soup = BeautifulSoup(html, "html.parser")
    roots = [c for c in soup.contents if isinstance(c, Tag)]
    if len(roots) != 1 or roots[0].name != "section":
        problems.append("not exactly one root <section>")
    for tag in soup.find_all(True):
        if tag.name in FORBIDDEN_TAGS:
            problems.append(f"W1/W2 <{tag.name}>")
        for attr, value in tag.attrs.items():
            if attr in ("class", "id"):
                problems.append(f"W6 {attr} on <{tag.name}>")
            if attr.startswith("on"):
                problems.append(f"W7 {attr} on <{tag.name}>")
            if "javascript:" in str(value).lower():
                problems.append(f"W7 javascript: URL on <{tag.name}>")
        style = str(tag.get("style") or "")
        if "var(" in style or re.search(r"(^|;)\s*--", style):
            problems.append(f"W8 custom property on <{tag.name}>")
        if re.search(r"position\s*:\s*(absolute|fixed|sticky)", style):
            problems.append(f"W9 position on <{tag.name}>")
        if "!important" in style:
            problems.append(f"W12 !important on <{tag.name}>")
        if tag.name == "a" and not str(tag.get("href", "")).startswith("https://mp.weixin.qq.com/"):
            problems.append(f"W18 link to {tag.get('href')}")
        if tag.name == "img" and not re.match(r"(https?:|data:image/)", str(tag.get("src", ""))):
            problems.append(f"W19 image {tag.get('src')}")
    for pre in soup.find_all("pre"):
        for text in pre.find_all(string=True):
            if " " in text or "\t" in text or (str(text).strip() == "" and str(text)):
                problems.append("W14 raw white space in code")
                break
    return problems


_NAMED = {"white": (255, 255, 255), "black": (0, 0, 0), "red": (255, 0, 0)}


def parse_color(value: str) -> tuple[float, float, float, float] | None:
    value = value.strip().lower()
    if value in _NAMED:
        r, g, b = _NAMED[value]
        return (float(r), float(g), float(b), 1.0)
    m = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", value)
    if m:
        h = m.group(1)
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0)
    m = re.fullmatch(r"rgba?\(([^)]*)\)", value)
    if m:
        parts = [float(p) for p in re.split(r"[,\s/]+", m.group(1).strip()) if p]
        return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)
    return None


def _declared(tag: Tag, prop: str) -> str | None:
    for part in str(tag.get("style") or "").split(";"):
        if ":" in part:
            name, value = part.split(":", 1)
            if name.strip() == prop:
                return value.strip()
    return None


def _blend(
    top: tuple[float, float, float, float], under: tuple[float, float, float]
) -> tuple[float, float, float]:
    a = top[3]
    return (
        top[0] * a + under[0] * (1 - a),
        top[1] * a + under[1] * (1 - a),
        top[2] * a + under[2] * (1 - a),
    )


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def effective_colors(
    node: Tag, page: tuple[float, float, float] = (255, 255, 255)
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """The text colour and the background behind it, from inline styles up the tree."""
    chain = [node, *node.parents]
    backgrounds = []
    color: tuple[float, float, float, float] | None = None
    for tag in chain:
        if not isinstance(tag, Tag):
            continue
        if color is None:
            declared = _declared(tag, "color")
            color = parse_color(declared) if declared else None
        bg = _declared(tag, "background-color")
        parsed_bg = parse_color(bg) if bg else None
        if parsed_bg and parsed_bg[3] > 0:
            backgrounds.append(parsed_bg)
    behind: tuple[float, float, float] = page
    for layer in reversed(backgrounds):
        behind = _blend(layer, behind)
    text = _blend(color or (0, 0, 0, 1.0), behind)
    return text, behind


def low_contrast_text(html: str, minimum: float = 4.5) -> list[str]:
    """Text (outside code blocks, which carry their code theme) below the contrast minimum."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for text in soup.find_all(string=True):
        if not isinstance(text, NavigableString) or not text.strip() or text.find_parent("pre"):
            continue
        parent = text.parent
        assert isinstance(parent, Tag)
        fg, bg = effective_colors(parent)
        ratio = contrast(fg, bg)
        if ratio < minimum:
            found.append(f"{ratio:.2f}:1 <{parent.name}> {text.strip()[:20]!r}")
    return found
