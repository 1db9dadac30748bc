"""List markers as a reader sees them (W16, W17, W21): numbers in a column as wide as the
widest, so items' text lines up at 10 and beyond; bullets drawn in currentColor."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest
from bs4.element import PageElement, Tag

from tests.browser import chromium
from tests.conftest import convert_text
from wxformat.pipeline import Result
from wxformat.render import render_markdown
from wxformat.tree import first, parse_html, tags
from wxformat.wechat import FIXERS
from wxformat.wechat.context import Context, Stamp

MEASURE = """() => [...document.querySelectorAll('li')].map(li => {
  const body = li.firstElementChild, marker = body.firstElementChild, text = body.lastElementChild;
  const svg = marker.querySelector('svg');
  return {text: text.getBoundingClientRect().left, marker: svg.getBoundingClientRect().right};
})"""


def _measure(result: Result) -> list[dict[str, float]]:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.set_content(result.page(), wait_until="load")
        boxes: list[dict[str, float]] = page.evaluate(MEASURE)
    return boxes


@pytest.mark.browser
@pytest.mark.parametrize("start", [1, 8, 98])
def test_numbered_items_line_up_past_nine(start: int) -> None:
    items = "\n".join(f"{start + i}. 第 {i} 项" for i in range(12))
    boxes = _measure(convert_text(f"段落。\n\n{items}\n"))
    assert len(boxes) == 12
    lefts = {round(b["text"], 1) for b in boxes}
    assert len(lefts) == 1, f"item text starts at {sorted(lefts)}"
    assert all(b["marker"] < b["text"] for b in boxes), boxes


def test_short_lists_keep_the_themes_column() -> None:
    fragment = convert_text("段落。\n\n1. 一\n2. 二\n").fragment
    assert "min-width:1.5em" in fragment and "min-width:2" not in fragment


def test_bullets_are_svg_in_current_color_not_coloured_boxes() -> None:
    fragment = convert_text("段落。\n\n- 一\n  - 二\n").fragment
    assert fragment.count('fill="currentColor"') >= 2
    assert "background-color:#2563eb" not in fragment


def _links_problems(root: Tag) -> list[str]:
    """Where the tree's links disagree with its children lists: the walks the later stages
    make (`descendants`, `next_sibling`) would miss or repeat nodes there."""
    order: list[PageElement] = []

    def walk(node: PageElement) -> None:
        order.append(node)
        if isinstance(node, Tag):
            for number, child in enumerate(node.contents):
                if child.parent is not node:
                    problems.append(f"{child!r:.60} has the wrong parent")
                before = node.contents[number - 1] if number else None
                after = node.contents[number + 1] if number + 1 < len(node.contents) else None
                if child.previous_sibling is not before or child.next_sibling is not after:
                    problems.append(f"{child!r:.60} has wrong siblings")
                walk(child)

    problems: list[str] = []
    walk(root)
    if [root, *root.descendants] != order:
        problems.append("next_element does not follow the children")
    for before, after in itertools.pairwise(order):
        if after.previous_element is not before:
            problems.append(f"{after!r:.60}: wrong previous_element")
    return problems


def test_the_lists_fixer_leaves_a_consistent_tree() -> None:
    """The fixers link the nodes they make and move themselves (bs4's calls searched a
    parent per node): every link must agree with the children, as bs4 keeps them."""
    source = (
        "- [ ] task\n  - [x] done\n    - [ ] deep task\n      1. deeper\n\n"
        "3. a\n   - b\n     - c\n       - d\n   - e\n     1. f\n\n        para\n\n"
        "-\n- x[^1]\n\n"
        "<ul><li>h<ul><li>i<ul><li>j</li></ul><ol start='4'><li>k</li></ol></li></ul></li></ul>\n\n"
        "[^1]: note\n    - in\n      - a\n        - note\n"
    )
    soup = parse_html(f'<section class="wx-article">{render_markdown(source, 1)}</section>')
    ctx = Context(base_dir=Path("."))
    article = first(soup, "section")
    assert article is not None
    for name, fixer in FIXERS:
        fixer(soup, ctx)
        assert _links_problems(article) == [], name
    assert len(tags(soup, "li")) == 20


def test_stamped_elements_are_what_copy_makes() -> None:
    """A stamp's copy of an element has the fields bs4's own copy gives it, new attribute
    dicts and lists, and links of its own."""
    soup = parse_html('<p><svg viewBox="0 0 1 1" class="a b"><path d="M0 0"/><g><path/></g></svg>')
    svg = first(soup, "svg")
    assert svg is not None
    stamp = Stamp(svg)
    made = stamp()
    copied = copy.copy(svg)
    assert [str(node) for node in made] == [str(copied), *map(str, tags(copied))]
    links = {"parent", "previous_element", "next_element", "previous_sibling", "next_sibling"}
    for mine, theirs in zip(made, [copied, *tags(copied)], strict=True):
        assert mine.__dict__.keys() == theirs.__dict__.keys()
        for key in mine.__dict__.keys() - links - {"contents"}:
            assert mine.__dict__[key] == theirs.__dict__[key], key
    assert made[0].attrs is not svg.attrs and made[0]["class"] is not svg["class"]
    assert made[0].parent is None and _links_problems(made[0]) == []
