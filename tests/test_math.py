"""Formulas as MathJax draws them, in the shape WeChat keeps (W3, W5, W6, W21, W22)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from bs4.element import Tag

from tests.conftest import SHARED, convert_text, soup_of
from wxformat.wechat import math as wmath
from wxformat.wechat.paste_filter import paste_filter

CORPUS = SHARED / "corpus"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def svgs(text: str) -> list[Tag]:
    return list(soup_of(text).find_all("svg"))


def test_drawings_hold_only_what_wechat_keeps() -> None:
    source = (
        "$$\\left(\\frac{a}{b}\\right) \\sqrt{x} \\begin{array}{|c|}\\hline a\\\\ \\hline"
        "\\end{array} \\boxed{y} \\xrightarrow{f} \\color{red}{z} \\overbrace{a+b}^{n}$$"
    )
    html = convert_text(source).fragment
    soup = BeautifulSoup(html, "html.parser")
    (svg,) = soup.find_all("svg")
    # no nested <svg>, <rect>, <line>, <use>, <defs>; nothing that names or classes anything
    assert {t.name for t in svg.find_all(True)} <= {"path", "text"}
    for tag in [svg, *svg.find_all(True)]:
        for attr in tag.attrs:
            assert attr not in ("id", "class", "role", "focusable", "style") or (
                tag is svg and attr == "style"
            ), (tag.name, attr)
            assert not attr.startswith("data-"), (tag.name, attr)
    assert svg["fill"] == "currentColor"
    strokes = [p for p in svg.find_all("path") if p.get("stroke")]
    assert strokes and all(p["stroke"] == "currentColor" for p in strokes)  # rules and the box
    assert any(p.get("fill") == "red" for p in svg.find_all("path"))  # \color is kept


def test_path_data_is_compact() -> None:
    (svg,) = svgs("$$\\sum_{i=1}^{n} \\frac{x_i^2}{\\sigma^2}$$")
    paths = svg.find_all("path")
    assert len(paths) == 1  # one path for every glyph and bar of one colour
    data = str(paths[0]["d"])
    assert data[0] == "M" and not re.search("[LHVQTCSZ]", data[1:])  # relative after the start
    numbers = _NUMBER.findall(data)
    assert numbers and all(len(n.partition(".")[2]) <= 2 for n in numbers)
    assert re.search(r'\s(\w[\w-]*)="[^"]*"[^>]*\s\1="', str(svg)) is None  # no attribute twice


def test_inline_formula_is_sized_in_em_on_the_baseline() -> None:
    (svg,) = svgs("text $x_i^2$ text")
    style = str(svg["style"])
    assert re.search(r"width:[\d.]+em", style) and re.search(r"height:[\d.]+em", style)
    assert re.search(r"vertical-align:-[\d.]+em", style)
    # the size follows the viewBox: 1 em is 1000 of MathJax's units
    width = float(str(svg["viewbox"]).split()[2]) / 1000
    assert f"width:{width:.3f}em" in style


def test_tex_error_raises_and_shows_the_source_with_its_line() -> None:
    result = convert_text("intro\n\nsee $\\frac{1}{$ and $\\undefinedcommand x$\n")
    codes = [c.get_text() for c in BeautifulSoup(result.fragment, "html.parser").find_all("code")]
    assert codes == ["$\\frac{1}{$", "$\\undefinedcommand x$"]
    assert [(w.rule, w.line) for w in result.warnings] == [("W5", 3), ("W5", 3)]
    assert "Undefined control sequence" in result.warnings[1].message


def test_chinese_in_a_group_is_text_in_the_article_font() -> None:
    result = convert_text("intro\n\n$$\\frac{收益}{成本}$$\n")
    assert not result.warnings
    (svg,) = BeautifulSoup(result.fragment, "html.parser").find_all("svg")
    texts = svg.find_all("text")
    assert "".join(t.get_text() for t in texts) == "收益成本"
    for text in texts:
        assert "font-family" not in text.attrs  # inherits the article's font
        assert int(str(text["font-size"])) == 1000  # the formula's em at full size


def test_tag_is_a_right_aligned_label_without_a_full_width_wrapper() -> None:
    soup = soup_of("$$\n\\nabla f(x)=f(x)\\nabla \\log f(x) \\tag{4.1}\n$$\n")
    block = soup.find("svg").find_parent("section")
    assert "display:flex" in str(block["style"])
    label = block.find_all("span", recursive=False)[-1]
    assert label.get_text() == "(4.1)" and "text-align:right" in str(label["style"])
    svg = block.find("svg")
    assert "100%" not in str(svg.get("width", "")) and "min-width" not in str(svg["style"])
    assert "4.1" not in svg.decode()  # the label is not drawn inside the formula


def test_several_tags_stay_in_their_rows() -> None:
    tex, label = wmath.split_tag("a \\tag{1} \\\\ b \\tag*{B}")
    assert label is None and "\\text{(1)}" in tex and "\\text{B}" in tex


def test_hexo_escaped_star_is_unescaped() -> None:
    result = convert_text("x $a\\*b$ y and $$a \\\\* b$$")
    assert not result.warnings
    assert wmath._unescape("a\\*b \\\\*") == "a*b \\\\*"


def test_a_very_long_formula_shows_its_source_quickly() -> None:
    text = "$$" + "+".join(["x"] * 4_000) + "$$"
    start = time.perf_counter()
    result = convert_text(text)
    assert time.perf_counter() - start < 2
    assert [w.rule for w in result.warnings] == ["W5"]
    assert "characters" in result.warnings[0].message
    assert "x+x+x" in BeautifulSoup(result.fragment, "html.parser").find("code").get_text()


def test_no_space_after_cjk_punctuation_between_formulas() -> None:
    soup = soup_of("其中 $a_t$，$(s_t,a_t)$ 是")
    first, second = soup.find_all("svg")
    between = first.parent.next_sibling
    assert first.parent.get_text() == "，"
    assert between is second.parent, repr(between)


def test_only_the_formula_and_its_punctuation_do_not_wrap() -> None:
    soup = soup_of("长句子 $a_t$，然后继续写很多字")
    span = soup.find("svg").parent
    assert "white-space:nowrap" in str(span["style"])
    assert span.get_text() == "，"
    assert "nowrap" not in str(span.parent.get("style", ""))


def test_formulas_survive_the_paste_filter() -> None:
    html = convert_text(
        "$a$ 和 $$\\begin{cases}1\\\\2\\end{cases}\\tag{1}$$ 和 $\\text{中文}$"
    ).fragment
    kept, changes = paste_filter(html)
    assert not [c for c in changes if c.visible]
    assert kept.count("<svg") == html.count("<svg") == 2


def _converts_and_says_if_v8_loaded(article: Path, out: Path) -> str:
    """A script that converts article as `wxformat convert` does, then prints on stderr
    whether V8 (mini-racer) was loaded."""
    return (
        "import sys\n"
        "from wxformat.faces.cli import main\n"
        f"sys.argv = ['wxformat', 'convert', {str(article)!r}, '-o', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('py_mini_racer' in sys.modules, file=sys.stderr)\n"
    )


def test_an_article_without_math_starts_no_v8(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("# 标题\n\n没有公式，只有 $5 和 $10。\n", encoding="utf-8")
    probe = _converts_and_says_if_v8_loaded(article, tmp_path / "o.html")
    env = {**os.environ, "WXFORMAT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr
    assert (tmp_path / "o.html").exists()


def test_a_cached_formula_starts_no_v8(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("公式 $E=mc^2$。\n", encoding="utf-8")
    probe = _converts_and_says_if_v8_loaded(article, tmp_path / "o.html")
    env = {**os.environ, "WXFORMAT_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
        )
        for _ in range(2)
    ]
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == ["True", "False"]


def test_one_conversion_keeps_all_its_drawings_and_the_next_draws_none(tmp_path: Path) -> None:
    """Every formula drawn is in the disk cache after one conversion, written at once (one
    commit: each formula committed on its own took most of a second for a thousand), and
    the next conversion draws nothing and gives the same article."""
    import sqlite3

    article = tmp_path / "a.md"
    formulas = [f"$x_{{{i}}}^2$" for i in range(120)]
    formulas += ["$x_{3}^2$", "$面积 = a^2$", "$$E = mc^2 \\tag{1.1}$$", "$\\frac{1}{2}$"]
    article.write_text("公式：" + " ".join(formulas) + "\n", encoding="utf-8")
    env = {**os.environ, "WXFORMAT_CACHE_DIR": str(tmp_path / "cache")}
    outputs, v8 = [], []
    for n in range(2):
        out = tmp_path / f"o{n}.html"
        probe = _converts_and_says_if_v8_loaded(article, out)
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
        )
        v8.append(done.stderr.strip().splitlines()[-1])
        outputs.append(out.read_text(encoding="utf-8"))
        if n == 0:
            with sqlite3.connect(tmp_path / "cache" / "cache.sqlite3") as db:
                written = db.execute(
                    "SELECT written FROM items WHERE value LIKE '%|<path%'"
                ).fetchall()
            # 120 distinct x_i^2 (x_3^2 twice), 面积 split off a^2, E=mc^2 without its tag, 1/2
            assert len(written) == 123
            assert len(set(written)) == 1
    assert v8 == ["True", "False"]
    assert outputs[0] == outputs[1]
    assert outputs[0].count("<svg") == 124


def _fresh_convert(text: str) -> str:
    """The article's HTML from a conversion with a cache of its own (nothing drawn before)."""
    from wxformat.article import parse_article
    from wxformat.cache import MemoryCache
    from wxformat.options import resolve
    from wxformat.pipeline import convert

    article = parse_article(text, Path.cwd() / "article.md")
    return convert(article, resolve(article), cache=MemoryCache()).fragment


