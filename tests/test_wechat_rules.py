"""One test per rule of shared/wechat-rules.md that the convert pipeline implements.

Each asserts what would reach the WeChat editor, so it fails if that rule's fixer is removed.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from tests.conftest import convert_text, soup_of
from wxformat.wechat.cleanup import clean_style
from wxformat.wechat.lists import number_svg
from wxformat.wechat.paste_filter import paste_filter

# 1x1 RGB pixel (no alpha), and the same with an alpha channel
OPAQUE_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP438AAAAQBAYDFKhhdAAAAAElFTkSuQmCC"
)
ALPHA_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def styles(soup: BeautifulSoup) -> list[str]:
    return [str(tag["style"]) for tag in soup.find_all(style=True)]


def test_w1_no_style_script_link_meta_and_theme_is_inline() -> None:
    soup = soup_of("## Title\n\n<style>p{color:red}</style>\n<script>alert(1)</script>\n\ntext")
    assert not soup.find_all(["style", "script", "link", "meta"])
    h2 = soup.find("h2")
    assert h2 is not None and "border-bottom" in str(h2.get("style"))


def test_w1_every_element_is_styled_inline_from_the_theme() -> None:
    soup = soup_of("> quote\n\n`code`")
    quote = soup.find("blockquote")
    assert quote is not None and "border-left" in str(quote["style"])
    code = soup.find("code")
    assert code is not None and "font-family" in str(code["style"])


def test_w2_checkboxes_become_drawn_boxes_and_form_tags_go() -> None:
    soup = soup_of(
        '- [x] done\n- [ ] todo\n\n<form><input type="text"><button>b</button></form>\n<iframe src="https://x"></iframe><video src="v.mp4"></video>'
    )
    assert not soup.find_all(["input", "form", "button", "iframe", "video", "textarea", "select"])
    items = soup.find_all("li")
    assert [len(li.find("svg").find_all("path")) for li in items] == [2, 1]  # ☑ has a tick
    assert [li.get_text(strip=True) for li in items] == ["done", "todo"]


def test_w3_div_details_center_become_section() -> None:
    soup = soup_of(
        '<div align="center">\n<img src="https://x/a.png">\n</div>\n\n<details>\n<summary>More</summary>\n\nhidden\n</details>\n\n<center>c</center>'
    )
    assert not soup.find_all(["div", "details", "summary", "center"])
    centred = [s for s in soup.find_all("section") if "text-align:center" in str(s.get("style"))]
    assert centred


def test_w5_math_is_svg_not_mathml() -> None:
    soup = soup_of("Inline $a^2+b^2=c^2$ and\n\n$$\\int_0^1 x\\,dx$$\n")
    assert not soup.find_all("math")
    svgs = soup.find_all("svg")
    assert len(svgs) == 2
    assert all(svg.find("path") for svg in svgs)
    assert "$" not in soup.get_text()


def test_w6_no_class_no_id_no_svg_references() -> None:
    html = convert_text("# H {#id}\n\n$x^2$ text[^1]\n\n1. a\n\n[^1]: note").fragment
    assert " class=" not in html and " id=" not in html
    for tag in ("<use", "<defs", "url(#", 'href="#'):
        assert tag not in html


def test_w7_event_handlers_and_javascript_urls_are_removed() -> None:
    html = convert_text(
        '<img src="x.png" onerror="alert(1)">\n\n[x](javascript:alert(1)) <a href="https://a.b" onclick="x">a</a>'
    ).fragment
    assert "onerror" not in html and "onclick" not in html and "javascript:" not in html


def test_w8_variables_are_resolved_to_literals() -> None:
    soup = soup_of("## Title", variables={"primary-color": "#0f7b6c"})
    assert all("var(" not in s and "--" not in s for s in styles(soup))
    h2 = soup.find("h2")
    assert h2 is not None and "#0f7b6c" in str(h2["style"])


def test_w9_absolute_fixed_sticky_positions_are_dropped() -> None:
    soup = soup_of('<span style="position:absolute;top:0;color:red">x</span>')
    span = soup.find("span", string="x")
    assert span is not None
    assert "position" not in str(span["style"]) and "top" not in str(span["style"])
    assert "color:red" in str(span["style"])


def test_w11_font_names_with_spaces_or_cjk_are_quoted() -> None:
    assert clean_style("font-family: PingFang SC, 微软雅黑, sans-serif") == (
        "font-family:'PingFang SC','微软雅黑',sans-serif"
    )
    root = soup_of("text").find("section")
    assert root is not None and "'PingFang SC'" in str(root["style"])


def test_w12_important_is_dropped() -> None:
    assert clean_style("color: red !important; margin: 0 !IMPORTANT") == (
        "color:red;margin:0;margin-top:0;margin-right:0;margin-bottom:0;margin-left:0"
    )
    assert "!important" not in convert_text('<span style="color:red !important">x</span>').fragment


def test_w13_margin_shorthand_gets_longhands() -> None:
    assert clean_style("margin: 1em 2em") == (
        "margin:1em 2em;margin-top:1em;margin-right:2em;margin-bottom:1em;margin-left:2em"
    )


def test_w14_code_keeps_spaces_and_newlines_as_nbsp_and_br() -> None:
    soup = soup_of("```python\ndef f():\n    return  1\n\n\tx = 2\n```")
    pre = soup.find("pre")
    assert pre is not None
    style = str(pre["style"])
    assert "white-space:pre" in style and "overflow-x:auto" in style and "text-align:left" in style
    assert len(pre.find_all("br")) == 3  # four lines, the blank one kept
    html = str(pre)
    assert "\n" not in html and "\t" not in html
    # no text node made only of white space: every space rides inside a span as &nbsp;
    for text in pre.find_all(string=True):
        assert text.parent is not None and text.parent.name == "span"
        assert " " not in str(text) and str(text).strip("\xa0")
    assert pre.get_text().replace("\xa0", " ") == "def f():    return  1    x = 2"


def test_w14_unknown_language_is_plain_and_highlighted_one_is_coloured() -> None:
    plain = soup_of("```nosuchlang\na  b\n```").find("pre")
    coloured = soup_of("```python\nimport os\n```").find("pre")
    assert plain is not None and coloured is not None
    assert not [s for s in plain.find_all("span") if "color" in str(s.get("style"))]
    assert [s for s in coloured.find_all("span") if "color:#" in str(s.get("style"))]


def test_w15_compact_html_and_cjk_soft_breaks_joined() -> None:
    html = convert_text("第一行\n第二行\nand\nEnglish\n\n- a\n- b\n\n> q").fragment
    assert "\n" not in html
    soup = BeautifulSoup(html, "html.parser")
    p = soup.find("p")
    assert p is not None and p.get_text() == "第一行第二行 and English"
    assert ">\n<" not in html and "> <" not in html.replace("> </span>", "")


def test_w16_item_content_stays_in_one_section() -> None:
    soup = soup_of("- first **bold** then `code` and more\n- second")
    for li in soup.find_all("li"):
        children = [
            c for c in li.children if not (isinstance(c, NavigableString) and not c.strip())
        ]
        assert len(children) == 1 and isinstance(children[0], Tag) and children[0].name == "section"


def test_w17_markers_are_drawn_and_start_is_honoured() -> None:
    soup = soup_of("3. three\n4. four\n\n- bullet")
    lists = soup.find_all(["ol", "ul"])
    assert all("list-style:none" in str(lst.get("style")) for lst in lists)
    numbers = [str(li.find("svg")) for li in lists[0].find_all("li")]
    expected = [
        str(BeautifulSoup(number_svg(label), "html.parser").find("svg")) for label in ("3.", "4.")
    ]
    assert [re.sub(r'style="[^"]*"', "", n) for n in numbers] == [
        re.sub(r'style="[^"]*"', "", e) for e in expected
    ]
    bullet = lists[1].find("li").find("span")
    assert bullet is not None and "border-radius" in str(bullet["style"]) and not bullet.get_text()
    assert [li.get_text() for li in soup.find_all("li")] == ["three", "four", "bullet"]


def test_w17_nesting_deeper_than_two_moves_up_indented() -> None:
    soup = soup_of("- one\n  - two\n    - three\n      - four\n- five")
    depth = max(len(lst.find_parents(["ul", "ol"])) + 1 for lst in soup.find_all(["ul", "ol"]))
    assert depth == 2
    # each item's own text, exactly: the line break a moved list left behind was once a
    # stray space at the end of its item
    texts = [
        "".join(s for s in li.find_all(string=True) if s.find_parent("li") is li)
        for li in soup.find_all("li")
    ]
    assert texts == ["one", "two", "three", "four", "five"]
    deep = [li for li in soup.find_all("li") if li.get_text(strip=True) in ("three", "four")]
    assert all("margin-left:1.3em" in str(li["style"]) for li in deep)


def test_w18_links_become_numbered_references() -> None:
    soup = soup_of(
        "[A](https://a.example/x) [B](https://b.example) [again](https://a.example/x) "
        "https://bare.example/path [mp](https://mp.weixin.qq.com/s/abc) [in page](#top)"
    )
    anchors = soup.find_all("a")
    assert [a["href"] for a in anchors] == ["https://mp.weixin.qq.com/s/abc"]
    marks = [sup.get_text() for sup in soup.find_all("sup")]
    assert marks == ["[1]", "[2]", "[1]"]
    text = soup.get_text()
    assert "https://bare.example/path" in text  # bare URL stays as text, no number
    assert "[1]\xa0A: https://a.example/x" in text and "[2]\xa0B: https://b.example" in text
    assert "in page" in text


def test_w18_footnotes_have_no_in_page_links_and_continue_numbering() -> None:
    soup = soup_of("See [site](https://s.example) and a note[^n].\n\n[^n]: The note.")
    assert not [a for a in soup.find_all("a")]
    assert [s.get_text() for s in soup.find_all("sup")] == ["[1]", "[2]"]
    assert "[2]\xa0The note." in soup.get_text()
    assert "↩" not in soup.get_text()


def test_w18_marks_among_unwrapped_links_are_in_place_and_styled() -> None:
    """The marks go in after the other links are unwrapped, each paragraph rebuilt at once:
    each must still follow its link and be reached by the stages after (the theme's style)."""
    piece = (
        "[A](https://a.example) ![i](https://i.example/p.png) [in page](#x) "
        "*[B](https://b.example)* [![pic](https://i.example/q.png)](https://c.example)"
        "[C](https://c.example) "
    )
    soup = soup_of("Read " + piece * 3 + "end.")
    paragraph = soup.find("p")
    assert isinstance(paragraph, Tag)
    marks = paragraph.find_all("sup")
    assert [m.get_text() for m in marks] == ["[1]", "[2]", "[3]"] * 3
    assert all("font-size:0.75em" in str(m.get("style")) for m in marks)
    # each mark right after its link's text, nothing of the unwrapped links lost
    assert paragraph.get_text().startswith("Read A[1] in page B[2]C[3] A[1] in page B[2]C[3]")
    assert len(paragraph.find_all("img")) == 6 and not paragraph.find_all("a")


def test_w19_local_image_is_embedded_within_limit(tmp_path: Path) -> None:
    png = base64.b64decode(OPAQUE_PNG)
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "dot 1.png").write_bytes(png)
    result = convert_text("![一张图](img/dot%201.png)", base_dir=tmp_path)
    soup = BeautifulSoup(result.fragment, "html.parser")
    img = soup.find("img")
    assert img is not None and str(img["src"]).startswith("data:image/png;base64,")
    assert "max-width:100%" in str(img["style"])
    figure = soup.find("figure")
    assert figure is not None and figure.find("figcaption").get_text() == "一张图"
    assert not result.warnings


