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