def test_formulas_drawn_together_come_out_as_each_alone() -> None:
    """The math stage draws an article's formulas in batches beside the rest of its work and
    parses their drawings together, copying a drawing that comes again: each formula must
    still come out exactly as in an article of its own."""
    special = [
        "$x$",
        "${x}$",  # the same drawing as $x$
        '$\\color{red" onmouseover="alert(1)}{x}$',
        "$\\sqrt{\\text{中文}}$",  # Chinese in a group: <text> in the drawing
        "$\\text{a < b} \\& c > d$",
        "$\\text{ }$",
        "$\\begin{array}{|c|}\\hline a\\\\ \\hline\\end{array}$",
        "$面积 = a^2$",
        "$\\frac{1}{$",  # cannot be drawn
        "$$E = mc^2 \\tag{1.1}$$",
        "$$y \\tag{$\\alpha$}$$",  # a label that is drawn
    ]
    formulas = special + [f"$x_{{{i}}}$" for i in range(150)] + special  # past one batch
    together = _fresh_convert("\n\n".join(formulas))
    alone = "".join(_fresh_convert(formula) for formula in formulas)
    pieces = re.compile(r"<svg\b.*?</svg>|<code class=\"wx-math-error\".*?</code>", re.S)
    assert pieces.findall(together) == pieces.findall(alone)
    assert together.count("<svg") == 2 * 11 + 150  # 1/2 none, the tagged y two


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"needs the shared corpus at {CORPUS} (../shared from the checkout)")
    return sorted(CORPUS.glob("*.md"))


