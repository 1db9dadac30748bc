"""The dialects of the editors writers use (issue 12): nothing lost, no syntax printed raw.

One small test per rule; each names what a reader would see."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import CliRun, convert_text, soup_of
from wxformat.wechat.context import Context
from wxformat.wechat.leftovers import check_text_kept

Cli = Callable[..., CliRun]


def text_of(markdown: str) -> str:
    return soup_of(markdown).get_text()


def rules_of(markdown: str) -> list[str]:
    return [w.rule for w in convert_text(markdown).warnings]


# -- 1. a tag named in prose keeps the rest of the article ------------------------------


@pytest.mark.parametrize(
    "tag", ["script", "style", "title", "textarea", "iframe", "noscript", "xmp", "plaintext"]
)
def test_a_tag_named_in_prose_shows_as_text_and_keeps_what_follows(tag: str) -> None:
    soup = soup_of(f"# 标题\n\n页面里用 <{tag}> 标签。\n\n## 后面\n\n后面的文字。\n")
    text = soup.get_text()
    assert f"页面里用 <{tag}> 标签。" in text
    assert "后面的文字。" in text and soup.find("h2") is not None
    assert soup.find(tag) is None


def test_a_tag_at_the_start_of_a_line_without_its_end_stays_text() -> None:
    soup = soup_of("<script> 标签放在 body 末尾\n\n## 下一节\n\n正文 **粗体**\n")
    assert "<script> 标签放在 body 末尾" in soup.get_text()
    assert soup.find("h2") is not None and soup.find("strong").get_text() == "粗体"


def test_a_whole_script_or_style_element_is_still_dropped() -> None:
    soup = soup_of("<style>p{color:red}</style>\n\n<script>alert(1)</script>\n\n正文\n")
    assert "color:red" not in soup.get_text() and "alert" not in soup.get_text()
    assert "正文" in soup.get_text()


def test_convert_keeps_the_text_after_a_script_tag_in_prose(cli: Cli, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("页面里用 <script> 标签。\n\n## 第二节\n\n最后一句话。\n", encoding="utf-8")
    out = tmp_path / "a.html"
    run = cli("convert", str(article), "-o", str(out))
    assert run.code == 0
    assert (
        "最后一句话。" in BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser").get_text()
    )


def test_check_flags_text_the_pipeline_dropped() -> None:
    source = "第一段话。\n\n第二段话里有很多字，读者应该看见它们。\n"
    root = BeautifulSoup("<section><p>第一段话。</p></section>", "html.parser").section
    assert root is not None
    ctx = Context(base_dir=Path.cwd(), source=source, first_line=5)
    check_text_kept(root, ctx)
    assert [(w.rule, w.line) for w in ctx.warnings] == [("M1", 7)]
    assert "第二段话" in ctx.warnings[0].message


def test_text_kept_is_quiet_on_what_is_never_shown() -> None:
    source = (
        "<!-- 注释 -->\n<style>p{}</style>\n\n![图片说明文字](https://x.example/a.png)\n\n"
        "公式 $a+b=c$ 与 [链接](https://x.example/很长的地址) 脚注[^note]\n\n"
        "```python title=app.py\nx = 1\n```\n\n[^note]: 注\n"
    )
    result = convert_text(source)
    assert "M1" not in [w.rule for w in result.warnings]
