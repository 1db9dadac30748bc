"""Every theme passes the same suite: WeChat rules hold, every sample renders, text is legible."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, CliRun, convert_text, soup_of
from tests.wechat_checks import low_contrast_text, wechat_problems
from wxformat.article import read_article
from wxformat.faces.runner import Options, convert_article
from wxformat.faces.themes_cli import SAMPLE
from wxformat.inline import rules_for
from wxformat.themes import builtin_names, load_theme

THEMES = builtin_names()
SAMPLES = [*sorted(ARTICLES.glob("*.md")), SAMPLE]


def test_there_are_at_least_ten_themes_with_both_languages() -> None:
    assert len(THEMES) >= 10
    for name in THEMES:
        theme = load_theme(name)
        assert theme.title and theme.title_zh and theme.description and theme.description_zh
        assert all(ord(c) < 128 for c in theme.description), name  # English
        assert any("\u4e00" <= c <= "\u9fff" for c in theme.description_zh), name  # Chinese


def test_themes_are_distinct_not_recolours() -> None:
    """Beyond variables, each theme brings rules of its own."""
    base = load_theme("default").css
    bodies = {name: load_theme(name).css.replace(base, "") for name in THEMES if name != "default"}
    for name, own in bodies.items():
        assert own.count("{") >= 4, f"{name} only recolours"
    assert len(set(bodies.values())) == len(bodies)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name + "/" + p.stem)
def test_theme_renders_sample_within_wechat_rules_and_legibly(theme: str, sample: Path) -> None:
    article = read_article(sample)
    fragment = convert_article(article, Options(theme=theme)).fragment
    assert wechat_problems(fragment) == []
    assert low_contrast_text(fragment) == []


def test_user_theme_folder_extends_a_builtin(tmp_path: Path, cli: Callable[..., CliRun]) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "theme.toml").write_text(
        'name = "mine"\nextends = "default"\ndescription = "x"\n[variables]\nprimary-color = "#aa3300"\n',
        encoding="utf-8",
    )
    (mine / "style.css").write_text("h2 { letter-spacing: 0.3em; }\n", encoding="utf-8")
    post = tmp_path / "p.md"
    post.write_text("## Hello\n", encoding="utf-8")
    run = cli("convert", str(post), "--fragment", "--theme", str(mine))
    assert run.code == 0, run.err
    assert "letter-spacing:0.3em" in run.out and "#aa3300" in run.out
    (tmp_path / "wxformat.toml").write_text('theme = "mine"\n', encoding="utf-8")
    assert "letter-spacing:0.3em" in cli("convert", str(post), "--fragment").out


def _theme(folder: Path, css: str) -> Path:
    folder.mkdir()
    (folder / "theme.toml").write_text(
        'name = "t"\nextends = "default"\ndescription = "x"\n', encoding="utf-8"
    )
    (folder / "style.css").write_text(css, encoding="utf-8")
    return folder


def test_theme_cascade_is_the_browsers(tmp_path: Path) -> None:
    """premailer applies the structural pseudo-classes a browser does, and orders rules by
    specificity, then by place, whatever order the theme writes them in."""
    theme = _theme(
        tmp_path / "t",
        "blockquote p:first-child { color: #cc0000 }\n"
        ".wx-article blockquote p { color: #0000cc; font-size: 15px }\n"
        "blockquote p { font-size: 17px; letter-spacing: 1px }\n",
    )
    soup = soup_of("> one\n>\n> two\n", theme=str(theme))
    first, second = soup.find_all("p")
    # (0,1,2) beats (0,0,3): the first paragraph is blue like the second, not red
    assert "color:#0000cc" in first["style"] and "color:#0000cc" in second["style"]
    assert "font-size:15px" in first["style"] and "letter-spacing:1px" in first["style"]
    theme2 = _theme(tmp_path / "t2", "blockquote p:first-child { color: #cc0000 }\n")
    first, second = soup_of("> one\n>\n> two\n", theme=str(theme2)).find_all("p")
    assert "color:#cc0000" in first["style"] and "#cc0000" not in second["style"]


def test_alike_elements_get_the_rules_of_where_they_stand(tmp_path: Path) -> None:
    """Elements alike in name and attributes get each their own context's rules, and rules
    that look at siblings still tell siblings apart (premailer is then given them all)."""
    theme = _theme(tmp_path / "t", "blockquote em { color: #cc0000 }\n")
    ems = soup_of("*a* *b*\n\n> *c* *d*\n", theme=str(theme)).find_all("em")
    assert ["#cc0000" in str(em.get("style")) for em in ems] == [False, False, True, True]
    siblings = _theme(tmp_path / "t2", "p + p { text-indent: 2em }\nli ~ li { color: #0000cc }\n")
    soup = soup_of("one\n\ntwo\n\nthree\n\n- x\n- y\n- z\n", theme=str(siblings))
    indented = ["text-indent:2em" in str(p.get("style")) for p in soup.find_all("p")][:3]
    assert indented == [False, True, True]
    blue = ["#0000cc" in str(li.get("style")) for li in soup.find_all("li")]
    assert blue == [False, True, True]


def test_rules_wechat_cannot_keep_are_dropped_and_nothing_is_fetched(tmp_path: Path) -> None:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"p { color: #123456 }")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        theme = _theme(
            tmp_path / "t",
            f'@import url("http://127.0.0.1:{port}/more.css");\n'
            "@media (max-width: 400px) { p { color: #654321 } }\n"
            '@font-face { font-family: "X"; src: url(x.woff) }\n'
            'p::before { content: "x"; color: #abcdef }\n'
            "p { text-indent: 2em }\n",
        )
        fragment = convert_text("one\n", theme=str(theme)).fragment
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    assert "text-indent:2em" in fragment
    for gone in ("#123456", "#654321", "#abcdef", "content", "@"):
        assert gone not in fragment


def test_only_rules_that_can_match_are_given_to_premailer() -> None:
    css = "\n".join(
        [
            ".a p { color: red; }",
            ".b { color: red; }",  # no element has class b
            "em.a { color: red; }",  # no <em>
            "p:first-child { color: red; }",
            "a[href] { color: red; }",
            "* { color: red; }",
            "h1, .c { color: red; }",  # h1 can match
            ".x > .a.c { color: red; }",  # needs c too
            ":is(.b) p { color: red; }",
        ]
    )
    kept = rules_for(css, {"p", "h1", "section"}, {"a"}).splitlines()
    assert kept == [
        ".a p { color: red; }",
        "p:first-child { color: red; }",
        "a[href] { color: red; }",
        "* { color: red; }",
        "h1, .c { color: red; }",
        ":is(.b) p { color: red; }",
    ]


def test_themes_command_lists_every_theme(cli: Callable[..., CliRun]) -> None:
    run = cli("themes")
    assert run.code == 0
    for name in THEMES:
        assert name in run.out
    assert "学术绿" in run.out and "Academic" in run.out
    assert "monokai" in cli("themes", "--code").out


@pytest.mark.browser
def test_gallery_renders_every_theme_with_screenshots(
    tmp_path: Path, cli: Callable[..., CliRun]
) -> None:
    run = cli("themes", "--gallery", str(tmp_path / "g"))
    assert run.code == 0, run.err
    # half a minute of work is announced before it starts, then summed up
    first, last = run.err.strip().splitlines()
    assert first.startswith(f"rendering {len(THEMES)} themes into {tmp_path / 'g'}, with")
    n = len(THEMES)
    assert last == (
        f"wrote {tmp_path / 'g' / 'index.html'}: {n} themes, {2 * n} screenshots "
        "(light, and dark as WeChat draws it)"
    )
    index = (tmp_path / "g" / "index.html").read_text(encoding="utf-8")
    for name in THEMES:
        assert (tmp_path / "g" / f"{name}.html").is_file()
        png = tmp_path / "g" / f"{name}.png"
        assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 30_000
        assert f"{name}.png" in index