@pytest.mark.slow
def test_every_corpus_formula_is_drawn() -> None:
    from wxformat.article import read_article
    from wxformat.faces.runner import convert_article

    for path in _corpus():
        result = convert_article(read_article(path))
        failed = [w for w in result.warnings if w.rule == "W5"]
        assert not failed, (path.name, [(w.line, w.message) for w in failed])
        soup = BeautifulSoup(result.fragment, "html.parser")
        assert not soup.find_all(class_="wx-math-error"), path.name


def _math_samples() -> list[Path]:
    from tests.conftest import ARTICLES

    samples = [ARTICLES / "math.md"]
    if CORPUS.is_dir():
        samples += [p for p in sorted(CORPUS.glob("*.md")) if "$" in p.read_text("utf-8")]
    return samples


@pytest.mark.parametrize("sample", _math_samples(), ids=lambda p: p.stem)
def test_every_math_sample_passes_the_paste_filter_unchanged(sample: Path) -> None:
    """What the editor keeps of each article with math is what we wrote (the corpus part
    needs ../shared; without it only the sample article is checked)."""
    from wxformat.article import read_article
    from wxformat.faces.runner import convert_article

    html = convert_article(read_article(sample)).fragment
    kept, changes = paste_filter(html)
    assert not [c for c in changes if c.visible and c.rule != "W19"], changes
    svg_kept = re.findall(r"<svg\b.*?</svg>", kept, re.S)
    svg_ours = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svg_kept) == len(svg_ours)
    strip = re.compile(r"\s+")
    assert [strip.sub("", s.lower()) for s in svg_kept] == [
        strip.sub("", s.lower()) for s in svg_ours
    ]


