"""`wxformat check`: one test per rule it reports, exit codes, output formats, locations."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, CliRun, ConvertedCorpus
from tests.test_wechat_rules import OPAQUE_PNG

# a 2x2 PNG, transparent but for black ink: gone on WeChat's dark page
DARK_INK_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEUlEQVR4nGNgYGD4z4AE/gMADwMB/5OV1yAAAAAASUVORK5CYII="
# transparent but for white ink: fine on the dark page, so no dark-mode warning
LIGHT_INK_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEElEQVR4nGP4////fwZkAAA91AP9YnzYdAAAAABJRU5ErkJggg=="

Cli = Callable[..., CliRun]


def html_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        f"<!DOCTYPE html><html><head></head><body>{body}</body></html>", encoding="utf-8"
    )
    return path


def rules(run: CliRun) -> list[str]:
    return [p["rule"] for p in json.loads(run.out)["problems"]]


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("<style>p{color:red}</style><section><p>x</p></section>", "W1"),
        ('<section><p><input type="checkbox"> task</p></section>', "W2"),
        ('<section><iframe src="https://www.youtube.com/embed/x"></iframe></section>', "W2"),
        ('<section><svg><use href="#glyph"></use></svg></section>', "W6"),
        ('<section><p style="color:var(--brand)">x</p></section>', "W8"),
        ('<section><p style="position:absolute;top:0">x</p></section>', "W9"),
        ("<section><pre>def f():\n    return 1</pre></section>", "W14"),
        ('<section><p><a href="https://example.com">site</a></p></section>', "W18"),
        ('<section><p><a href="#note">note</a></p></section>', "W18"),
        ('<section><img src="pics/a.png"></section>', "W19"),
        ('<section><img src="file:///home/me/a.png"></section>', "W19"),
        ('<section><img src="https://raw.githubusercontent.com/u/r/main/a.png"></section>', "W19"),
        (f'<section><img src="data:image/png;base64,{DARK_INK_PNG}"></section>', "W21"),
        ('<section><svg fill="#000000"><path d="M0 0h1v1z"></path></svg></section>', "W21"),
        ('<section><p style="background-image:linear-gradient(#fff,#000)">x</p></section>', "W21"),
        ("<section><p>" + "字" * 20_001 + "</p></section>", "W22"),
        (
            f'<section><img src="data:image/png;base64,{OPAQUE_PNG + "A" * 1_500_000}"></section>',
            "W22",
        ),
    ],
)
def test_each_rule_is_reported_for_html(tmp_path: Path, cli: Cli, body: str, rule: str) -> None:
    run = cli("check", str(html_file(tmp_path, body)), "--format", "json")
    assert run.code == 1, run.out + run.err
    assert rule in rules(run)
    problem = next(p for p in json.loads(run.out)["problems"] if p["rule"] == rule)
    assert problem["message"] and problem["hint"]


def test_only_transparent_images_with_dark_ink_get_the_dark_mode_warning(
    tmp_path: Path, cli: Cli
) -> None:
    dark = cli(
        "check",
        str(
            html_file(
                tmp_path,
                f'<section><img alt="logo" src="data:image/png;base64,{DARK_INK_PNG}"></section>',
            )
        ),
        "--format",
        "json",
    )
    problem = next(p for p in json.loads(dark.out)["problems"] if p["rule"] == "W21")
    assert "dark ink (100%" in problem["message"]
    light = cli(
        "check",
        str(
            html_file(
                tmp_path,
                f'<section><img alt="logo" src="data:image/png;base64,{LIGHT_INK_PNG}"></section>',
            )
        ),
        "--format",
        "json",
    )
    assert "W21" not in rules(light)


def test_an_oversized_embedded_image_is_reported(tmp_path: Path, cli: Cli) -> None:
    big = base64.b64encode(base64.b64decode(OPAQUE_PNG) + b"\0" * 1_100_000).decode()
    run = cli(
        "check",
        str(html_file(tmp_path, f'<section><img src="data:image/png;base64,{big}"></section>')),
        "--format",
        "json",
    )
    assert "W20" in rules(run)


def test_clean_html_and_clean_article_exit_0(tmp_path: Path, cli: Cli) -> None:
    good = html_file(
        tmp_path,
        '<section style="color:#333"><p>Hello <a href="https://mp.weixin.qq.com/s/x">往期</a></p></section>',
    )
    run = cli("check", str(good))
    assert run.code == 0 and "no problems" in run.out
    assert cli("check", str(ARTICLES / "welcome.md")).code == 0


def test_article_problems_carry_their_markdown_line(tmp_path: Path, cli: Cli) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "---\ntitle: t\n---\n# T\n\ntext\n\n![diagram](missing/pic.png)\n\nbad $\\frac{1}{$ formula\n\n"
        "- one\n  - two\n    - three\n",
        encoding="utf-8",
    )
    run = cli("check", str(post))
    assert run.code == 1
    assert f"{post}:8: W19" in run.out
    assert f"{post}:10: W5" in run.out
    assert f"{post}:14: W17" in run.out
    assert run.out.strip().endswith("3 problems")


def test_a_deep_list_with_its_own_sublist_is_located_by_its_marker(
    tmp_path: Path, cli: Cli
) -> None:
    """An item three deep that has a sublist of its own: its text with the sublist's is not
    in the source, and its first letter alone matched an image name two lines up."""
    post = tmp_path / "post.md"
    post.write_text(
        "# T\n\n![图](missing/pic.png)\n\n- a\n  - b\n    - c\n      - d\n", encoding="utf-8"
    )
    run = cli("check", str(post))
    assert f"{post}:7: W17" in run.out, run.out


def test_json_format(tmp_path: Path, cli: Cli) -> None:
    post = tmp_path / "post.md"
    post.write_text("![x](nope.png)\n", encoding="utf-8")
    data = json.loads(cli("check", str(post), "--format", "json").out)
    assert data["clean"] is False and data["file"] == str(post)
    assert data["problems"][0] == {
        "rule": "W19",
        "message": "image nope.png was not found next to the article: WeChat cannot fetch it",
        "hint": "check the path, or put the image online (https://...)",
        "line": 1,
        "element": None,
    }


def test_many_formulas_are_reported(tmp_path: Path, cli: Cli) -> None:
    post = tmp_path / "post.md"
    # one formula 320 times: the count is what W22 is about, not 320 different drawings
    post.write_text(" ".join("$x_{1}$" for _ in range(320)), encoding="utf-8")
    run = cli("check", str(post), "--format", "json")
    assert "W22" in rules(run)


def test_usage_errors_exit_2(tmp_path: Path, cli: Cli) -> None:
    assert cli("check").code == 2
    assert cli("check", str(tmp_path / "missing.md")).code == 2
    assert cli("check", str(tmp_path / "x.md"), "--format", "xml").code == 2
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04")
    run = cli("check", str(other))
    assert run.code == 2 and "neither Markdown nor HTML" in run.err


def test_convert_shows_the_same_warnings_as_check(tmp_path: Path, cli: Cli) -> None:
    post = tmp_path / "post.md"
    post.write_text("![x](nope.png)\n\n- a\n  - b\n    - c\n", encoding="utf-8")
    convert_warnings = [
        line.removeprefix("warning: ")
        for line in cli("convert", str(post), "-o", str(tmp_path / "o.html")).err.splitlines()
        if line.startswith("warning:")
    ]
    checked = cli("check", str(post)).out.splitlines()[:-1]
    assert len(convert_warnings) == len(checked) == 2
    for warning, problem in zip(convert_warnings, checked, strict=True):
        assert warning.split(" ", 1)[0] in problem  # same rule
        assert warning.split(": ", 1)[1].split(" (hint")[0] in problem  # same message


DOCUMENTED = (
    "was not found next to the article",  # W19: the corpus ships without its image files
    "diagram is shown as its source code",  # W1: mermaid/plantuml need exporting as images
    "characters of text; WeChat takes at most",  # W22: true of the longest articles
    "formulas: pastes with hundreds",  # W22
    "the HTML is",  # W22: formula-heavy articles exceed 1 MB of SVG
    "Chinese inside a formula group",  # W5: hello-algo annotates aligned derivations in Chinese
    "template tag `{{ }}` is printed as text",  # M2: LeetCode-Go's Hugo shortcode {{< katex >}}
)


@pytest.mark.slow  # the session's corpus conversion, when this test comes first
def test_samples_and_corpus_check_clean_or_with_documented_warnings(
    corpus: ConvertedCorpus,
) -> None:
    from wxformat.faces.check import check_converted, check_file
    from wxformat.faces.runner import Options

    assert check_file(ARTICLES / "welcome.md", Options()).clean
    math = check_file(ARTICLES / "math.md", Options())
    assert [p.rule for p in math.problems] == ["W5"]  # the sample's deliberate broken formula
    assert len(corpus.articles) >= 10
    for path, article, result in corpus.articles:
        report = check_converted(str(path), article, result)
        for problem in report.problems:
            assert any(text in problem.message for text in DOCUMENTED), f"{path.name}: {problem}"


KATEX = (
    '<p>式 <span class="katex"><span class="katex-mathml"><math><semantics><mi>x</mi>'
    '<annotation encoding="application/x-tex">x</annotation></semantics></math></span>'
    '<span class="katex-html" aria-hidden="true">x</span></span></p>'
)
DEEP_LIST = "<ul><li>1<ul><li>2<ul><li>3<ul><li>4</li></ul></li></ul></li></ul></li></ul>"


def test_html_from_other_tools_is_read_as_carefully_as_our_own(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "pic.png").write_bytes((ARTICLES / "assets" / "qrcode.png").read_bytes())
    raw = "https://raw.githubusercontent.com/u/r/main/a.png"
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>'
        '<style>p{color:red}</style><link rel="icon" href="i.png"></head><body>'
        f'{KATEX}{DEEP_LIST}<p><img src="{raw}"></p><p><img src="pic.png"></p></body></html>',
        encoding="utf-8",
    )
    run = cli("check", str(page), "--format", "json")
    assert run.code == 1, run.err
    problems = json.loads(run.out)["problems"]
    by_rule: dict[str, list[dict[str, str]]] = {}
    for p in problems:
        by_rule.setdefault(p["rule"], []).append(p)
    assert "<head>" in by_rule["W1"][0]["message"] and len(by_rule["W1"]) == 1  # not the icon
    assert "MathML" in by_rule["W5"][0]["message"]
    assert "two levels" in by_rule["W17"][0]["message"]
    # the failing host once, not twice; the local picture told it is already local
    assert sum(raw in p["message"] for p in problems) == 1
    local = next(p for p in by_rule["W19"] if "pic.png" in p["message"])
    assert "local file" not in local["hint"] and "file on this computer" in local["hint"]
    missing = cli(
        "check", str(html_file(tmp_path, '<p><img src="gone.png"></p>')), "--format", "json"
    )
    hint = next(p for p in json.loads(missing.out)["problems"] if p["rule"] == "W19")["hint"]
    assert "https" in hint and "use a local file" not in hint
