"""Reading Markdown the way writers' tools do (GFM block structure), plus CJK emphasis,
math delimiters and code highlighting options."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from bs4.element import Tag

from tests.conftest import convert_text, soup_of
from wxformat.render import render_markdown


def html_of(text: str) -> BeautifulSoup:
    """The render stage alone: structure before the WeChat fixes."""
    return BeautifulSoup(render_markdown(text), "html.parser")


def items(soup: BeautifulSoup) -> list[str]:
    return [li.find(string=True, recursive=True).strip() for li in soup.find_all("li")]


def depth_of(soup: BeautifulSoup | Tag, text: str) -> int:
    li = soup.find(lambda t: t.name == "li" and t.get_text(" ", strip=True).startswith(text))
    return len(li.find_parents(["ul", "ol"]))


# -- block structure ---------------------------------------------------------------------


def test_list_right_after_a_paragraph_line() -> None:
    soup = html_of("Steps:\n- one\n- two\n\nText\n1. first\n2. second")
    assert soup.find("p").get_text() == "Steps:"
    assert len(soup.find_all("li")) == 4
    assert soup.find("ol") is not None


def test_only_1_or_a_bullet_interrupts_a_paragraph() -> None:
    soup = html_of("The year was\n1986. A good year.")
    assert soup.find("ol") is None and "1986." in soup.get_text()


@pytest.mark.parametrize("indent", ["  ", "    ", "\t"])
def test_nested_lists_by_2_or_4_spaces_or_a_tab(indent: str) -> None:
    soup = html_of(f"- a\n{indent}- b\n{indent}{indent}- c\n- d")
    assert [depth_of(soup, x) for x in "abcd"] == [1, 2, 3, 1]


def test_ordered_list_children_at_three_spaces() -> None:
    soup = html_of("1. parent\n   - child\n2. next")
    assert depth_of(soup, "child") == 2 and depth_of(soup, "next") == 1


def test_fence_math_and_quote_inside_list_items() -> None:
    soup = html_of(
        "- code:\n  ```python\n  x = 1\n  ```\n- math:\n\n  $$\n  a^2\n  $$\n- quote:\n  > said\n- after"
    )
    lis = soup.find_all("li", recursive=True)
    assert lis[0].find("pre") is not None and "x = 1" in lis[0].find("pre").get_text()
    assert lis[1].find(class_="wx-math-display") is not None
    assert lis[2].find("blockquote") is not None
    assert len(soup.find_all("ul")) == 1 and len(lis) == 4


def test_ordered_list_keeps_its_start() -> None:
    assert html_of("7. seven\n8. eight").find("ol")["start"] == "7"


def test_changing_list_type_starts_a_new_list() -> None:
    soup = html_of("- a\n  - b\n  1. one")
    inner = soup.find("li").find_all(["ul", "ol"])
    assert [lst.name for lst in inner] == ["ul", "ol"]


@pytest.mark.parametrize(
    "table",
    [
        "| a | b |\n|:--|--:|\n| 1 | 2 |",
        "a | b\n:-- | --:\n1 | 2",
        "Intro line\n| a | b |\n|:--|--:|\n| 1 | 2 |",
    ],
)
def test_tables_with_or_without_outer_pipes_and_alignment(table: str) -> None:
    soup = html_of(table)
    assert [c.get_text() for c in soup.find_all(["th", "td"])] == ["a", "b", "1", "2"]
    assert [c.get("align") for c in soup.find_all("td")] == ["left", "right"]


def test_heading_keeps_a_hash_that_has_no_space_before_it() -> None:
    soup = html_of("## C#\n\n### F# ###\n\n#not-a-heading")
    assert [h.get_text() for h in soup.find_all(["h2", "h3"])] == ["C#", "F#"]
    assert soup.find("p").get_text() == "#not-a-heading"


def test_strikethrough_with_one_or_two_tildes() -> None:
    assert [d.get_text() for d in html_of("~~two~~ and ~one~ but ~ alone").find_all("del")] == [
        "two",
        "one",
    ]


@pytest.mark.parametrize(
    ("text", "struck"),
    [
        ("a ~~b **c**~~ d", ["b c"]),  # emphasis inside
        ("~~a ~b~ c~~", ["a b c", "b"]),
        ("~~a~~~~b~~", ["a~~~~b"]),  # a run of four neither opens nor closes
        ("`~~code~~`", []),
        ("\\~~no~~", []),
        ("~~ spaced~~", []),
        ("a~~b~~c", ["b"]),
    ],
)
def test_strikethrough_runs_pair_as_in_gfm(text: str, struck: list[str]) -> None:
    # expectations are cmark-gfm's
    assert [d.get_text() for d in html_of(text).find_all("del")] == struck


def test_a_quote_right_after_a_list_item_ends_the_list() -> None:
    # GFM: a `>` line is never a lazy continuation of the item above it
    soup = html_of("- a\n> a note\n- b")
    assert [li.get_text(strip=True) for li in soup.find_all("li")] == ["a", "b"]
    quote = soup.find("blockquote")
    assert quote.get_text(strip=True) == "a note" and quote.find_parent("li") is None
    # indented to the item's content, it belongs to the item
    assert html_of("- a\n  > inside").find("blockquote").find_parent("li") is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n\n  second paragraph\n- b", ["a second paragraph", "b"]),
        ("1. a\n\n   second paragraph\n2. b", ["a second paragraph", "b"]),
        (
            "- a\n  - sub\n\n    sub paragraph\n- b",
            ["a sub sub paragraph", "sub sub paragraph", "b"],
        ),
        ("- a\n  lazy line\n- b", ["a lazy line", "b"]),
    ],
)
def test_an_item_after_a_paragraph_of_the_item_above_is_an_item(
    text: str, expected: list[str]
) -> None:
    soup = html_of(text)
    assert [" ".join(li.get_text(" ").split()) for li in soup.find_all("li")] == expected


def test_a_fence_less_indented_than_the_item_ends_the_list() -> None:
    soup = html_of("1. 安装依赖\n```bash\nnpm install\n```\n2. 运行")
    assert soup.find("pre").find_parent("li") is None
    assert [li.get_text(strip=True) for li in soup.find_all("li")] == ["安装依赖", "运行"]
    # at the item's content column it stays in the item
    soup = html_of("1. 安装依赖\n   ```bash\n   npm install\n   ```\n2. 运行")
    assert soup.find("pre").find_parent("li") is not None


@pytest.mark.parametrize(
    "text", ["> 引用\n---\n正文", "- a\n- b\n---\n正文", "1. a\n---\n正文", "# 标题\n---\n正文"]
)
def test_a_rule_right_after_a_quote_list_or_heading_is_a_rule(text: str) -> None:
    soup = html_of(text)
    assert soup.find("hr") is not None and soup.find("h2") is None
    assert soup.find_all("p")[-1].get_text() == "正文"


def test_a_setext_underline_makes_the_whole_paragraph_a_heading() -> None:
    soup = html_of("第一行\n第二行\n---\n\nEnglish line\nand more\n===")
    assert soup.find("h2").get_text() == "第一行第二行"
    assert soup.find("h1").get_text() == "English line and more"
    assert soup.find("hr") is None


def test_only_1_opens_a_sub_list_right_under_an_item_s_text() -> None:
    # GFM: "2." cannot interrupt a paragraph, in an item as at the top level
    soup = html_of("* 步骤\n  2. 不是子列表\n* 下一项")
    assert soup.find("ol") is None
    assert [" ".join(li.get_text().split()) for li in soup.find_all("li")] == [
        "步骤 2. 不是子列表",
        "下一项",
    ]
    assert html_of("* 步骤\n  1. 子列表").find("ol") is not None


def test_escaped_pipe_in_a_table_cell_is_a_pipe_even_in_code() -> None:
    soup = html_of("| op | meaning |\n|---|---|\n| `a \\| b` | a or b \\| c |")
    cells = [td.get_text() for td in soup.find_all("td")]
    assert cells == ["a | b", "a or b | c"]
    assert html_of("`a \\| b`").find("code").get_text() == "a \\| b"  # outside tables: as is


def test_autolinks_and_footnotes() -> None:
    soup = html_of(
        "see https://example.com/a_b_c and www.example.org.\n\nNote[^x]\n\n[^x]: the note"
    )
    assert [a["href"] for a in soup.find_all("a")][:2] == [
        "https://example.com/a_b_c",
        "http://www.example.org",
    ]
    assert soup.find(class_="footnote") is not None


def test_raw_html_blocks_keep_markdown_after_them_and_comments_go() -> None:
    soup = html_of(
        '<div align="center">\n<img src="a.png" width=450>\n</div>\n\n**bold after**\n\n<!-- a note to self -->\n\ntext <!-- inline --> more'
    )
    assert soup.find("div") is not None and soup.find("img") is not None
    assert soup.find("strong").get_text() == "bold after"
    assert "note to self" not in str(soup) and "inline" not in str(soup)


def test_unterminated_html_and_img_end_tag_do_not_break_the_page() -> None:
    soup = soup_of('<img src="https://x/a.png"> </img>\n\n<div><p>open\n\n# Heading after')
    assert soup.find("h1").get_text() == "Heading after"
    assert soup.find("img") is not None


def test_backslash_line_break_and_escaped_punctuation() -> None:
    soup = html_of("line\\\nnext \\$5 \\| \\~")
    assert soup.find("br") is not None
    assert "$5 | ~" in soup.get_text()


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("NOTE", "说明"),
        ("TIP", "提示"),
        ("IMPORTANT", "重要"),
        ("WARNING", "注意"),
        ("CAUTION", "警告"),
    ],
)
def test_github_alerts_become_titled_callouts(kind: str, title: str) -> None:
    soup = soup_of(f"> quote first\n\n> [!{kind}]\n> Body text.")
    quote = soup.find("blockquote")
    assert quote is not None and quote.get_text() == "quote first"
    callout = [s for s in soup.find_all("section") if title in s.get_text()][-1]
    assert "Body text." in callout.get_text() and "[!" not in callout.get_text()
    assert "border-left" in str(callout["style"])


# -- Chinese emphasis ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "bold"),
    [
        ("**今天天气好晴朗，**处处好风光。", "今天天气好晴朗，"),
        ("**“引号”**文字", "“引号”"),
        ("中文**加粗**中文", "加粗"),
        ("（**括号内**）", "括号内"),
    ],
)
def test_bold_next_to_cjk_punctuation(source: str, bold: str) -> None:
    soup = soup_of(source)
    assert soup.find("strong").get_text() == bold
    assert "**" not in soup.get_text()


# -- math ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    ["$x^2$", "\\(x^2\\)", "\\\\(x^2\\\\)", "$$x^2$$"],
)
def test_inline_math_delimiters(source: str) -> None:
    soup = html_of(f"a {source} b")
    span = soup.find(class_="wx-math")
    assert span is not None and span["data-tex"] == "x^2"


@pytest.mark.parametrize(
    "source",
    ["$$\nx_1\n$$", "\\[\nx_1\n\\]", "\\\\[\nx\\_1\n\\\\]", "$$x_1$$"],
)
def test_display_math_delimiters(source: str) -> None:
    soup = html_of(f"text before\n{source}\ntext after")
    block = soup.find(class_="wx-math-display")
    assert block is not None and block["data-tex"] == "x_1"
    assert [p.get_text() for p in soup.find_all("p")] == ["text before", "text after"]


@pytest.mark.parametrize(
    "money",
    ["扣除 $50（$100-\\$50）", "costs $5 or $10 today", "from $3.50 to $4", "price: $5, or $10."],
)
def test_money_is_not_math(money: str) -> None:
    soup = soup_of(money)
    assert soup.find("svg") is None
    assert soup.get_text().count("$") == money.replace("\\$", "$").count("$")


def test_math_keeps_underscores_and_stars_from_markdown() -> None:
    soup = html_of("$a_1 * b_2 * c$ and _em_")
    assert soup.find(class_="wx-math")["data-tex"] == "a_1 * b_2 * c"
    assert soup.find("em").get_text() == "em"


def test_math_in_code_is_code() -> None:
    soup = html_of("`$x$` and\n\n```\n$$y$$\n```")
    assert soup.find(class_="wx-math") is None and soup.find(class_="wx-math-display") is None


def test_math_inside_lists_renders() -> None:
    soup = soup_of("1. inline $a$\n2. block:\n\n   $$\n   b^2\n   $$\n3. after")
    assert len(soup.find_all("li")) == 3
    assert len(soup.find_all("li")[1].find_all("svg")) == 2  # its number and its formula


def test_tex_error_stays_visible_with_a_warning_naming_its_line() -> None:
    result = convert_text("intro\n\nsecond line $\\frac{1}{$ here\n\n$ok$")
    soup = BeautifulSoup(result.fragment, "html.parser")
    code = soup.find("code")
    assert code is not None and code.get_text() == "$\\frac{1}{$"
    assert [(w.rule, w.line) for w in result.warnings] == [("W5", 3)]
    assert len(soup.find_all("svg")) == 1  # the good formula still renders


def test_tex_error_says_what_is_wrong_in_words_not_an_exception_name() -> None:
    """The warning says what the mistake is (MathJax's own words), as the sample
    articles/math.md shows a reader; never an exception's class name."""
    cases = {
        "\\frac{1}{": "Missing close brace",
        "x^": "Missing superscript or subscript argument",
        "\\begin{matrix} a": "Missing \\end{matrix}",
        "\\left( x": "Extra \\left or missing \\right",
        "\\foo x": "Undefined control sequence \\foo",
    }
    for tex, words in cases.items():
        (warning,) = convert_text(f"bad ${tex}$").warnings
        assert words in warning.message and "Error" not in warning.message, warning.message


def test_inline_math_is_sized_in_em_and_sits_on_the_baseline() -> None:
    svg = soup_of("text $x_i^2$ text").find("svg")
    style = str(svg["style"])
    assert "em" in style and "vertical-align:-" in style
    block = soup_of("$$\\sum_{i=1}^n i$$").find("svg").parent
    assert "text-align:center" in str(block["style"]) and "overflow-x:auto" in str(block["style"])


# -- code ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "theme", ["github", "github-dark", "monokai", "one-dark", "dracula", "solarized-light"]
)
def test_code_themes_change_the_colours(theme: str) -> None:
    pre = soup_of("```python\nimport os\n```", code_theme=theme).find("pre")
    default = soup_of("```python\nimport os\n```", code_theme="xcode").find("pre")
    assert str(pre) != str(default)


