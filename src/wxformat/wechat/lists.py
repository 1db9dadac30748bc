"""W16/W17 lists: we draw every marker ourselves, item content stays in one `<section>`, and
lists nested deeper than two levels move up to sit after their item (still indented, with a
marker of their depth), because WeChat loses deeper nesting and sometimes the bullets.

Markers are drawn, not typed, so an item's text is exactly the writer's text (copying an
item, or WeChat wrapping it in `<p>`, cannot separate a typed "1." from its item): bullets
are small SVG shapes in `currentColor` inside a span the theme sizes, shapes (its
border-radius clips the disc) and colours, so WeChat's dark mode recolours them with the text
(W21; a background-coloured box would keep its light-mode colour); numbers are the digits
drawn as SVG outlines of DejaVu Sans in `currentColor`, in a column as wide as the list's
widest number so the items' text lines up. Footnotes keep their typed `[n]`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

from wxformat.tree import Drawing, ancestor, children, first, has_class, last_descendant, sealed
from wxformat.wechat.context import Context, Stamp, parse_fragment
from wxformat.wechat.digits import ASCENT, GLYPHS, SIZE

MAX_DEPTH = 2
NUMBER_COLUMN_EM = 1.5  # the themes' column for "1." to "9."; wider numbers widen it
NUMBER_GAP_EM = 0.55  # space between a number and its text, as "9." has in that column
# a filled square (the span's border-radius makes it a disc), a ring, a small square; paths
# only, the SVG element seen surviving the editor (W3)
BULLET_SHAPES = {
    1: '<path d="M0 0h6v6H0z"/>',
    2: '<path d="M3 .6a2.4 2.4 0 1 1 0 4.8a2.4 2.4 0 1 1 0-4.8z" fill="none" '
    'stroke="currentColor" stroke-width="1.2"/>',
    3: '<path d="M0 0h6v6H0z"/>',
}


_PATH_TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)")


def coordinate(value: float) -> str:
    """A coordinate to 0.01 px, in as few characters as SVG reads it (`-.5`, `3`)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _shift(path: str, dx: float) -> str:
    """Move a path of absolute commands (M/L/Q/Z with x y pairs, written short as
    tools/make_digits.py writes them) right by dx."""
    out: list[str] = []
    is_x, after_number = True, False
    for token in _PATH_TOKEN.findall(path):
        if token.isalpha():
            out.append(token)
            after_number = False
            continue
        value = coordinate(float(token) + dx) if is_x else token
        out.append(" " + value if after_number and value[0] != "-" else value)
        after_number, is_x = True, not is_x
    return "".join(out)


def bullet_svg(level: int) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 6 6" fill="currentColor" '
        'style="display:block;width:100%;height:100%;max-width:none;border-radius:inherit">'
        f"{BULLET_SHAPES[min(level, 3)]}</svg>"
    )


def label_width(label: str) -> float:
    """How wide a drawn label is, in em."""
    return sum(GLYPHS[char][0] for char in label) / SIZE


@lru_cache(maxsize=1024)
def _glyph_path(char: str, x: float) -> str:
    return _shift(GLYPHS[char][1], x)


def _number_parts(label: str) -> tuple[str, str, list[tuple[str, float]]]:
    """The label's SVG viewBox, style, and each character with where it is drawn."""
    view_box, style, places = _layout(tuple(GLYPHS[char][0] for char in label))
    return view_box, style, list(zip(label, places, strict=True))


@lru_cache(maxsize=64)  # digits share one advance: every label of a length is laid out alike
def _layout(advances: tuple[float, ...]) -> tuple[str, str, tuple[float, ...]]:
    """viewBox, style and where each character starts, for characters this wide."""
    x = 0.0
    places = []
    for advance in advances:
        places.append(x)
        x += advance
    height = ASCENT
    style = (
        f"display:inline-block;width:{x / SIZE:.3f}em;height:{height / SIZE:.3f}em;"
        "vertical-align:baseline;max-width:none;overflow:visible"
    )
    return f"0 -{height} {x:.3f} {height}", style, tuple(places)


def number_svg(label: str) -> str:
    """The label (such as "12.") drawn as SVG outlines, sized in em, with no text nodes."""
    view_box, style, glyphs = _number_parts(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" '
        f'fill="currentColor" stroke="currentColor" stroke-width="0.5" style="{style}">'
        f'<path d="{"".join(_glyph_path(char, x) for char, x in glyphs)}"/></svg>'
    )


