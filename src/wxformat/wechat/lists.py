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

from bs4 import BeautifulSoup
from bs4.element import Tag

from wxformat.tree import ancestor, children, first, tags
from wxformat.wechat.context import Context, parse_fragment
from wxformat.wechat.digits import ASCENT, GLYPHS, SIZE

MAX_DEPTH = 2


def _shift(path: str, dx: float) -> str:
    """Move a path of absolute commands (M/L/Q/Z with x y pairs) right by dx."""
    out, is_x = [], True
    for token in path.split():
        if token[0].isalpha():
            out.append(token)
            continue
        out.append(f"{float(token) + dx:.3f}".rstrip("0").rstrip(".") if is_x else token)
        is_x = not is_x
    return " ".join(out)


@lru_cache(maxsize=512)
def number_svg(label: str) -> str:
    """The label (such as "12.") drawn as SVG outlines, sized in em, with no text nodes."""
    x = 0.0
    paths = []
    for char in label:
        width, path = GLYPHS[char]
        paths.append(f'<path d="{_shift(path, x)}"/>')
        x += width
    height = ASCENT
    style = (
        f"display:inline-block;width:{x / SIZE:.3f}em;height:{height / SIZE:.3f}em;"
        "vertical-align:baseline;max-width:none;overflow:visible"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 -{height} {x:.3f} {height}" '
        f'fill="currentColor" stroke="currentColor" stroke-width="0.5" style="{style}">'
        + "".join(paths)
        + "</svg>"
    )


def _depth(node: Tag) -> int:
    depth, parent = 1, node.parent
    while parent is not None:
        depth += parent.name in ("ul", "ol")
        parent = parent.parent
    return depth


def _flatten_deep_lists(soup: BeautifulSoup, ctx: Context) -> None:
    """Move each list at depth 3+ out of its item into the depth-2 list, after the item."""
    warned = False
    while True:
        deep = next((lst for lst in tags(soup, "ul", "ol") if _depth(lst) > MAX_DEPTH), None)
        if deep is None:
            return
        parent_item = ancestor(deep, "li")
        if parent_item is None:  # pragma: no cover - a list inside a list is inside an item
            return
        if not warned:
            first_item = first(deep, "li")
            ctx.warn(
                "W17",
                "a list nested deeper than two levels: WeChat loses the nesting, so it is "
                "shown as indented items of the second level",
                _item_line(first_item, ctx) if first_item else None,
                "flatten the outline to two levels",
            )
            warned = True
        level = int(str(parent_item.get("data-level") or MAX_DEPTH)) + 1
        anchor = parent_item
        number = int(str(deep.get("start") or 1))
        for item in children(deep, "li"):
            item["data-level"] = str(level)
            item["data-number"] = str(number) if deep.name == "ol" else "bullet"
            number += 1
            anchor.insert_after(item)
            anchor = item
        deep.decompose()


def _marker(soup: BeautifulSoup, lst: Tag, item: Tag, index: int, level: int) -> Tag:
    number = item.get("data-number")
    marker = soup.new_tag("span")
    if ancestor(lst, cls="wx-footnotes") is not None:
        marker["class"] = "wx-marker wx-marker-footnote"
        marker.string = f"[{int(str(lst.get('start') or 1)) + index}]\u00a0"
        return marker
    if number == "bullet" or (number is None and lst.name == "ul"):
        marker["class"] = f"wx-marker wx-bullet wx-bullet-{min(level, 3)}"
        return marker
    value = int(str(number)) if number else int(str(lst.get("start") or 1)) + index
    marker["class"] = "wx-marker wx-number"
    marker.extend(parse_fragment(number_svg(f"{value}."), reuse=True))
    return marker


def fix_lists(soup: BeautifulSoup, ctx: Context) -> None:
    _flatten_deep_lists(soup, ctx)
    for lst in tags(soup, "ul", "ol"):
        depth = _depth(lst)
        lst["class"] = f"wx-list wx-list-{depth}"
        for index, item in enumerate(children(lst, "li")):
            level = int(str(item.get("data-level") or depth))
            task = first(item, cls=("wx-task", "wx-task-done"))
            is_task = task is not None and ancestor(task, "li") is item
            marker = (
                None if is_task and lst.name == "ul" else _marker(soup, lst, item, index, level)
            )
            for attr in ("data-level", "data-number"):
                if item.has_attr(attr):
                    del item[attr]
            item["class"] = f"wx-li wx-li-{min(level, 3)}"
            # one section per item (W16): the marker, then the content beside it, so lines
            # that wrap align with the text, not under the marker
            body = soup.new_tag("section")
            body["class"] = "wx-li-body"
            content = soup.new_tag("section")
            content["class"] = "wx-li-content"
            for child in list(item.contents):
                content.append(child.extract())
            if marker is not None:
                body.append(marker)
            body.append(content)
            item.append(body)


def _item_line(item: Tag, ctx: Context) -> int | None:
    """The source line of a list item: its marker, then its own first words (its whole text,
    sublists included, is nowhere in the source; its first word alone may be anywhere)."""
    words = next(item.stripped_strings, "")[:16]
    if words and ctx.source:
        marker = re.compile(
            r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?[*_`~=]*" + re.escape(words),
            re.M,
        )
        found = marker.search(ctx.source)
        if found:
            return ctx.first_line + ctx.source.count("\n", 0, found.start())
    return ctx.line_of(item.get_text(" ", strip=True)[:16])