def test_mac_window_bar_and_line_numbers() -> None:
    soup = soup_of("```js\nlet a = 1\nlet b = 2\n```", mac_window=True, line_numbers=True)
    block = soup.find("pre").parent
    dots = [s for s in block.find_all("span") if "border-radius:50%" in str(s.get("style"))]
    assert len(dots) == 3
    assert soup.find("pre").get_text().replace("\xa0", " ").startswith("1  let a = 1")
    plain = soup_of("```js\nlet a = 1\n```", mac_window=False).find("pre").parent
    assert not [s for s in plain.find_all("span") if "border-radius:50%" in str(s.get("style"))]


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("c++", "int main() { return 0; }"),
        ("cuda", "__global__ void k(float *x) { x[threadIdx.x] = 0; }"),
        ("shell", "for f in *.md; do echo $f; done"),
        ("console", "$ pip install wxformat"),
        ("vue", '<template><div v-if="ok">hi</div></template>'),
        ("ts", "const n: number = 1;"),
        ("golang", "func main() { fmt.Println(1) }"),
        ("yml", "key: value"),
    ],
)
def test_common_language_aliases_highlight(alias: str, code: str) -> None:
    pre = soup_of(f"```{alias}\n{code}\n```").find("pre")
    assert any("color:#" in str(s.get("style")) for s in pre.find_all("span")), alias


