"""The math-heavy sample as a reader sees it: headless Chromium at phone width (375px).

Checks what would look wrong: a page wider than the phone, a formula drawn at zero size, an
inline formula out of line with its text, a display formula off centre. The screenshot is
kept in tests/artifacts/ to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import chromium
from tests.conftest import ARTICLES
from wxformat.article import parse_article, read_article
from wxformat.runner import Options, convert_article

ARTIFACTS = Path(__file__).parent / "artifacts"

MEASURE = """() => {
  const out = {scrollWidth: document.documentElement.scrollWidth, inline: [], display: [], cjk: 0};
  for (const svg of document.querySelectorAll('span > svg')) {
    const box = svg.getBoundingClientRect();
    const parent = svg.closest('p, li, td');
    const size = parseFloat(getComputedStyle(parent).fontSize);
    // the text baseline: a zero-height inline-block placed on it
    const probe = document.createElement('span');
    probe.style.cssText = 'display:inline-block;width:0;height:0;vertical-align:baseline';
    svg.parentNode.insertBefore(probe, svg);
    const baseline = probe.getBoundingClientRect().bottom;
    probe.remove();
    out.inline.push({w: box.width, h: box.height, top: box.top, bottom: box.bottom, baseline, size});
  }
  for (const block of document.querySelectorAll('section > svg')) {
    const box = block.getBoundingClientRect();
    const outer = block.parentElement.getBoundingClientRect();
    out.display.push({w: box.width, h: box.height, left: box.left - outer.left,
                      right: outer.right - box.right, overflow: block.parentElement.scrollWidth > outer.width + 1});
  }
  return out;
}"""


@pytest.mark.browser
def test_math_sample_looks_right_at_375px() -> None:
    article = read_article(ARTICLES / "math.md")
    page_html = convert_article(article).page()
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
        page.set_content(page_html, wait_until="load")
        m = page.evaluate(MEASURE)
        page.screenshot(path=str(ARTIFACTS / "math-375.png"), full_page=True)
    assert m["scrollWidth"] <= 375, "the page is wider than the phone"
    assert len(m["inline"]) >= 10 and len(m["display"]) >= 6
    for f in m["inline"]:
        assert f["w"] > 2 and f["h"] > 2, f
        # at the text's size: not taller than about two lines of it
        assert f["h"] < 2.6 * f["size"], f
        # on the text baseline: it straddles the baseline, its descent is small
        assert f["top"] < f["baseline"] <= f["bottom"] + 1, f
        assert f["bottom"] - f["baseline"] < 0.6 * f["size"], f
    for f in m["display"]:
        assert f["w"] > 10 and f["h"] > 10, f
        if not f["overflow"]:
            assert abs(f["left"] - f["right"]) < 2, f"display formula off centre: {f}"
    assert (ARTIFACTS / "math-375.png").stat().st_size > 20_000


@pytest.mark.browser
def test_a_slightly_wide_formula_shrinks_to_fit_and_a_very_wide_one_scrolls() -> None:
    # hello-algo's knapsack recurrence: about 1.4 phone columns wide
    slightly = r"dp[i, c] = \max(dp[i-1, c], dp[i-1, c - wgt[i-1]] + val[i-1])"
    very = " + ".join(f"a_{{{k}}} x^{{{k}}}" for k in range(40))
    text = f"$$\n{slightly}\n$$\n\n$$\n{very}\n$$\n"
    article = parse_article(text, ARTICLES / "wide.md")
    page_html = convert_article(article, Options(footer=False)).page()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
        page.set_content(page_html, wait_until="load")
        m = page.evaluate(MEASURE)
    assert m["scrollWidth"] <= 375, "the page is wider than the phone"
    fitted, scrolled = m["display"]
    # whole and undistorted: inside its block, its height scaled with its width
    assert not fitted["overflow"] and fitted["left"] >= -1 and fitted["right"] >= -1, fitted
    view_box = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', page_html)
    assert view_box is not None
    aspect = float(view_box.group(2)) / float(view_box.group(1))
    assert abs(fitted["h"] / fitted["w"] - aspect) < 0.01, (fitted, aspect)
    assert fitted["w"] > 300, fitted  # it fills the column
    assert scrolled["overflow"], scrolled  # shrunk it would be unreadable: it scrolls
