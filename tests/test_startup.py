"""What a cold `wxformat convert` loads, and that what it defers still works when used.

Timings belong to the benchmark (bench/run.py); these check the mechanisms behind them,
in fresh processes, since the test process itself has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ARTICLES, run_process
from wxformat import cache
from wxformat.inline import _CSS_FORMAT, keepable_rules, prepared_css
from wxformat.wechat.code import _HIGHLIGHTER, block_colors

# what only an option or another command needs: never on the cold convert path
OPTIONAL = ["pangu", "mcp", "playwright", "httpx"]
PROBE = (
    f"OPTIONAL = {OPTIONAL!r}\n"
    + """
import json, sys
sys.argv = ["wxformat", *sys.argv[1:]]
from wxformat.faces.cli import cli, deferred
try:
    cli.main(standalone_mode=False)
finally:
    names = [*deferred.DEFERRED, "pygments.lexer", "tinycss2", "premailer", "cssutils", *OPTIONAL]
    # a stand-in, or never imported (chardet need not be installed), is "not loaded"
    loaded = {
        name: "loaded" if type(sys.modules.get(name)).__name__ == "module" else "not loaded"
        for name in names
    }
    print(json.dumps(loaded), file=sys.stderr)
"""
)


def probe(*args: str, cache: Path) -> dict[str, str]:
    env = {**os.environ, "WXFORMAT_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stderr.strip().splitlines()[-1]))


def test_cold_convert_leaves_the_deferred_modules_unloaded(tmp_path: Path) -> None:
    article = ARTICLES / "welcome.md"  # code blocks, a table, links, lists, a formula
    out = tmp_path / "out.html"
    first = probe("convert", str(article), "-o", str(out), cache=tmp_path / "cache")
    # the first run draws the formula (MathJax in V8), highlights the code and prepares the
    # theme; none of it needs these
    for name in ("soupsieve", "chardet", "urllib.request", "requests", *OPTIONAL):
        assert first[name] == "not loaded", (name, first)
    assert first["pygments.lexer"] == "loaded" and first["tinycss2"] == "loaded"
    assert first["premailer"] == "loaded"  # premailer inlines the theme
    # the second finds all three in the cache and loads none of the heavy modules
    again = probe("convert", str(article), "-o", str(out), cache=tmp_path / "cache")
    for name in ("soupsieve", "chardet", "urllib.request", "importlib.metadata", "requests"):
        assert again[name] == "not loaded", (name, again)
    assert again["pygments.lexer"] == "not loaded" and again["tinycss2"] == "not loaded"
    assert again["premailer"] == "loaded"


def test_help_does_not_import_the_inliner(tmp_path: Path) -> None:
    loaded = probe("--help", cache=tmp_path / "cache")
    for name in ("premailer", "cssutils", "tinycss2", "pygments.lexer", "requests"):
        assert loaded[name] == "not loaded", (name, loaded)


def test_deferred_modules_work_when_used(tmp_path: Path) -> None:
    script = """
import sys
from wxformat.faces import deferred
deferred.defer()
from bs4 import BeautifulSoup, UnicodeDammit
soup = BeautifulSoup('<p class="a">x</p><p>y</p>', "lxml")
assert [p.get_text() for p in soup.select("p.a")] == ["x"]
gbk = "你好，世界。这是一段用来猜编码的中文文字。".encode("gbk")
if "chardet" in sys.modules:  # installed: a stand-in that must guess like the real one
    assert UnicodeDammit(gbk).unicode_markup.startswith("你好")
from importlib.metadata import version
assert version("beautifulsoup4")
import urllib.request
assert urllib.request.pathname2url("/a b") == "/a%20b"
import requests  # premailer's, deferred: the stand-in answers as the real module
assert requests.codes.ok == 200 and type(sys.modules["requests"]).__name__ == "module"
import soupsieve.css_parser
assert type(sys.modules["soupsieve"]).__name__ == "module"
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_cached_theme_rules_and_code_give_the_same_article(tmp_path: Path) -> None:
    article = str(ARTICLES / "welcome.md")
    outputs = []
    for folder in ("off", str(tmp_path / "c"), str(tmp_path / "c")):  # none, miss, hit
        env = {**os.environ, "WXFORMAT_CACHE_DIR": folder}
        done = run_process("convert", article, "--fragment", env=env)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert 'style="' in outputs[0] and "<pre" in outputs[0]


def test_the_cached_theme_is_the_prepared_theme() -> None:
    css = ":root { --c: red }\np { color: var(--c) } /* note */ @media print { p { color: blue } }"
    overrides = (("c", "#010203"),)
    store = cache.MemoryCache()
    assert prepared_css(css, overrides, store) == keepable_rules("p { color: #010203 }")
    assert store.get(cache.key(_CSS_FORMAT, css, repr(overrides))) == "p { color: #010203 }"


def test_a_corrupt_cached_code_colour_is_computed_again() -> None:
    store = cache.MemoryCache()
    store.put(cache.key(_HIGHLIGHTER, "colors", "default"), "no separator")
    assert block_colors("github", store) == ("#f8f8f8", "#24292e")


def test_a_warm_re_render_parses_no_css_again() -> None:
    """What preview does on save: premailer's caches must hold the whole theme."""
    script = """
import cssutils
from pathlib import Path
from wxformat.article import read_article
from wxformat.faces.runner import convert_article
article = read_article(Path(ARTICLE))
first = convert_article(article).fragment
calls = []
for name in ("parseString", "parseStyle"):
    real = getattr(cssutils, name)
    def counted(*args, real=real, name=name, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)
    setattr(cssutils, name, counted)
assert convert_article(article).fragment == first
print(len(calls))
""".replace("ARTICLE", repr(str(ARTICLES / "welcome.md")))
    env = {k: v for k, v in os.environ.items() if k != "PREMAILER_CACHE_MAXSIZE"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
    # a cache too small to hold the theme, for contrast: the same re-render parses again
    env["PREMAILER_CACHE_MAXSIZE"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert int(done.stdout.strip()) > 0
