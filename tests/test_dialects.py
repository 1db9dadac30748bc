"""The dialects of the editors writers use (issue 12): nothing lost, no syntax printed raw.

One small test per rule; each names what a reader would see."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from tests.conftest import CliRun, convert_text, soup_of
from wxformat.mdext.math import MathPreprocessor
from wxformat.render import render_markdown
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


# -- 2. a fence's info string beyond the language -----------------------------------------


@pytest.mark.parametrize(
    ("info", "language"),
    [
        ("python 3", "python"),
        ('js title="app.js"', "js"),
        ("C# 二叉树的右视图", "C#"),
        ("python,ignore", "python"),
        ('python title=""', "python"),
    ],
)
def test_a_fence_with_more_than_a_language_is_code_in_that_language(
    info: str, language: str
) -> None:
    html = render_markdown(
        f"```{info}\nx = 1\n```\n\n## 下一节\n\n![图](https://x.example/a.png)\n"
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("code")["class"] == [f"language-{language}"]
    assert soup.find("pre").get_text() == "x = 1"
    assert soup.find("h2").get_text() == "下一节" and soup.find("img") is not None


def test_a_fence_with_a_title_in_a_list_item_stays_in_the_item() -> None:
    soup = soup_of('- 步骤：\n\n  ```js title="app.js"\n  let a = 1\n  ```\n- 下一步\n')
    items = soup.find_all("li")
    assert len(items) == 2 and items[0].find("pre") is not None
    assert "```" not in soup.get_text()


# -- 3. an image's size suffix ------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "style"),
    [("=150x150", "width:150px"), ("=150x", "width:150px"), ("=50%x", "width:50%")],
)
def test_an_image_size_suffix_sets_the_width_and_leaves_the_src(suffix: str, style: str) -> None:
    soup = soup_of(f"![logo](https://x.example/logo.png {suffix})\n")
    img = soup.find("img")
    assert img["src"] == "https://x.example/logo.png"
    assert style in img["style"]


def test_a_size_suffix_after_a_title_and_inline_with_text() -> None:
    soup = soup_of('图标 ![logo](https://x.example/logo.png "标志" =80x80) 在这里\n')
    img = soup.find("img")
    assert img["src"] == "https://x.example/logo.png" and "width:80px" in img["style"]
    assert "=80x80" not in soup.get_text() and "在这里" in soup.get_text()


# -- 8. highlight, underline, superscript, ruby -------------------------------------------


def test_mark_ins_and_sup_are_drawn_with_inline_styles() -> None:
    soup = soup_of("这是==高亮==文字，++下划线++，以及 x^2^ 和 E=mc^2^。\n")
    spans = {s.get_text(): str(s.get("style")) for s in soup.find_all("span")}
    assert "background-color" in spans["高亮"]
    assert "underline" in spans["下划线"]
    assert [s.get_text() for s in soup.find_all("sup")] == ["2", "2"]
    assert not any(m in soup.get_text() for m in ("==", "++", "^"))


@pytest.mark.parametrize(
    "text", ["C++/C++ 和 i++", "a == b == c", "表情 ^_^ 与 2^10 和 3^5", "x==y==z"]
)
def test_operators_in_prose_stay_text(text: str) -> None:
    soup = soup_of(text + "\n")
    assert soup.find("p").get_text() == text and soup.find("sup") is None


@pytest.mark.parametrize("source", ["[汉字]{hàn zì}", "{汉字|hàn zì}"])
def test_ruby_shows_the_reading_above_the_characters(source: str) -> None:
    soup = soup_of(f"读作 {source} 。\n")
    ruby = soup.find("ruby")
    assert ruby.contents[0] == "汉字" and ruby.find("rt").get_text() == "hàn zì"
    assert "font-size" in str(ruby.find("rt").get("style"))
    assert "]{" not in soup.get_text() and "|" not in soup.get_text()


def test_a_link_followed_by_braces_stays_a_link() -> None:
    soup = soup_of("[链接](https://x.example/a){注}\n")
    assert soup.find("ruby") is None and "{注}" in soup.get_text()


# -- 10. footnotes numbered in order of first reference -----------------------------------


def test_footnotes_are_numbered_in_the_order_they_are_first_referenced() -> None:
    soup = soup_of("乙[^b]，甲[^a]，再乙[^b]。\n\n[^a]: 甲的注。\n[^b]: 乙的注。\n")
    refs = [s.get_text() for s in soup.find("p").find_all("sup")]
    assert refs == ["[1]", "[2]", "[1]"]
    notes = [li.get_text(" ", strip=True) for li in soup.find_all("li")]
    assert "乙的注" in notes[0] and "甲的注" in notes[1]


# -- 11. an editor's placeholder alt text is no caption -----------------------------------


@pytest.mark.parametrize(
    "alt",
    [
        "在这里插入图片描述",
        "这里写图片描述",
        "image-20230101123456789",
        "截图",
        "Snipaste_2023-01-01_10-00-00",
    ],
)
def test_placeholder_alt_text_is_not_a_caption(alt: str) -> None:
    soup = soup_of(f"![{alt}](https://x.example/a.png)\n")
    assert soup.find("figure") is not None and soup.find("figcaption") is None


def test_real_alt_text_is_still_a_caption() -> None:
    soup = soup_of("![系统架构图](https://x.example/a.png)\n")
    assert soup.find("figcaption").get_text() == "系统架构图"


# -- 4. inline math closing after a space that follows a TeX command or a brace -----------


@pytest.mark.parametrize(
    ("source", "tex"),
    [
        ("时间常数 $\\tau $ 很小", "\\tau"),
        ("序列 ${q_1}, \\ldots $ 递增", "{q_1}, \\ldots"),
        ("取 $x_{[1]} $ 为首项", "x_{[1]}"),
    ],
)
def test_inline_math_may_close_after_a_space_following_a_command_or_brace(
    source: str, tex: str
) -> None:
    html = BeautifulSoup(render_markdown(source), "html.parser")
    assert [m["data-tex"] for m in html.find_all(class_="wx-math")] == [tex]


@pytest.mark.parametrize("money", ["$5 and $10", "扣除 $50（$100-\\$50）", "花了 $5 ，剩下 $3 "])
def test_money_with_spaces_stays_text(money: str) -> None:
    html = BeautifulSoup(render_markdown(money), "html.parser")
    assert html.find(class_="wx-math") is None and "$" in html.get_text()


@pytest.mark.parametrize("opener", ["\\\\(", "\\(", "\\["])
def test_a_run_of_math_openers_converts_quickly(opener: str) -> None:
    # issue 14: 20,000 `\\(` took 9 s, each opener searching to the end for its closer
    started = time.perf_counter()
    result = convert_text(opener * 20_000 + "\n\n后文\n")
    assert time.perf_counter() - started < 2.0
    assert "后文" in result.fragment


@pytest.mark.parametrize("opener", ["\\\\(", "\\(", "\\\\[", "\\[", "$\\a "])
def test_finding_formulas_is_linear_in_a_run_of_openers(opener: str) -> None:
    math = MathPreprocessor(markdown.Markdown(), 1)
    started = time.perf_counter()
    math.run((opener * 20_000).split("\n"))
    assert time.perf_counter() - started < 0.5
