"""Visual slips a designer would not ship, measured in headless Chromium at phone width
(375px), on our output and on what the simulated WeChat paste keeps of it (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize

from tests.browser import chromium
from tests.conftest import convert_text
from wxformat.pipeline import Result
from wxformat.wechat.paste_filter import paste_filter

PHONE: ViewportSize = {"width": 375, "height": 800}


def page_of(fragment: str) -> str:
    return Result(title="t", fragment=fragment, warnings=(), theme="").page()


def show(page: Page, fragment: str) -> None:
    page.set_content(page_of(fragment), wait_until="load")


# the left edge of the first occurrence of each word inside the first <pre>
CODE_POSITIONS = """(words) => {
  const pre = document.querySelector('pre');
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  const out = {};
  let node;
  while ((node = walker.nextNode())) {
    for (const w of words) {
      const at = node.data.indexOf(w);
      if (at >= 0 && !(w in out)) {
        const r = document.createRange();
        r.setStart(node, at); r.setEnd(node, at + 1);
        out[w] = r.getBoundingClientRect().left;
      }
    }
  }
  const probe = document.createElement('span');
  probe.textContent = 'xxxxxxxxxx';
  pre.querySelector('code').appendChild(probe);
  out.char = probe.getBoundingClientRect().width / 10;
  probe.remove();
  out.text = pre.innerText;
  return out;
}"""


@pytest.mark.browser
def test_code_indented_with_nbsp_keeps_its_indentation_and_spaces() -> None:
    nb = "\xa0"
    source = f"```python\ndef f(x):\n{nb * 4}return{nb}x{nb}+{nb}1\n```\n"
    fragment = convert_text(source).fragment
    pasted, _ = paste_filter(fragment)
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        for html in (fragment, pasted):
            show(page, html)
            m: dict[str, Any] = page.evaluate(CODE_POSITIONS, ["def", "return", "+"])
            indent = (m["return"] - m["def"]) / m["char"]
            assert abs(indent - 4) < 0.2, (indent, m["text"])
            assert m["text"].replace("\xa0", " ").split("\n")[1] == "    return x + 1", m


# every Latin word (with digits) inside p, td, th and li: on how many lines it is drawn
BROKEN_WORDS = """() => {
  const broken = [];
  const root = document.querySelector('section');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.parentElement.closest('p, td, th, li')) continue;
    for (const m of node.data.matchAll(/[A-Za-z][A-Za-z0-9]+/g)) {
      const r = document.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  const wrap = document.querySelector('table').parentElement;
  return {broken, page: document.documentElement.scrollWidth,
          wrapScroll: wrap.scrollWidth, wrapWidth: wrap.clientWidth};
}"""

LATIN_WORDS = (
    "在 JMM 中，编译器会在适当位置插入 `LoadLoad`、`StoreStore`、`LoadStore` 和 `StoreLoad` 屏障，"
    "防止 happens-before 关系被 reordering 破坏，例如 volatile 写之前插入 StoreStore 屏障，"
    "写之后插入 StoreLoad 屏障。\n\n"
    "| 屏障类型 | 指令示例 | 说明 | Implementation |\n|---|---|---|---|\n"
    "| LoadLoad | Load1; LoadLoad; Load2 | 确保 Load1 数据的装载先于 Load2 | ConcurrentHashMapImplementation |\n"
    "| StoreStore | Store1; StoreStore; Store2 | 确保 Store1 数据对其他处理器可见 | AbstractQueuedSynchronizer |\n"
)


@pytest.mark.browser
def test_latin_words_are_never_broken_and_wide_tables_scroll() -> None:
    from wxformat.themes import builtin_names

    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        for theme in builtin_names():
            show(page, convert_text(LATIN_WORDS, theme=theme).fragment)
            m = page.evaluate(BROKEN_WORDS)
            assert m["broken"] == [], (theme, m)
            assert m["page"] <= 375, (theme, "the page is wider than the phone")
            assert m["wrapScroll"] > m["wrapWidth"], (theme, "the wide table does not scroll")


GAPS = """() => {
  const bold = document.querySelector('strong');
  const formula = document.querySelector('p svg');
  const codes = document.querySelectorAll('code');
  const gap = (a, b) => b.getBoundingClientRect().left - a.getBoundingClientRect().right;
  // the right edge of the bold text itself, not of a space it may carry
  const r = document.createRange();
  r.selectNodeContents(bold);
  const text = bold.textContent.trimEnd();
  r.setEnd(bold.firstChild, text.length);
  const boldRight = r.getBoundingClientRect().right;
  return {bold: formula.getBoundingClientRect().left - boldRight,
          code: gap(codes[0], codes[1]), text: document.querySelector('p').innerText};
}"""


@pytest.mark.browser
def test_a_space_between_bold_and_a_formula_survives_the_paste() -> None:
    fragment = convert_text("**定义** $x$ 是 `a` `b` 两段代码").fragment
    pasted, _ = paste_filter(fragment)
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        show(page, pasted)
        m = page.evaluate(GAPS)
    assert m["bold"] > 3, m  # a space's width at 16px, not the two run together
    assert m["code"] > 3 or "a b" in m["text"].replace("\xa0", " "), m


# for every heading: its number of lines, and how many characters its last line holds
HEADING_LINES = """() => {
  const out = [];
  for (const h of document.querySelectorAll('h1, h2, h3, h4')) {
    const tops = [];
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (let i = 0; i < node.data.length; i++) {
        if (!node.data[i].trim() || '，。：！？、）”'.includes(node.data[i])) continue;
        const r = document.createRange();
        r.setStart(node, i); r.setEnd(node, i + 1);
        tops.push(Math.round(r.getBoundingClientRect().top));
      }
    }
    const lines = [...new Set(tops)].sort((a, b) => a - b);
    const last = tops.filter((t) => Math.abs(t - lines[lines.length - 1]) < 3).length;
    out.push({tag: h.tagName, text: h.textContent, lines: lines.length, last});
  }
  return out;
}"""

TEXT = "从零开始实现一个简单的内存分配器并且讨论它在多线程环境下的表现与代价分析"


def headings() -> str:
    lines = []
    for level in (1, 2, 3, 4):
        for n in range(6, len(TEXT) + 1):
            lines.append(f"{'#' * level} {TEXT[:n]}")
        lines.append(f"{'#' * level} 第三节：指令重排序与内存屏障的关系说明。")
        lines.append(f"{'#' * level} 用 Rust 从零实现一个 HTTP 服务器吧")
        for n in range(12, 24, 2):
            lines.append(f"{'#' * level} {TEXT[:n]}的 C")
    return "\n\n".join(lines)


# a reader's browser that does not know `text-wrap: balance` (older WebViews)
NO_BALANCE = "h1, h2, h3, h4 { text-wrap: wrap !important; }"


@pytest.mark.browser
@pytest.mark.parametrize("balance", [True, False], ids=["balanced", "no-balance"])
def test_no_heading_leaves_one_character_alone_on_its_last_line(balance: bool) -> None:
    from wxformat.themes import builtin_names

    source = headings()
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        for theme in builtin_names():
            show(page, convert_text(source, theme=theme).fragment)
            if not balance:
                page.add_style_tag(content=NO_BALANCE)
            found = page.evaluate(HEADING_LINES)
            alone = [h for h in found if h["lines"] > 1 and h["last"] < 2]
            assert alone == [], (theme, alone[:3])


@pytest.mark.browser
def test_ink_h2_holds_a_ten_character_heading_on_one_line() -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        show(page, convert_text("## 时间复杂度的渐近上界\n\n正文", theme="ink").fragment)
        (h2,) = page.evaluate(HEADING_LINES)
    assert h2["lines"] == 1, h2