def _draw_number(svg: Drawing, label: str) -> None:
    """Make a copy of the empty number SVG (`_number_stamp`) draw label, as `number_svg`
    draws it: the outlines are worked out once per digit and place, and the element is
    stamped, where parsing each of a long list's labels took a third of a millisecond."""
    view_box, style, glyphs = _number_parts(label)
    # plain strings, which bs4's attribute dict would store as they are
    svg.attrs.update(viewbox=view_box, style=style)
    # one path, written as serialize writes it (its characters need no escaping); the
    # outlines are shared strings, not copied per item
    svg.inside = ('<path d="', *(_glyph_path(char, x) for char, x in glyphs), '"></path>')


@lru_cache(maxsize=1)
def _number_stamp() -> Stamp:
    """An empty number SVG, as the parser makes it."""
    (svg,) = parse_fragment(number_svg("1"))
    assert isinstance(svg, Tag) and list(svg.attrs)[1] == "viewbox"
    svg.clear()
    return Stamp(sealed(svg))


@lru_cache(maxsize=8)
def _bullet_stamp(level: int) -> Stamp:
    (svg,) = parse_fragment(bullet_svg(level))
    assert isinstance(svg, Tag)
    return Stamp(sealed(svg))


def _depth(node: Tag) -> int:
    depth, parent = 1, node.parent
    while parent is not None:
        depth += parent.name in ("ul", "ol")
        parent = parent.parent
    return depth


def _flatten_deep_lists(lists: list[Tag], ctx: Context) -> bool:
    """Move each list at depth 3+ out of its item into the depth-2 list, after the item.

    As if each such list, outermost first, moved its items one by one to follow its item
    (so a list inside a moved item may no longer be that deep), but planned on the tree as
    it is, where each item will be, then each list that gets items rebuilt once: moving
    them one by one searched the list for the item each time, and looked for the next
    deep list from the article's start."""
    deep_lists = [lst for lst in lists if _depth(lst) > MAX_DEPTH]
    if not deep_lists:
        return False
    follow: dict[int, list[Tag]] = {}  # an item: the items that come to follow it
    moved: dict[int, Tag] = {}  # items that move: the item they will follow
    gone: dict[int, Tag] = {}  # the deep lists, which go once their items are out
    anchors: list[Tag] = []
    for deep in deep_lists:
        depth = _depth_after_moves(deep, moved, gone)
        if depth is None or depth <= MAX_DEPTH:
            continue  # gone with a list it is in, or no longer deep where it will be
        parent_item = ancestor(deep, "li")
        if parent_item is None:
            break  # a list right inside a list (HTML): no item to follow; left as it is
        if not gone:
            first_item = first(deep, "li")
            ctx.warn(
                "W17",
                "a list nested deeper than two levels: WeChat loses the nesting, so it is "
                "shown as indented items of the second level",
                _item_line(first_item, ctx) if first_item else None,
                "flatten the outline to two levels",
            )
        level = int(str(parent_item.get("data-level") or MAX_DEPTH)) + 1
        number = int(str(deep.get("start") or 1))
        items = children(deep, "li")
        for item in items:
            item["data-level"] = str(level)
            item["data-number"] = str(number) if deep.name == "ol" else "bullet"
            number += 1
            moved[id(item)] = parent_item
        # each list's items go right after the item, ahead of those of lists before it
        follow[id(parent_item)] = items + follow.get(id(parent_item), [])
        anchors.append(parent_item)
        gone[id(deep)] = deep
    hosts = {
        id(anchor.parent): anchor.parent
        for anchor in anchors
        if id(anchor) not in moved and anchor.parent is not None
    }
    outermost = [host for host in hosts.values() if not _inside_any(host, hosts)]
    after = {id(host): last_descendant(host).next_element for host in outermost}
    # take the deep lists out of their parents, each parent's children rewritten once
    parents = {id(deep.parent): deep.parent for deep in gone.values() if deep.parent}
    for parent in parents.values():
        _set_children(parent, [child for child in parent.contents if id(child) not in gone])
    for deep in gone.values():
        deep.contents = [child for child in deep.contents if id(child) not in moved]
        for child in deep.contents:
            child.parent = deep
        deep.parent = deep.previous_sibling = deep.next_sibling = None
        deep.previous_element = None
        _relink(deep, None)  # decompose follows the links: only what is left in it
        deep.decompose()
    for host in hosts.values():
        _set_children(host, _with_followers(host.contents, follow))
    for host in outermost:
        _relink(host, after[id(host)])
    return True