def test_without_mathjax_every_formula_stays_tex_and_says_why(tmp_path: Path) -> None:
    """MathJax's files missing (a broken install): V8 cannot start in the drawing thread,
    and each formula is shown as its TeX with the reason, in a conversion that succeeds."""
    article = tmp_path / "a.md"
    article.write_text("$a^2$ 和 $a^2$\n\n$$b^2$$\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from wxformat.wechat import mathjax\n"
        "mathjax._MATHJAX_FILES = ('startup.js', 'no-such-file.js')\n"
        "from wxformat.faces.cli import main\n"
        f"sys.argv = ['wxformat', 'convert', {str(article)!r}, '-o', {str(tmp_path / 'o.html')!r}]\n"
        "main()\n"
    )
    env = {**os.environ, "WXFORMAT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "formula could not be drawn (MathJax's files are missing" in done.stderr
    html = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert "<svg" not in html
    assert html.count("$a^2$") == 2 and html.count("$$b^2$$") == 1


def test_help_never_loads_mathjax_or_v8() -> None:
    probe = (
        "import sys\n"
        "from wxformat.faces.cli import main\n"
        "sys.argv = ['wxformat', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if 'racer' in m or m.endswith('mathjax')),"
        " file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_cache_keys_carry_the_mathjax_version() -> None:
    from wxformat.wechat import mathjax

    assert re.fullmatch(r"3\.2\.\d+", mathjax.version())  # what django-static-mathjax ships
    assert wmath._renderer().startswith(f"mathjax-{mathjax.version()}-")


def test_a_formula_whose_drawing_would_be_huge_shows_its_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wxformat.wechat import mathjax

    monkeypatch.setattr(mathjax, "TIMEOUT", 30.0)  # not stopped for time on a busy machine
    result = convert_text("$$" + "+".join(["x"] * 1900) + "$$")  # under the length cap
    assert [w.rule for w in result.warnings] == ["W5"]
    assert "KB" in result.warnings[0].message
    assert len(result.fragment) < 100_000


def test_a_formula_stopped_for_time_is_not_cached_as_broken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wxformat.cache import MemoryCache
    from wxformat.wechat import mathjax

    store = MemoryCache()  # one cache for both conversions, as the disk's would be
    tex = "\\sum_{k=1}^{n} k^{2} = \\frac{n(n+1)(2n+1)}{6} + 0 \\cdot t_{stopped}"
    monkeypatch.setattr(mathjax, "TIMEOUT", 0.000001)  # as a very busy machine would
    with pytest.raises(wmath.MathError, match="stopped"):
        wmath.drawing(tex, True, store)
    monkeypatch.setattr(mathjax, "TIMEOUT", 1.0)
    assert wmath.drawing(tex, True, store).width > 0


def test_easy_rl_chapter_4_converts_under_1_mb(tmp_path: Path) -> None:
    source = CORPUS / "easy-rl__chapter4.md"
    if not source.exists():
        pytest.skip(f"needs the shared corpus at {CORPUS} (../shared from the checkout)")
    out = tmp_path / "ch4.html"
    env = {**os.environ, "WXFORMAT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "wxformat", "convert", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size < 1024 * 1024, out.stat().st_size
    assert "WeChat takes at most 1 MB" not in done.stderr


def test_a_colour_cannot_smuggle_attributes_into_the_drawing() -> None:
    from wxformat.cache import MemoryCache

    drawn = wmath.drawing('\\color{red" onmouseover="alert(1)}{x}', False, MemoryCache())
    (path,) = BeautifulSoup(drawn.body, "html.parser").find_all("path")
    assert set(path.attrs) == {"fill", "d"}
    assert path["fill"] == 'red" onmouseover="alert(1)'  # one value, however odd
