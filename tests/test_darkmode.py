"""WeChat's dark mode (W21, W23): our port of mp-darkmode's colour rules, checked against the
real algorithm; every theme readable in light and dark mode, measured by the team's audit
(../shared/tools/dark_audit.py, which runs mp-darkmode 1.2.1 in Chromium)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.browser import chromium
from tests.conftest import SHARED, convert_text, needs_shared
from wxformat.article import read_article
from wxformat.faces.preview import PreviewServer
from wxformat.faces.runner import Options, convert_article
from wxformat.faces.themes_cli import SAMPLE, all_themes
from wxformat.wechat.darkmode import (
    contrast,
    css,
    dark_background,
    dark_text,
    darken,
    parse_color,
)

AUDIT = SHARED / "tools" / "dark_audit.py"
NEEDS_AUDIT = needs_shared(
    "tools/dark_audit.py", "comparing with WeChat's real dark-mode algorithm (mp-darkmode)"
)
THEMES = [t.name for t in all_themes()]


def c(value: str) -> tuple[float, float, float, float]:
    color = parse_color(value)
    assert color is not None
    return color


# --- the port's rules, one fact each ---------------------------------------------------------


def test_white_and_greys_invert_and_body_text_becomes_the_readers_grey() -> None:
    assert css(dark_background(c("#ffffff"))) == "#191919"
    assert css(dark_background(c("#f6f6f6"))) == "#222222"
    assert css(dark_text(c("#333333"))) == "#a3a3a3"


def test_a_pale_tint_is_only_dimmed_to_a_light_slab_but_a_translucent_tint_stays_a_tint() -> None:
    slab = dark_background(c("#f6f8fa"))
    assert contrast(slab, c("#191919")) > 8  # a light-grey box on the dark page
    tint = c("rgba(100, 116, 139, 0.08)")
    assert dark_background(tint) == tint


def test_text_is_mirrored_only_below_brightness_90_and_lightness_40() -> None:
    # #57606a (brightness 94) is left as it is, 2.75:1 on the dark page; #535b65 is lightened
    assert css(dark_text(c("#57606a"))) == "#57606a"
    assert contrast(dark_text(c("#535b65")), c("#191919")) >= 4.5


# --- every theme, light and dark ---------------------------------------------------------------


def gallery_html(theme: str) -> str:
    return convert_article(read_article(SAMPLE), Options(theme=theme)).fragment


def test_every_theme_passes_our_own_contrast_check() -> None:
    """W23 (the port) finds nothing in any built-in theme or code theme."""
    from wxformat.themes import CODE_THEMES

    article = read_article(SAMPLE)
    for theme in THEMES:
        result = convert_article(article, Options(theme=theme))
        assert not [w for w in result.warnings if w.rule == "W23"], (theme, result.warnings)
    for code_theme in CODE_THEMES:
        result = convert_article(article, Options(code_theme=code_theme, line_numbers=True))
        assert not [w for w in result.warnings if w.rule == "W23"], (code_theme, result.warnings)


def _measured_as_audited(page: Any, audit: ModuleType, fragment: str, dark: bool) -> Any:
    """The audit's own measurement of fragment in its WeChat stand-in, after WeChat's real
    dark-mode algorithm when dark."""
    page.set_content(
        audit.PAGE.format(
            bg="#191919" if dark else "#ffffff",
            fg="#a3a3a3" if dark else "rgba(0,0,0,0.9)",
            frag=fragment,
        )
    )
    if dark:
        page.add_script_tag(content=audit.DARKMODE_JS)
        page.evaluate(
            "() => Darkmode.run(document.getElementById('js_content')"
            ".querySelectorAll('*'), {mode: 'dark', cssSelectorsPrefix: '#js_content'})"
        )
    return page.evaluate(audit.MEASURE)


def _audit_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dark_audit", AUDIT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COLLECT = r"""() => [...document.getElementById('js_content').querySelectorAll('*')].map(e => {
  const s = getComputedStyle(e);
  return [e.tagName, s.color, s.backgroundColor, s.borderLeftColor, s.borderBottomColor,
          s.borderTopColor, (e.textContent || '').trim().slice(0, 16)];
})"""


def _rgba(value: str) -> list[float]:
    parts = [float(x) for x in re.findall(r"[\d.]+", value)]
    return [*parts, 1.0] if len(parts) == 3 else parts


# a writer's own colours, as raw HTML brings them: names, hsl, rgba, tints, a dark card,
# table bgcolor, <font color>, a gradient, text-shadow, borders
WRITERS_HTML = (
    '<section style="color:#333;font-size:16px">'
    '<p style="color:red">red <span style="color:navy">navy</span> '
    '<font color="#999999">font grey</font></p>'
    '<p style="background-color:#fff8e1;color:#5d4037">amber <strong style="color:#e65100">'
    "orange</strong></p>"
    '<p style="background:#e3f2fd">blue tint, no colour <em>em</em></p>'
    '<p style="background-color:rgba(255,0,0,0.1);color:hsl(210, 50%, 40%)">rgba, hsl</p>'
    '<section style="background-color:#263238;color:#eceff1;padding:8px"><p>dark card '
    '<span style="color:#80cbc4">teal</span> <span style="color:#37474f">too dark</span>'
    "</p></section>"
    '<table><tr><td bgcolor="#fafafa">bgcolor</td><td style="border:1px solid #ccc;'
    'background-color:white;color:black">white cell</td></tr></table>'
    '<p style="background-image:linear-gradient(90deg,#fce4ec,#f3e5f5);color:#4a148c">'
    "gradient</p>"
    '<p style="text-shadow:0 0 2px #000000;color:#777777">shadow</p>'
    '<p><span style="color:rgba(0,0,0,0.5)">half black</span></p>'
    '<blockquote style="border-left:3px solid #1976d2;background:#f5f5f5;color:#616161">'
    'grey quote <code style="background-color:#eeeeee;color:#d81b60">code</code></blockquote>'
    "</section>"
)


@pytest.mark.browser
@pytest.mark.slow
@NEEDS_AUDIT
def test_the_port_and_the_real_algorithm_agree_on_every_element() -> None:
    """The gallery article in every theme, and a writer's raw-HTML colours: mp-darkmode run in
    Chromium, and our darken() of the same HTML, give every element the same text,
    background and border colours."""
    audit = _audit_module()
    mismatches: list[Any] = []
    samples = [(theme, gallery_html(theme)) for theme in THEMES] + [("writer", WRITERS_HTML)]
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 667})
        for name, fragment in samples:
            page.set_content(audit.PAGE.format(bg="#191919", fg="#a3a3a3", frag=fragment))
            page.add_script_tag(content=audit.DARKMODE_JS)
            page.evaluate(
                "() => Darkmode.run(document.getElementById('js_content')"
                ".querySelectorAll('*'), {mode: 'dark', cssSelectorsPrefix: '#js_content'})"
            )
            real = page.evaluate(COLLECT)
            soup = BeautifulSoup(fragment, "lxml")
            root = soup.find("section")
            assert root is not None
            darken(root)
            page.set_content(audit.PAGE.format(bg="#191919", fg="#a3a3a3", frag=str(root)))
            ours = page.evaluate(COLLECT)
            assert len(real) == len(ours) > (20 if name == "writer" else 300)
            for theirs, mine in zip(real, ours, strict=True):
                for k, what in enumerate(("color", "background", "border"), start=1):
                    a, b = _rgba(theirs[k]), _rgba(mine[k])
                    off = max(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True))
                    if off > 2 or abs(a[3] - b[3]) > 0.02:
                        mismatches.append((name, theirs[0], what, theirs[k], mine[k], theirs[6]))
    assert not mismatches, mismatches[:10]


@pytest.mark.browser
@pytest.mark.slow
@NEEDS_AUDIT
def test_the_audit_finds_no_text_or_marker_below_3_to_1_in_any_theme(tmp_path: Path) -> None:
    """../shared/tools/dark_audit.py on the gallery article in every theme, light and dark."""
    files = []
    for theme in THEMES:
        html_file = tmp_path / f"{theme}.html"
        html_file.write_text(f"<body>{gallery_html(theme)}</body>", encoding="utf-8")
        files.append(html_file)
    run = subprocess.run(
        [sys.executable, str(AUDIT), *map(str, files), "-v"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert "below 3:1: light 0.0%, dark 0.0%" in summary, run.stdout + run.stderr
    # Each flagged mark must be one of the three window dots of the code block that sits in
    # a list item (10x10 coloured boxes): the audit counts every small box inside a <li> as
    # a list marker, but those dots are decoration. Our bullets and numbers are SVG.
    counts = [int(n) for n in re.findall(r"marks below 3:1: (\d+)", run.stdout)]
    assert len(counts) == 2 * len(THEMES), run.stdout
    assert all(n <= 3 for n in counts), run.stdout
    for mark in re.findall(r"mark (\{.*\})", run.stdout):
        assert '"kind": "box span", ' in mark and '"w": 10, "h": 10' in mark, mark
    # and per run, not only the rounded share: nothing below 3:1, from the audit's own measure
    audit = _audit_module()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 667})
        for theme in THEMES:
            fragment = gallery_html(theme)
            for dark in (False, True):
                result = _measured_as_audited(page, audit, fragment, dark)
                low = [t for t in result["text"] if t["cr"] < 3.0]
                assert not low, (theme, dark, low[:5])
                svg_marks = [m for m in result["marks"] if m["kind"] == "svg" and m["cr"] < 3.0]
                assert not svg_marks, (theme, dark, svg_marks[:5])


def test_check_reports_a_pale_tinted_quote_in_dark_mode_with_its_line() -> None:
    text = (
        "# 标题\n\n第一段。\n\n"
        '<blockquote style="background-color:#fdf6e3;color:#333333">淡黄底的引用，深色的字。</blockquote>\n'
    )
    warnings = [w for w in convert_text(text).warnings if w.rule == "W23"]
    assert warnings, "no W23"
    assert warnings[0].line == 5
    assert "#fdf6e3" in warnings[0].message and "slab" in warnings[0].message
    assert warnings[0].hint and "rgba(" in warnings[0].hint


def test_a_writers_colour_that_fails_is_warned_not_changed() -> None:
    text = '正文。\n\n<p><span style="color:#9ca3af">浅灰色的说明</span></p>\n'
    result = convert_text(text)
    assert "color:#9ca3af" in result.fragment  # kept as written
    warning = next(w for w in result.warnings if w.rule == "W23")
    assert warning.line == 3 and "light mode" in warning.message and warning.hint
    pale = convert_text("正文。\n\n- 一项\n- 两项\n", variables={"primary-color": "#ffd54f"})
    assert any(w.rule == "W23" and "list marker" in w.message for w in pale.warnings)


@pytest.mark.browser
@pytest.mark.slow
@NEEDS_AUDIT
def test_the_previews_dark_toggle_shows_what_wechats_algorithm_shows(tmp_path: Path) -> None:
    """The preview's dark view, element by element, against mp-darkmode run on the same
    light-mode HTML in a WeChat-like reading view (what the audit's --shots show)."""
    article = tmp_path / "post.md"
    article.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    server = PreviewServer(article, Options(theme="sakura"), port=0)
    server.start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    audit = _audit_module()
    collect = COLLECT.replace("getElementById('js_content')", "getElementById(ROOT)")
    try:
        with chromium() as browser:
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.goto(server.url)
            tab.wait_for_selector("#article section")
            light_colour = tab.eval_on_selector("#article section", "e => e.style.color")
            fragment = tab.eval_on_selector("#article", "e => e.innerHTML")  # as shown, light
            tab.check("#dark")
            tab.wait_for_function(
                "c => document.querySelector('#article section').style.color !== c",
                arg=light_colour,
            )
            shown = tab.evaluate(collect.replace("ROOT", "'article'"))
            tab.set_content(audit.PAGE.format(bg="#191919", fg="#a3a3a3", frag=fragment))
            tab.add_script_tag(content=audit.DARKMODE_JS)
            tab.evaluate(
                "() => Darkmode.run(document.getElementById('js_content')"
                ".querySelectorAll('*'), {mode: 'dark', cssSelectorsPrefix: '#js_content'})"
            )
            real = tab.evaluate(collect.replace("ROOT", "'js_content'"))
    finally:
        server.stop()
    assert len(shown) == len(real) > 300
    for ours, theirs in zip(shown, real, strict=True):
        for k in (1, 2):
            a, b = _rgba(ours[k]), _rgba(theirs[k])
            assert max(abs(x - y) for x, y in zip(a[:3], b[:3], strict=True)) <= 2, (ours, theirs)


@pytest.mark.browser
@pytest.mark.slow
def test_the_gallery_shows_each_theme_dark_beside_light(tmp_path: Path) -> None:
    from PIL import Image

    from wxformat.faces.themes_cli import build_gallery
    from wxformat.pipeline import darken_fragment

    entries = build_gallery(tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for entry in entries:
        name = entry.theme.name
        assert entry.dark_png == f"{name}.dark.png" and f'src="{name}.dark.png"' in index
        with Image.open(tmp_path / f"{name}.dark.png") as shot:
            assert shot.convert("RGB").getpixel((4, 4)) == (25, 25, 25)  # WeChat's dark page
        dark_page = (tmp_path / f"{name}.dark.html").read_text(encoding="utf-8")
        assert darken_fragment(gallery_html(name)) in dark_page


@pytest.mark.browser
@pytest.mark.slow
@NEEDS_AUDIT
def test_checks_colours_are_the_ones_the_audit_measures() -> None:
    """What W23 measures (contrast_runs: each text run's colour and the background behind
    it, light and dark) against the audit's own measure in Chromium with mp-darkmode."""
    from wxformat.wechat.darkmode import contrast_runs, over

    audit = _audit_module()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 667})
        for theme in ("default", "ocean", "terminal", "sakura"):
            fragment = gallery_html(theme)
            root = BeautifulSoup(fragment, "lxml").find("section")
            assert root is not None
            runs = [r for r in contrast_runs(root) if not r.mark]
            for dark in (False, True):
                measured = _measured_as_audited(page, audit, fragment, dark)["text"]
                mine = iter(runs)
                compared = 0
                for seen in measured:
                    run = next(r for r in mine if r.text[:16] == seen["sample"])
                    fg, bg = (run.dark_fg, run.dark_bg) if dark else (run.light_fg, run.light_bg)
                    ours = [round(v) for v in over(fg, bg)[:3]] + [round(v) for v in bg[:3]]
                    theirs = [int(v) for v in (seen["fg"] + "," + seen["bg"]).split(",")]
                    assert max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) <= 2, (
                        theme, dark, seen, css(fg), css(bg),
                    )  # fmt: skip
                    compared += 1
                assert compared > 100


def test_a_pale_code_theme_keeps_its_cream_in_light_and_is_a_dark_tint_in_dark() -> None:
    from wxformat.cache import MemoryCache
    from wxformat.wechat.code import block_colors
    from wxformat.wechat.darkmode import DARK_PAGE, LIGHT_PAGE, over

    for theme, cream in (("gruvbox-light", "#fbf1c7"), ("solarized-light", "#fdf6e3")):
        background = c(block_colors(theme, MemoryCache())[0])
        light = over(background, LIGHT_PAGE)
        assert max(abs(a - b) for a, b in zip(light[:3], c(cream)[:3], strict=True)) <= 2
        assert contrast(over(dark_background(background), DARK_PAGE), DARK_PAGE) < 2  # dark