def _depth_after_moves(lst: Tag, moved: dict[int, Tag], gone: dict[int, Tag]) -> int | None:
    """The list's depth once the moves planned so far are done (each moved item under
    the parent of the item it follows), or None if it goes with a list it is in."""
    depth, node = 1, lst
    while True:
        anchor = moved.get(id(node))
        parent = anchor.parent if anchor is not None else node.parent
        if anchor is not None and id(anchor) in moved:
            node = anchor  # the item it follows moves too: under that one's new parent
            continue
        if parent is None:
            return depth
        if id(parent) in gone:
            return None  # in a deep list, not in one of its items
        depth += parent.name in ("ul", "ol")
        node = parent


def _inside_any(node: Tag, hosts: dict[int, Tag]) -> bool:
    parent = node.parent
    while parent is not None:
        if id(parent) in hosts:
            return True
        parent = parent.parent
    return False


def _with_followers(nodes: list[PageElement], follow: dict[int, list[Tag]]) -> list[PageElement]:
    """The nodes, each followed by the items that come to follow it (and theirs)."""
    out: list[PageElement] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(follow.get(id(node), ())))
    return out


def _set_children(parent: Tag, kids: Sequence[PageElement]) -> None:
    """Make kids the parent's children (parent and sibling links; the caller links them
    in document order)."""
    parent.contents = list(kids)
    previous = None
    for kid in kids:
        kid.parent = parent
        kid.previous_sibling = previous
        if previous is not None:
            previous.next_sibling = kid
        previous = kid
    if previous is not None:
        previous.next_sibling = None


def _relink(top: Tag, after: PageElement | None) -> None:
    """Link top's subtree in document order, its last node to after."""
    previous: PageElement = top
    stack: list[PageElement] = list(reversed(top.contents))
    while stack:
        node = stack.pop()
        previous.next_element = node
        node.previous_element = previous
        previous = node
        if isinstance(node, Tag) and node.contents:
            stack.extend(reversed(node.contents))
    previous.next_element = after
    if after is not None:
        after.previous_element = previous


def _footnote_marker(made: _Made, lst: Tag, index: int) -> list[PageElement]:
    """The typed `[n]` of the footnote at index, and its text, linked among themselves."""
    marker = made.tag("span", "wx-marker wx-marker-footnote")
    text = NavigableString(f"[{int(str(lst.get('start') or 1)) + index}]\u00a0")
    _set_children(marker, [text])
    _chain([marker, text])
    return [marker, text]


class _Made:
    """New elements of this article's tree, made as copies of one made by bs4's `new_tag`
    with the same name and class (new_tag and setting a class cost more than copying)."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.stamps: dict[tuple[str, str], Stamp] = {}
        self.scaffolds: dict[tuple[str | None, int], Stamp] = {}

    def scaffold(self, marker: str | None, drawing: Stamp | None) -> Stamp:
        """An item's parts, stamped whole: the body, the marker of this class with a copy
        of the drawing in it (no marker if None), and the content."""
        key = (marker, id(drawing))
        stamp = self.scaffolds.get(key)
        if stamp is None:
            body = self.soup.new_tag("section")
            body["class"] = "wx-li-body"
            if marker is not None:
                span = self.soup.new_tag("span")
                span["class"] = marker
                if drawing is not None:
                    span.append(drawing.one())
                body.append(span)
            content = self.soup.new_tag("section")
            content["class"] = "wx-li-content"
            body.append(content)
            stamp = self.scaffolds[key] = Stamp(body)
        return stamp

    def tag(self, name: str, cls: str) -> Tag:
        stamp = self.stamps.get((name, cls))
        if stamp is None:
            template = self.soup.new_tag(name)
            template["class"] = cls
            stamp = self.stamps[name, cls] = Stamp(template)
        return stamp.one()


def _chain(nodes: Sequence[PageElement]) -> None:
    """Link nodes, given in document order, as each other's next and previous elements."""
    for before, after in itertools.pairwise(nodes):
        before.next_element = after
        after.previous_element = before