@pytest.mark.parametrize("language", ["console", "python", "yaml", "text", "nosuch", "diff"])
def test_no_lexer_loses_code(language: str) -> None:
    source = "$ echo 'a'\n  b = {1: 2}  \n\n- x: y\n+ tail"
    pre = soup_of(f"```{language}\n{source}\n```").find("pre")
    lines = [line.rstrip() for line in source.split("\n")]
    shown = "".join(
        str(c) if isinstance(c, str) else c.get_text() if c.name != "br" else "\n"
        for c in pre.find("code").contents
    )
    assert [line.rstrip() for line in shown.replace("\xa0", " ").split("\n")] == lines


def test_mermaid_stays_readable_code_with_a_warning() -> None:
    result = convert_text("```mermaid\ngraph LR\n  A --> B\n```")
    code = BeautifulSoup(result.fragment, "html.parser").find("pre").get_text().replace("\xa0", " ")
    assert code == "graph LR  A --> B"
    assert any("mermaid" in w.message for w in result.warnings)


def test_w4_root_section_needs_no_padding_or_background() -> None:
    root = soup_of("text").find("section")
    style = str(root["style"])
    assert "padding" not in style and "background" not in style


def test_a_new_bullet_or_delimiter_starts_a_new_list() -> None:
    soup = html_of("- a\n- b\n* c\n\n1. x\n2) y\n\n- p\n  - q\n  + r")
    top = [lst for lst in soup.find_all(["ul", "ol"]) if not lst.find_parent(["ul", "ol"])]

    def first_text(li: Tag) -> str:
        return str(next(text for text in li.strings if text.strip())).strip()

    items = [
        (lst.name, [first_text(li) for li in lst.find_all("li", recursive=False)]) for lst in top
    ]
    assert items == [("ul", ["a", "b"]), ("ul", ["c"]), ("ol", ["x"]), ("ol", ["y"]), ("ul", ["p"])]
    assert soup.find_all("ol")[1]["start"] == "2"
    nested = top[-1].find("li").find_all("ul")
    assert [[li.get_text(strip=True) for li in sub.find_all("li")] for sub in nested] == [
        ["q"],
        ["r"],
    ]


