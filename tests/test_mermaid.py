"""Mermaid fences as pictures: `wxformat setup mermaid` for real (npm installs the real
Mermaid into a cache folder of the test's own), then conversions drawn in headless Chromium.

Needs Node.js with npm, Chromium, and the npm registry (.ci/run installs what is missing).
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageStat

from tests.browser import chromium
from wxformat.article import parse_article
from wxformat.faces.runner import convert_article
from wxformat.pipeline import Result

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FLOW = "```mermaid\ngraph TD\n  A[写 Markdown] --> B{wxformat}\n  B -->|convert| C[粘贴到公众号]\n  B -->|publish| D[草稿箱]\n```\n"
POST = f"# 流程\n\n下面是一张图：\n\n{FLOW}\n结尾。\n"


def run_wxformat(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WXFORMAT_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "wxformat", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


@pytest.fixture(scope="module")
def mermaid_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder where `wxformat setup mermaid` has run, as a user runs it."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.fail("Node.js and npm not found: apt-get install nodejs npm")
    cache = tmp_path_factory.mktemp("mermaid-cache")
    done = run_wxformat("setup", "mermaid", cache=cache)
    assert done.returncode == 0, done.stderr
    assert "mermaid fences now convert to images" in done.stderr
    assert (cache / "mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js").is_file()
    return cache


@pytest.fixture
def in_cache(mermaid_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WXFORMAT_CACHE_DIR", str(mermaid_cache))
    return mermaid_cache


def convert_text(text: str) -> Result:
    """Convert as every command does (runner.convert_article: disk files, Mermaid renderer)."""
    return convert_article(parse_article(text, Path.cwd() / "post.md"))


def picture(img: Any) -> Image.Image:
    src = str(img["src"])
    assert src.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))


def test_without_setup_the_warning_names_the_setup_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WXFORMAT_CACHE_DIR", str(tmp_path / "empty-cache"))
    result = convert_text(POST)
    soup = BeautifulSoup(result.fragment, "html.parser")
    assert soup.find("img") is None and "graph\xa0TD" in soup.pre.get_text()
    [warning] = [w for w in result.warnings if "mermaid" in w.message]
    assert warning.rule == "W1" and warning.line == 6  # the diagram's first line
    assert "run `wxformat setup mermaid` once" in str(warning.hint)


def test_after_setup_a_mermaid_fence_converts_to_an_image(in_cache: Path) -> None:
    result = convert_text(POST)
    assert not [w for w in result.warnings if "mermaid" in w.message], result.warnings
    soup = BeautifulSoup(result.fragment, "html.parser")
    assert soup.find("pre") is None and "graph TD" not in soup.get_text()
    img = soup.find("img")
    drawing = picture(img)
    # 2x: the picture has twice the pixels of the width it is shown at, and no alpha
    shown = int(re.search(r"(?:^|;)width:(\d+)px", str(img["style"])).group(1))
    assert drawing.width == 2 * shown and 150 < shown < 677
    assert drawing.mode == "RGB" and drawing.getpixel((2, 2)) == (255, 255, 255)
    grays = drawing.convert("L").histogram()
    assert sum(1 for count in grays if count) > 20  # lines, boxes and text, not blank
    assert "max-width:100%" in img["style"].replace(" ", "")
    # cached by content: drawn again only when the source changes
    pngs = sorted((in_cache / "mermaid" / "png").glob("*.png"))
    assert len(pngs) >= 1
    assert convert_text(POST).fragment == result.fragment
    assert sorted((in_cache / "mermaid" / "png").glob("*.png")) == pngs


def test_a_cached_diagram_needs_no_browser(in_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wxformat.mermaid as mermaid

    first = convert_text(POST).fragment
    monkeypatch.setattr(mermaid, "RENDER_SCRIPT", in_cache / "no-such-script.mjs")
    assert convert_text(POST).fragment == first
    broken = convert_text(POST.replace("结尾", "改过")).fragment  # text changed, diagram not
    assert "data:image/png" in broken


def test_a_broken_diagram_stays_code_with_one_warning(in_cache: Path) -> None:
    result = convert_text("# x\n\n```mermaid\ngraph LR\n  A -->\n```\n\n" + FLOW)
    soup = BeautifulSoup(result.fragment, "html.parser")
    assert "A&nbsp;--&gt;" in result.fragment or "A\xa0-->" in soup.get_text()
    assert len(soup.find_all("img")) == 1  # the good one is still drawn
    warnings = [w for w in result.warnings if "mermaid" in w.message]
    assert len(warnings) == 1 and warnings[0].line == 4
    assert "could not be drawn" in warnings[0].message and "Parse error" in warnings[0].message
    assert "\n" not in str(warnings[0])


def test_the_diagram_reads_in_light_and_dark_mode(in_cache: Path, tmp_path: Path) -> None:
    """The page at 375px, light and with WeChat's dark background: the diagram is an opaque
    light card that fits the column either way."""
    page_html = convert_text(POST).page()
    (tmp_path / "post.html").write_text(page_html, encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 900})
        page.goto((tmp_path / "post.html").as_uri())
        for mode, background in (("light", "#ffffff"), ("dark", "#191919")):
            page.evaluate(f"document.body.style.background = '{background}'")
            box = page.locator("img").bounding_box()
            assert box is not None and box["width"] <= 375 - 32 and box["height"] > 100
            assert page.evaluate("document.querySelector('img').naturalWidth") > 0
            shot = tmp_path / f"mermaid.{mode}.png"
            page.screenshot(path=str(shot), full_page=True)
            seen = Image.open(shot).convert("L")
            card = seen.crop(
                (
                    int(box["x"]) + 4,
                    int(box["y"]) + 4,
                    int(box["x"] + box["width"]) - 4,
                    int(box["y"] + box["height"]) - 4,
                )
            )
            # mostly light whatever the page around it: the lines stay readable
            assert ImageStat.Stat(card).mean[0] > 200, mode
        page.close()


def test_upload_puts_the_diagram_on_wechat(
    in_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fake_wechat import APP_ID, APP_SECRET, FakeServer
    from wxformat.faces.runner import Options, convert_file

    post = tmp_path / "post.md"
    post.write_text(POST, encoding="utf-8")
    with FakeServer() as server:
        monkeypatch.setenv("WECHAT_API_BASE", server.url)
        monkeypatch.setenv("WECHAT_APP_ID", APP_ID)
        monkeypatch.setenv("WECHAT_APP_SECRET", APP_SECRET)
        result = convert_file(post, Options(upload=True))
        [(path, _, data)] = server.fake.uploads
    assert path.endswith("uploadimg") and data.startswith(b"\x89PNG")
    [img] = BeautifulSoup(result.fragment, "html.parser").find_all("img")
    assert img["src"].startswith("http://mmbiz.qpic.cn/")


def test_setup_says_what_is_missing_in_one_line(tmp_path: Path) -> None:
    done = run_wxformat("setup", "mermaid", "--node", str(tmp_path / "node"), cache=tmp_path)
    assert done.returncode == 1 and done.stderr.strip().splitlines()[-1] == (
        f"error: Node.js was not found at {tmp_path / 'node'} (hint: install Node.js and npm "
        "(Debian: apt-get install nodejs npm), or give --node PATH)"
    )
    done = run_wxformat("setup", "mermaid", "--chromium", str(tmp_path / "chrome"), cache=tmp_path)
    assert done.returncode == 1 and "no Chromium-family browser was found at" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "mermaid" / "setup.json").exists()


def borrowed_install(mermaid_cache: Path, folder: Path) -> Path:
    """A cache folder sharing the module's Mermaid install (no second npm run)."""
    (folder / "mermaid").mkdir(parents=True)
    (folder / "mermaid" / "node_modules").symlink_to(mermaid_cache / "mermaid" / "node_modules")
    return folder