def test_w19_images_over_limit_or_missing_warn_by_name(tmp_path: Path) -> None:
    (tmp_path / "big.png").write_bytes(b"\x89PNG" + b"0" * 4096)
    result = convert_text("![a](big.png) ![b](gone.png)", base_dir=tmp_path, image_embed_limit_kb=1)
    messages = [w.message for w in result.warnings]
    assert any("big.png" in m and "embed limit" in m for m in messages)
    assert any("gone.png" in m and "not found" in m for m in messages)
    assert all(w.rule == "W19" for w in result.warnings)


def test_w21_svg_draws_in_current_colour() -> None:
    soup = soup_of("$x$\n\n1. one")
    svgs = soup.find_all("svg")
    assert len(svgs) == 2  # the formula and the list number
    for svg in svgs:
        assert svg.find_all("path")
        assert svg.get("fill") == "currentColor"
        assert all(p.get("fill") in (None, "currentColor") for p in svg.find_all("path"))


def test_tables_scroll_sideways_and_header_is_coloured() -> None:
    soup = soup_of("| a | b |\n|:-|-:|\n| 1 | 2 |")
    table = soup.find("table")
    assert table is not None
    wrap = table.parent
    assert wrap is not None and wrap.name == "section" and "overflow-x:auto" in str(wrap["style"])
    th = soup.find("th")
    assert th is not None and "background-color" in str(th["style"])
    assert "text-align:right" in str(soup.find_all("td")[1]["style"])


