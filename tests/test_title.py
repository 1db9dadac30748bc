"""WeChat shows the title above the body: which opening headings repeat it (title.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import convert_text
from wxformat.article import parse_article
from wxformat.faces.title import without_title_heading


@pytest.mark.parametrize(
    ("source", "dropped"),
    [
        ("# 标题\n\n正文", True),  # the title is the heading
        ("---\ntitle: 标题\n---\n# 标题\n\n正文", True),
        ("---\ntitle: 标题\n---\n标题\n===\n\n正文", True),  # setext
        ("---\ntitle: 另一个\n---\n# 标题\n\n正文", False),  # the writer's own heading
        ("引言。\n\n# 标题\n\n正文", False),  # not at the start
        ("## 标题\n\n正文", False),  # not a level-one heading
    ],
)
def test_an_opening_heading_equal_to_the_title_is_left_out(source: str, dropped: bool) -> None:
    article = parse_article(source, Path.cwd() / "post.md")
    fragment = convert_text(source).fragment
    shown = BeautifulSoup(without_title_heading(fragment, article), "html.parser")
    assert (shown.find(["h1", "h2"]) is None) == dropped
    assert "正文" in shown.get_text()