def test_a_browser_that_cannot_draw_is_refused_at_setup(
    mermaid_cache: Path, tmp_path: Path
) -> None:
    cache = borrowed_install(mermaid_cache, tmp_path / "cache")
    done = run_wxformat("setup", "mermaid", "--chromium", "/bin/false", cache=cache)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: Mermaid is installed but /bin/false could not draw with it")
    assert last.endswith("(hint: give another browser with --chromium PATH)")
    assert not (cache / "mermaid" / "setup.json").exists()


def test_a_broken_browser_after_setup_is_named_with_the_fix(
    mermaid_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = borrowed_install(mermaid_cache, tmp_path / "cache")
    setup = json.loads((mermaid_cache / "mermaid" / "setup.json").read_text(encoding="utf-8"))
    setup["chromium"] = "/bin/false"  # the browser was replaced by something that cannot run
    (cache / "mermaid" / "setup.json").write_text(json.dumps(setup), encoding="utf-8")
    monkeypatch.setenv("WXFORMAT_CACHE_DIR", str(cache))
    result = convert_text(POST)
    assert "graph\xa0TD" in BeautifulSoup(result.fragment, "html.parser").pre.get_text()
    [warning] = [w for w in result.warnings if "mermaid" in w.message]
    assert (
        "could not be drawn" in warning.message and "Chromium could not draw it" in warning.message
    )
    assert warning.hint == "run `wxformat setup mermaid` again: it checks Node.js and Chromium"