def test_lists_nested_by_two_spaces_inside_a_quote() -> None:
    soup = html_of("> Notes:\n>\n> - a\n>   - b\n>     - c\n> - d\n\nafter")
    quote = soup.find("blockquote")
    assert isinstance(quote, Tag)
    assert [depth_of(quote, x) for x in "abcd"] == [1, 2, 3, 1]
    assert soup.find_all("p")[-1].get_text() == "after"


def test_chinese_in_a_formula_is_set_as_text_between_drawings() -> None:
    result = convert_text("样本 $\\boldsymbol{x}_1=(\\text{甜度}=\\text{高})$ 如此")
    soup = BeautifulSoup(result.fragment, "html.parser")
    assert "甜度" in soup.get_text() and "高" in soup.get_text()
    formula = soup.find("svg").parent
    assert len(formula.find_all("svg")) == 3  # x_1=(  =  )
    assert not result.warnings


def test_dollars_in_indented_code_are_code() -> None:
    # an indented code block is code to its last line: a `$$` line neither ends it nor
    # turns into a formula (GitHub and every CommonMark tool read it so)
    soup = html_of("text\n\n    total = 0\n    $$\n    x^2\n    $$\n    print(total)\n\nafter")
    assert soup.find(class_="wx-math-display") is None
    blocks = soup.find_all("pre")
    assert len(blocks) == 1
    assert blocks[0].get_text() == "total = 0\n$$\nx^2\n$$\nprint(total)"
