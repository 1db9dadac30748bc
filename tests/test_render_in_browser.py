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
from wxformat.faces.runner import Options, convert_article

ARTIFACTS = Path(__file__).parent / "artifacts"

MEASURE = """() => {
  const out = {scrollWidth: document.documentElement.scrollWidth, inline: [], display: [], cjk: 0};
  for (const svg of document.querySelectorAll('span > svg')) {
    if (getComputedStyle(svg).display === 'block') continue;  // a list bullet, not a formula
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


CONSTRUCTS = r"""# 公式构造

对齐：

$$
\begin{aligned}
\hat{w} &= \arg\min_{w} \sum_{i=1}^{m} (y_i - w x_i)^2 \\
b &= \frac{1}{m} \sum_{i=1}^{m} (y_i - w x_i)
\end{aligned}
$$

分段 $f(x)=\begin{cases}1 & x>0\\0 & \text{其他}\end{cases}$ 和矩阵：

$$
\mathbf{A}=\begin{bmatrix}1 & 2 & 3\\4 & 5 & 6\\7 & 8 & 9\end{bmatrix},\quad
\begin{pmatrix}a & b\\c & d\end{pmatrix}
$$

编号公式：

$$
\nabla f(x)=f(x)\nabla \log f(x) \tag{4.1}
$$

箭头与字体：$A \xrightarrow{\text{训练}} B$，$\boldsymbol{\beta} \in \mathbb{R}^n$，
$\underset{\theta}{\operatorname{argmax}}\ p(x \mid \theta)$，$\sum_{\substack{0<i<m\\0<j<n}} P(i,j)$。

$$
\text{损失} = \frac{\text{正确}}{\text{全部}} \times 100\%
$$

行内很长的公式 $a_1 + a_2 + a_3 + a_4 + a_5 + a_6 + a_7 + a_8 + a_9 + a_{10} + a_{11} + a_{12} + a_{13} + a_{14} + a_{15} + a_{16} + a_{17} + a_{18}$，然后文字继续。
"""

DARKMODE = Path(__file__).resolve().parents[2] / "shared" / "tools" / "mp-darkmode"

INLINE_BOXES = """() => [...document.querySelectorAll('svg, text')].map(e => {
  const b = e.getBoundingClientRect();
  // a list marker (li > section > span > svg): drawn in the theme's accent, checked at 3:1
  // by tests/test_darkmode.py, not by lightness
  const span = e.parentElement, body = span && span.parentElement;
  const marker = !!(body && body.parentElement && body.parentElement.tagName === 'LI'
                    && body.firstElementChild === span);
  return {tag: e.tagName, w: b.width, h: b.height, left: b.left, right: b.right, marker,
          fill: getComputedStyle(e).fill, colour: getComputedStyle(e).color};
})"""


@pytest.mark.browser
def test_a_page_of_constructs_at_375px_light_and_dark() -> None:
    article = parse_article(CONSTRUCTS, ARTICLES / "constructs.md")
    result = convert_article(article)
    assert not [w for w in result.warnings if w.rule == "W5"], result.warnings
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
        page.set_content(result.page(), wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        boxes = page.evaluate(INLINE_BOXES)
        page.screenshot(path=str(ARTIFACTS / "constructs-375-light.png"), full_page=True)
        svgs = [b for b in boxes if b["tag"] == "svg" and b["fill"] != "none"]
        assert len(svgs) >= 10 and all(b["w"] > 2 and b["h"] > 2 for b in svgs)
        texts = [b for b in boxes if b["tag"] == "text"]
        assert texts and all(b["w"] > 5 for b in texts)  # Chinese in groups is drawn
        if not DARKMODE.is_dir():
            pytest.skip(f"dark mode needs WeChat's mp-darkmode at {DARKMODE} (../shared)")
        page.evaluate("document.body.style.background = '#191919'")
        page.add_script_tag(path=str(DARKMODE / "darkmode.min.js"))
        page.evaluate("() => Darkmode.run(document.body.querySelectorAll('*'), {mode: 'dark'})")
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / "constructs-375-dark.png"), full_page=True)
        dark = page.evaluate(INLINE_BOXES)
    # the formulas follow the text colour (currentColor), which dark mode made light
    for b in dark:
        if b["tag"] == "svg" and b["fill"] not in ("none",) and not b["marker"]:
            channels = [float(v) for v in re.findall(r"[\d.]+", b["fill"])[:3]]
            assert sum(channels) / 3 > 128, b


INLINE_FORMULAS = """() => [...document.querySelectorAll('p svg')].map(svg => {
  const box = svg.getBoundingClientRect(), line = svg.closest('p').getBoundingClientRect();
  const size = parseFloat(getComputedStyle(svg.closest('p')).fontSize);
  const scroller = svg.parentElement;
  return {w: box.width, h: box.height, size, inside: box.left >= line.left - 0.5 &&
          box.right <= line.right + 0.5, scrolls: scroller.scrollWidth > scroller.clientWidth + 1,
          parentWidth: scroller.getBoundingClientRect().width, lineWidth: line.width};
})"""


@pytest.mark.browser
def test_an_inline_formula_wider_than_the_column_never_widens_the_page() -> None:
    slightly = " + ".join(f"a_{{{k}}}" for k in range(1, 12))  # about 1.2 columns
    far = " + ".join(f"a_{{{k}}} x^{{{k}}}" for k in range(1, 30))  # about 4 columns
    text = f"稍宽 ${slightly}$，然后。\n\n很宽 ${far}$，然后文字继续写。\n"
    article = parse_article(text, ARTICLES / "inline.md")
    page_html = convert_article(article).page()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
        page.set_content(page_html, wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        fitted, wide = page.evaluate(INLINE_FORMULAS)
        page.screenshot(path=str(ARTIFACTS / "inline-wide-375.png"), full_page=True)
    # a little too wide: shrunk into the column, still readable
    assert fitted["inside"] and fitted["w"] > 0.7 * fitted["lineWidth"], fitted
    # far too wide: full size, on its own line that scrolls, the page keeps its width
    assert wide["h"] > 0.9 * wide["size"] and wide["scrolls"], wide
    assert wide["parentWidth"] <= wide["lineWidth"] + 0.5, wide
