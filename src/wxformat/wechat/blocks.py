"""Block-level fixes: tables scroll sideways (header colour on th), task-list checkboxes
become ☐/☑ (W2), `div`/`details`/`center` become `section` (W3), footnotes become a
titled section, and every block gets the class hook its theme rule needs."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement

from wxformat.tree import children, first, has_class, last_first, remove_all, sealed, tags
from wxformat.wechat.context import Context, Stamp, parse_fragment

ALIGN = {"center", "left", "right", "justify"}


def fix_tables(soup: BeautifulSoup, ctx: Context) -> None:
    for table in tags(soup, "table"):
        table["class"] = "wx-table"
        wrap = soup.new_tag("section")
        wrap["class"] = "wx-table-wrap"
        table.wrap(wrap)
        for cell in tags(table, "th", "td"):
            align = str(cell.get("align") or "").lower()
            if align in ALIGN:
                cell["style"] = f"text-align:{align}"
            if cell.has_attr("align"):
                del cell["align"]


_BOX = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" fill="none" stroke="currentColor" '
    'stroke-width="1.6" style="display:inline-block;width:0.95em;height:0.95em;'
    'vertical-align:-0.12em;max-width:none">'
    '<path d="M3 1.5h10a1.5 1.5 0 0 1 1.5 1.5v10a1.5 1.5 0 0 1-1.5 1.5H3'
    'A1.5 1.5 0 0 1 1.5 13V3A1.5 1.5 0 0 1 3 1.5z"/>'
    "{tick}</svg>"
)
_TICK = (
    '<path d="M4.5 8.2l2.4 2.4 4.6-5" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"/>'
)


def checkbox_svg(checked: bool) -> str:
    """A drawn ☐ or ☑: shapes, not characters, so the item's text stays the writer's own."""
    return _BOX.format(tick=_TICK if checked else "")


def fix_task_lists(soup: BeautifulSoup, ctx: Context) -> None:
    """W2: WeChat removes inputs, so a checkbox becomes a drawn ☐/☑; other inputs go."""
    glyphs: dict[bool, Stamp] = {}
    # last first, each with its place: bs4's replace_with and decompose search the parent
    for box, parent, index in last_first(tags(soup, "input")):
        if str(box.get("type") or "").lower() == "checkbox":
            checked = box.has_attr("checked")
            stamp = glyphs.get(checked)
            if stamp is None:
                glyph = soup.new_tag("span")
                glyph["class"] = "wx-task-done" if checked else "wx-task"
                (svg,) = parse_fragment(checkbox_svg(checked))
                assert isinstance(svg, Tag)
                glyph.append(sealed(svg))  # no stage after this reads the drawing's insides
                stamp = glyphs[checked] = Stamp(glyph)
            _put_in_place(box, parent, index, stamp())
        else:
            box.extract(_self_index=index)
            box.decompose()


def _put_in_place(old: Tag, parent: Tag, index: int, nodes: list[Tag]) -> None:
    """Put a detached element (given as its elements in document order, linked among
    themselves) where old, the parent's child at index, is; old leaves the tree with its
    descendants, as bs4's `replace_with` leaves it, without searching the parent for it."""
    new, last_new = nodes[0], nodes[-1]
    last_old: PageElement = old
    while isinstance(last_old, Tag) and last_old.contents:
        last_old = last_old.contents[-1]
    before, after = old.previous_element, last_old.next_element
    left, right = old.previous_sibling, old.next_sibling
    parent.contents[index] = new
    new.parent = parent
    new.previous_sibling, new.next_sibling = left, right
    if left is not None:
        left.next_sibling = new
    if right is not None:
        right.previous_sibling = new
    new.previous_element = before
    if before is not None:
        before.next_element = new
    last_new.next_element = after
    if after is not None:
        after.previous_element = last_new
    old.parent = old.previous_element = None
    old.previous_sibling = old.next_sibling = None
    last_old.next_element = None


def fix_containers(soup: BeautifulSoup, ctx: Context) -> None:
    """W3: section is the block wrapper WeChat keeps; div, details and center become it."""
    # one walk for every element this touches (each walk is a pass over the whole article)
    found: dict[str, list[Tag]] = {name: [] for name in _CONTAINER_WORK}
    for node in tags(soup, *_CONTAINER_WORK):
        found[str(node.name)].append(node)
    # removed together: one by one, each searched an article of thousands of blocks
    remove_all([s for s in found["section"] if has_class(s, "wx-break")])
    footnotes = next((d for d in found["div"] if has_class(d, "footnote")), None)
    if footnotes is not None:
        found["div"].remove(footnotes)
        footnotes.name = "section"
        footnotes["class"] = "wx-footnotes"
        rule = next(iter(children(footnotes, "hr")), None)
        title = soup.new_tag("p")
        title["class"] = "wx-footnotes-title"
        title.string = "注释"
        if rule is not None:
            rule.replace_with(title)
        else:
            footnotes.insert(0, title)
    for name in ("div", "details", "center", "dl", "figure"):
        for node in found[name]:
            if name == "figure":
                if not node.get("class"):
                    node["class"] = "wx-figure"
                continue
            align = "center" if name == "center" else str(node.get("align") or "").lower()
            node.name = "section"
            if align in ALIGN:
                node["style"] = f"text-align:{align}"
                del node["align"]
    for summary in found["summary"]:
        summary.name = "p"
        summary["class"] = "wx-summary"
    for name in ("dt", "dd"):
        for node in found[name]:
            node.name = "p"
            node["class"] = f"wx-{name}"
    paragraphs = found["p"] + found["summary"] + found["dt"] + found["dd"]
    for p in paragraphs:
        align = str(p.get("align") or "").lower()
        if align in ALIGN:
            p["style"] = f"text-align:{align}"
        if p.has_attr("align"):
            del p["align"]
    for font in found["font"]:
        color = str(font.get("color") or "")
        font.name = "span"
        font.attrs = {"style": f"color:{color}"} if color.startswith("#") or color.isalpha() else {}
    remove_all(
        [
            p
            for p in paragraphs
            if not p.get_text(strip=True) and first(p, "img", "svg", "br", "code") is None
        ]
    )
    for code in found["code"]:
        if not code.get("class"):
            code["class"] = "wx-inline-code"


_CONTAINER_WORK = (
    "section", "div", "details", "center", "dl", "figure", "summary", "dt", "dd", "p", "font",
    "code",
)  # fmt: skip