def _number_column(lst: Tag, items: list[Tag]) -> str | None:
    """The marker column's width for a list whose widest number is wider than the themes'
    column (10 and up), so every item's text starts at the same place."""
    start = int(str(lst.get("start") or 1))
    labels = [
        f"{item.get('data-number') or start + index}."
        for index, item in enumerate(items)
        if item.get("data-number") != "bullet" and (lst.name == "ol" or item.get("data-number"))
    ]
    widest = max((label_width(label) for label in labels), default=0.0)
    if widest + NUMBER_GAP_EM <= NUMBER_COLUMN_EM + 0.01:
        return None
    return f"{widest + NUMBER_GAP_EM:.2f}em"


def fix_lists(soup: BeautifulSoup, ctx: Context) -> None:
    lists, boxes = _lists_and_task_boxes(soup)
    if _flatten_deep_lists(lists, ctx):
        lists, boxes = _lists_and_task_boxes(soup)  # moved: in their new order
    task_items = _task_items(boxes)
    made = _Made(soup)
    for lst in lists:
        depth = _depth(lst)
        lst["class"] = f"wx-list wx-list-{depth}"
        items = children(lst, "li")
        column = _number_column(lst, items)
        footnotes = ancestor(lst, cls="wx-footnotes") is not None
        for index, item in enumerate(items):
            attrs = item.attrs
            level = int(str(attrs.pop("data-level", None) or depth))
            number = attrs.pop("data-number", None)
            item["class"] = f"wx-li wx-li-{min(level, 3)}"
            # one section per item (W16): the marker, then the content beside it, so lines
            # that wrap align with the text, not under the marker
            if footnotes:
                marker = _footnote_marker(made, lst, index)
                body = made.tag("section", "wx-li-body")
                content = made.tag("section", "wx-li-content")
                _wrap_contents(item, body, marker, content)
                continue
            if lst.name == "ul" and id(item) in task_items:
                parts = made.scaffold(None, None)()
            elif number == "bullet" or (number is None and lst.name == "ul"):
                bullet = f"wx-marker wx-bullet wx-bullet-{min(level, 3)}"
                parts = made.scaffold(bullet, _bullet_stamp(level))()
            else:
                value = int(str(number)) if number else int(str(lst.get("start") or 1)) + index
                parts = made.scaffold("wx-marker wx-number", _number_stamp())()
                drawing = parts[2]
                assert isinstance(drawing, Drawing)
                _draw_number(drawing, f"{value}.")
                if column:
                    parts[1]["style"] = f"min-width:{column}"
            _put_parts(item, parts)


def _lists_and_task_boxes(soup: BeautifulSoup) -> tuple[list[Tag], list[Tag]]:
    """Every list and every task box (W2), in document order, in one walk."""
    lists: list[Tag] = []
    boxes: list[Tag] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name in ("ul", "ol"):
                lists.append(node)
            elif node.attrs.get("class") and has_class(node, "wx-task", "wx-task-done"):
                boxes.append(node)
    return lists, boxes


def _task_items(boxes: list[Tag]) -> set[int]:
    """The items whose first task box is their own, not a sublist's (asking each item
    walked it again)."""
    task_items: set[int] = set()
    seen: set[int] = set()  # items whose first box is found
    for box in boxes:
        nearest, parent = True, box.parent
        while parent is not None:
            if parent.name == "li":
                if id(parent) in seen:
                    break  # and so are the items around it
                seen.add(id(parent))
                if nearest:
                    task_items.add(id(parent))
                nearest = False
            parent = parent.parent
    return task_items


def _put_parts(item: Tag, parts: list[Tag]) -> None:
    """Make the item's parts (the body first, linked in document order through to the
    content last) its one child, the content taking over the item's children: bs4's
    `extract` and `append` per child searched and relinked far more than this needs."""
    body, content = parts[0], parts[-1]
    kept = item.contents
    after = last_descendant(item).next_element
    for child in kept:
        child.parent = content
    content.contents = kept
    item.contents = [body]
    body.parent = item
    item.next_element = body
    body.previous_element = item
    # content's children keep their links among themselves and to what follows the item
    if kept:
        _chain([content, kept[0]])
    else:
        content.next_element = after
        if after is not None:
            after.previous_element = content


def _wrap_contents(item: Tag, body: Tag, marker: list[PageElement], content: Tag) -> None:
    """Give the item one child, body, holding the marker (made apart, as a footnote's typed
    number is) and content, which takes over the item's children, as _put_parts does."""
    _set_children(body, [marker[0], content])
    _chain([body, marker[0]])
    _chain([marker[-1], content])
    _put_parts(item, [body, content])


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
