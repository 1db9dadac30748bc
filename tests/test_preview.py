"""`wxformat preview` for real: a server on 127.0.0.1 and headless Chromium driving the page."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import chromium
from tests.conftest import ARTICLES
from wxformat.preview import PreviewServer, safe_local_file
from wxformat.runner import Options, convert_file

pytestmark = pytest.mark.browser


@pytest.fixture
def article(tmp_path: Path) -> Path:
    (tmp_path / "wxformat.toml").write_text('[footer]\naccount = "预览号"\n', encoding="utf-8")
    (tmp_path / "pic.png").write_bytes((ARTICLES / "assets" / "qrcode.png").read_bytes())
    path = tmp_path / "post.md"
    path.write_text("# 标题\n\n## 第一节\n\n第一版正文。\n\n- 列表\n", encoding="utf-8")
    return path


@pytest.fixture
def server(article: Path) -> Iterator[PreviewServer]:
    srv = PreviewServer(article, Options(), port=0)
    srv.start()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.stop()


@pytest.fixture
def page(server: PreviewServer) -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/")
        )
        tab = context.new_page()
        tab.goto(server.url)
        tab.wait_for_selector("#article section")
        yield tab
        context.close()


def test_page_loads_with_the_article_at_phone_width(page: Page) -> None:
    assert page.inner_text("#title") == "标题"
    assert "第一版正文。" in page.inner_text("#article")
    assert page.inner_text("#account") == "预览号"
    assert page.eval_on_selector(".phone", "e => e.getBoundingClientRect().width") == 375


def test_editing_the_file_updates_the_page(page: Page, article: Path) -> None:
    time.sleep(0.3)  # let the watcher settle
    started = time.monotonic()
    article.write_text("# 标题\n\n第二版正文，刚刚保存。\n", encoding="utf-8")
    page.wait_for_function(
        "document.querySelector('#article').innerText.includes('第二版正文')", timeout=5000
    )
    assert time.monotonic() - started < 3  # about a second in practice; generous for CI


def test_switching_theme_changes_the_rendered_styles(page: Page) -> None:
    before = page.get_attribute("#article h2", "style")
    page.select_option("#theme", "ocean")
    page.wait_for_function("document.body.dataset.theme === 'ocean'")
    after = page.get_attribute("#article h2", "style")
    assert before != after and "background-color:#1e3a8a" in (after or "")


def test_colour_picker_recolours(page: Page) -> None:
    page.eval_on_selector(
        "#color", "e => { e.value = '#0f7b6c'; e.dispatchEvent(new Event('input')); }"
    )
    page.wait_for_function(
        "document.querySelector('#article h2').getAttribute('style').includes('#0f7b6c')"
    )


def test_copy_button_puts_the_exact_fragment_on_the_clipboard(page: Page, article: Path) -> None:
    # the rich sample: SVG numbers and formulas, data: images, code, tables, footer
    shutil.copytree(ARTICLES / "assets", article.parent / "assets")
    article.write_text((ARTICLES / "welcome.md").read_text(encoding="utf-8"), encoding="utf-8")
    page.wait_for_function(
        "document.querySelector('#title').innerText.includes('wxformat')", timeout=5000
    )
    page.click("#copy")
    page.wait_for_function("document.querySelector('#status').textContent.includes('Copied')")
    clip = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read({unsanitized: ['text/html']});
            return {html: await (await item.getType('text/html')).text(),
                    text: await (await item.getType('text/plain')).text()};
        }"""
    )
    expected = convert_file(article, Options()).fragment
    # the raw clipboard holds the fragment inside the document wrapper browsers add
    assert clip["html"].startswith("<html><head></head><body>")
    assert (
        clip["html"].removeprefix("<html><head></head><body>").removesuffix("</body></html>")
        == expected
    )
    assert "写技术文章最累的不是写" in clip["text"] and "<section" not in clip["text"]


def test_dark_mode_recolours_text_and_backgrounds(page: Page) -> None:
    light = page.eval_on_selector("#article p", "e => getComputedStyle(e).color")
    page.check("#dark")
    page.wait_for_function("document.body.classList.contains('dark')")
    page.wait_for_timeout(300)
    dark = page.eval_on_selector("#article p", "e => getComputedStyle(e).color")
    assert light != dark
    lightness = page.eval_on_selector(
        "#article p", "e => getComputedStyle(e).color.match(/\\d+/g).slice(0,3).map(Number)"
    )
    assert sum(lightness) / 3 > 150  # light text on the #191919 page


def test_render_error_shows_and_the_server_keeps_running(page: Page, article: Path) -> None:
    config = article.parent / "wxformat.toml"
    config.write_text("[footer]\naccount = \n", encoding="utf-8")
    article.write_text("# 标题\n\n改了配置。\n", encoding="utf-8")
    page.wait_for_selector("#error:not([hidden])", timeout=5000)
    assert "wxformat.toml" in page.inner_text("#error")
    config.write_text('[footer]\naccount = "恢复"\n', encoding="utf-8")
    page.wait_for_selector("#error", state="hidden", timeout=5000)
    assert "改了配置" in page.inner_text("#article")


def test_files_outside_the_article_folder_are_refused(server: PreviewServer, article: Path) -> None:
    secret = article.parent.parent / "secret.txt"
    secret.write_text("do not serve", encoding="utf-8")
    # served because the article shows it as a file (over an embed limit of 0 KB)
    (article.parent / "wxformat.toml").write_text("image_embed_limit_kb = 0\n", encoding="utf-8")
    article.write_text("# 标题\n\n![图](pic.png)\n", encoding="utf-8")
    with urllib.request.urlopen(server.url + "pic.png") as ok:
        assert ok.status == 200 and ok.read(4) == b"\x89PNG"
    for path in (
        "../secret.txt",
        "%2e%2e/secret.txt",
        "..%2fsecret.txt",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
    ):
        request = urllib.request.Request(server.url + path)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request)
        assert info.value.code == 404, path
        info.value.close()
    assert safe_local_file(article.parent, "/../secret.txt") is None


def test_render_endpoint_is_what_convert_writes(server: PreviewServer, article: Path) -> None:
    with urllib.request.urlopen(server.url + "__wx/render?theme=tech") as response:
        data = json.load(response)
    assert data["ok"] and data["html"] == convert_file(article, Options(theme="tech")).fragment


def test_ctrl_c_stops_the_server_cleanly(article: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wxformat", "preview", str(article), "--no-open", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert "previewing" in line and "127.0.0.1" in line
    url = line.split(" at ")[1].split()[0]
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=10) == 0
    assert "preview stopped" in rest and "Traceback" not in rest


def test_as_wechat_view_shows_what_the_paste_filter_keeps(page: Page, article: Path) -> None:
    article.write_text(
        '# 标题\n\n<p style="color:var(--x)">变量样式</p>\n\n正文\n', encoding="utf-8"
    )
    page.wait_for_function(
        "document.querySelector('#article').innerText.includes('变量样式')", timeout=5000
    )
    page.check("#as-wechat")
    page.wait_for_timeout(500)
    shown = page.inner_html("#article")
    from wxformat.wechat.paste_filter import paste_filter

    fragment = convert_file(article, Options()).fragment
    assert "var(" not in shown
    assert paste_filter(fragment)[0].count("<p") == shown.count("<p")
