"""List markers as a reader sees them (W16, W17, W21): numbers in a column as wide as the
widest, so items' text lines up at 10 and beyond; bullets drawn in currentColor."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.conftest import convert_text
from wxformat.pipeline import Result

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
