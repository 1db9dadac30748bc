"""W16/W17 lists: markers drawn as text, item content kept in one `<section>`, and lists
nested deeper than two levels moved up to sit after their item (still indented, with a
marker of their depth), because WeChat loses deeper nesting and sometimes the bullets."""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag

from wxformat.wechat.context import Context

BULLETS = ("•", "◦", "▪")
MAX_DEPTH = 2


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
            if deep.name == "ol":
                item["data-number"] = str(number)
                number += 1
            else:
                item["data-number"] = "bullet"
            anchor.insert_after(item)
            anchor = item
        deep.decompose()


def _marker(lst: Tag, item: Tag, index: int, level: int) -> str:
    number = item.get("data-number")
    if number == "bullet":
        return BULLETS[min(level, len(BULLETS)) - 1]
    if number:
        return f"{number}."
    if lst.name == "ol":
        start = int(str(lst.get("start") or 1))
        footnotes = lst.find_parent(class_="wx-footnotes") is not None
        return f"[{start + index}]" if footnotes else f"{start + index}."
    return BULLETS[min(level, len(BULLETS)) - 1]


def fix_lists(soup: BeautifulSoup, ctx: Context) -> None:
    _flatten_deep_lists(soup)
    for lst in soup.find_all(["ul", "ol"]):
        depth = _depth(lst)
        classes = ["wx-list", f"wx-list-{depth}"]
        lst["class"] = classes
        for index, item in enumerate(lst.find_all("li", recursive=False)):
            level = int(str(item.get("data-level") or depth))
            marker_text = _marker(lst, item, index, level)
            for attr in ("data-level", "data-number"):
                if item.has_attr(attr):
                    del item[attr]
            item["class"] = ["wx-li", f"wx-li-{min(level, 3)}"]
            body = soup.new_tag("section")
            body["class"] = "wx-li-body"
            for child in list(item.contents):
                body.append(child.extract())
            item.append(body)
            marker = soup.new_tag("span")
            marker["class"] = "wx-marker"
            marker.string = marker_text + "\u00a0"
            first = next(
                (c for c in body.contents if not (isinstance(c, NavigableString) and not c.strip())),
                None,
            )
            if isinstance(first, Tag) and first.name == "p":
                first.insert(0, marker)
            else:
                body.insert(0, marker)