def test_images_get_caption_only_from_meaningful_alt() -> None:
    soup = soup_of("![image.png](https://x.example/a.png)\n\n![架构图](https://x.example/b.png)")
    captions = [f.get_text() for f in soup.find_all("figcaption")]
    assert captions == ["架构图"]


def test_w15_a_space_between_inline_elements_rides_in_their_text() -> None:
    # the editor drops a text node of white space alone: `**定义** $x$` would read 定义x
    source = "**定义** $x$ 与 `a` `b`，*斜* **粗** 见[文档](https://d.example) $a$ $b$"
    fragment = convert_text(source).fragment
    soup = BeautifulSoup(fragment, "html.parser")
    alone = [t for t in soup.find_all(string=True) if t and not t.strip(" \t\n\r")]
    assert alone == []
    text = soup.get_text()
    assert "定义 " in text and "a b" in text and "斜 粗" in text and "见文档[1]" in text
    pasted, changes = paste_filter(fragment)
    assert not [c for c in changes if c.rule == "W15"]
    assert BeautifulSoup(pasted, "html.parser").get_text() == text
    # and the simulated paste reports the loss in HTML that keeps such a space alone
    _, changes = paste_filter("<p><b>定义</b> <i>x</i></p>")
    assert [c.rule for c in changes] == ["W15"]
