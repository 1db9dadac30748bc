"""W16/W17 lists: we draw every marker ourselves, item content stays in one `<section>`, and
lists nested deeper than two levels move up to sit after their item (still indented, with a
marker of their depth), because WeChat loses deeper nesting and sometimes the bullets.

Markers are drawn, not typed, so an item's text is exactly the writer's text (copying an
item, or WeChat wrapping it in `<p>`, cannot separate a typed "1." from its item): bullets
are small CSS shapes (an empty span the theme styles), numbers are the digits drawn as SVG
outlines of DejaVu Sans in `currentColor`. Footnotes keep their typed `[n]`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bs4 import BeautifulSoup, NavigableString, Tag

from wxformat.wechat.context import Context

MAX_DEPTH = 2
_SIZE = 16.0
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


@lru_cache(maxsize=512)
def number_svg(label: str) -> str:
    """The label (such as "12.") as an SVG of glyph outlines, sized in em, no text nodes."""
    import ziafont

    ziafont.config.svg2 = False  # paths only: no <symbol>/<use>/ids, which WeChat strips (W6)
    svg = ziafont.Font().text(label, size=_SIZE).svg()
    svg = re.sub(r"<title>.*?</title>", "", svg)
    m = _VIEWBOX.search(svg)
    width, height = (float(m.group(3)), float(m.group(4))) if m else (_SIZE, _SIZE)
    svg = re.sub(r'\s(?:width|height)="[^"]*"', "", svg, count=2)
    style = (
        f"display:inline-block;width:{width / _SIZE:.3f}em;height:{height / _SIZE:.3f}em;"
        "vertical-align:baseline;max-width:none;overflow:visible"
    )
    svg = svg.replace(
        "<svg ",
        f'<svg fill="currentColor" stroke="currentColor" stroke-width="0.5" style="{style}" ',
        1,
    )
    return re.sub(r">\s+<", "><", svg)


def _depth(node: Tag) -> int:
    return len(node.find_parents(["ul", "ol"])) + 1


def _flatten_deep_lists(soup: BeautifulSoup) -> None:
    """Move each list at depth 3+ out of its item into the depth-2 list, after the item."""
    while True:
        deep = next((lst for lst in soup.find_all(["ul", "ol"]) if _depth(lst) > MAX_DEPTH), None)
        if deep is None:
            return
        parent_item = deep.find_parent("li")
        if parent_item is None:  # pragma: no cover - a list inside a list is inside an item
            return
        level = int(str(parent_item.get("data-level") or MAX_DEPTH)) + 1
        anchor = parent_item
        number = int(str(deep.get("start") or 1))
        for item in deep.find_all("li", recursive=False):
            item["data-level"] = str(level)
            item["data-number"] = str(number) if deep.name == "ol" else "bullet"
            number += 1
            anchor.insert_after(item)
            anchor = item
        deep.decompose()


def _marker(soup: BeautifulSoup, lst: Tag, item: Tag, index: int, level: int) -> Tag:
    number = item.get("data-number")
    marker = soup.new_tag("span")
    if lst.find_parent(class_="wx-footnotes") is not None:
        marker["class"] = "wx-marker wx-marker-footnote"
        marker.string = f"[{int(str(lst.get('start') or 1)) + index}]\u00a0"
        return marker
    if number == "bullet" or (number is None and lst.name == "ul"):
        marker["class"] = f"wx-marker wx-bullet wx-bullet-{min(level, 3)}"
        return marker
    value = int(str(number)) if number else int(str(lst.get("start") or 1)) + index
    marker["class"] = "wx-marker wx-number"
    marker.append(BeautifulSoup(number_svg(f"{value}."), "html.parser"))
    return marker


def fix_lists(soup: BeautifulSoup, ctx: Context) -> None:
    _flatten_deep_lists(soup)
    for lst in soup.find_all(["ul", "ol"]):
        depth = _depth(lst)
        lst["class"] = ["wx-list", f"wx-list-{depth}"]
        for index, item in enumerate(lst.find_all("li", recursive=False)):
            level = int(str(item.get("data-level") or depth))
            marker = _marker(soup, lst, item, index, level)
            for attr in ("data-level", "data-number"):
                if item.has_attr(attr):
                    del item[attr]
            item["class"] = ["wx-li", f"wx-li-{min(level, 3)}"]
            body = soup.new_tag("section")
            body["class"] = "wx-li-body"
            for child in list(item.contents):
                body.append(child.extract())
            item.append(body)
            first = next(
                (c for c in body.contents if not (isinstance(c, NavigableString) and not c.strip())),
                None,
            )
            if isinstance(first, Tag) and first.name == "p":
                first.insert(0, marker)
            else:
                body.insert(0, marker)
