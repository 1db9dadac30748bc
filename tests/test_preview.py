"""`wxformat preview` for real: a server on 127.0.0.1 and headless Chromium driving the page."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Page

from tests.browser import chromium
from tests.conftest import ARTICLES
from wxformat.faces.preview import PreviewServer, safe_local_file
from wxformat.faces.runner import Options, convert_file

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
    assert before != after and "background-color:#182e6d" in (after or "")


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
    # the server sends the dark render (WeChat's algorithm, darkmode.py): wait for it
    page.wait_for_function(
        "c => getComputedStyle(document.querySelector('#article p')).color !== c", arg=light
    )
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
    with urllib.request.urlopen(server.url + "pic.png", timeout=10) as ok:
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
            urllib.request.urlopen(request, timeout=10)
        assert info.value.code == 404, path
        info.value.close()
    assert safe_local_file(article.parent, "/../secret.txt") is None


def test_render_endpoint_is_what_convert_writes(server: PreviewServer, article: Path) -> None:
    with urllib.request.urlopen(server.url + "__wx/render?theme=tech", timeout=10) as response:
        data = json.load(response)
    assert data["ok"] and data["html"] == convert_file(article, Options(theme="tech")).fragment


def read_line(stream: IO[str], seconds: float) -> str:
    """A line from a child's pipe, or '' if none comes in time (a test never waits forever)."""
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else ""


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize(
    ("sent", "ignored_at_start"),
    [
        (signal.SIGINT, False),
        (signal.SIGTERM, False),
        # as a background job starts it (`wxformat preview post.md &`): SIGINT ignored, so
        # Python installs no Ctrl+C handler of its own; preview must install one
        (signal.SIGINT, True),
    ],
    ids=["ctrl-c", "sigterm", "ctrl-c-in-background-job"],
)
def test_the_first_signal_stops_the_server_cleanly(
    article: Path, sent: signal.Signals, ignored_at_start: bool
) -> None:
    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    proc = subprocess.Popen(
        [sys.executable, "-m", "wxformat", "preview", str(article), "--no-open", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=ignore_sigint if ignored_at_start else None,
    )
    try:
        assert proc.stderr is not None
        line = read_line(proc.stderr, 30)
        assert "previewing" in line and "127.0.0.1" in line
        url = line.split(" at ")[1].split()[0]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
        proc.send_signal(sent)
        assert proc.wait(timeout=10) == 0
        rest = proc.stderr.read()
        assert "preview stopped" in rest and "Traceback" not in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


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


def test_a_theme_given_by_its_chinese_name_shows_under_its_name(article: Path) -> None:
    srv = PreviewServer(article, Options(theme="水墨"), port=0)
    srv.start()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with chromium() as browser:
            tab = browser.new_page()
            tab.goto(srv.url)
            tab.wait_for_selector("#article section")
            assert tab.eval_on_selector("#theme", "e => e.value") == "ink"
            assert tab.evaluate("document.body.dataset.theme") == "ink"
    finally:
        srv.stop()


def test_editing_the_footer_template_updates_the_page(tmp_path: Path) -> None:
    (tmp_path / "wxformat.toml").write_text(
        '[footer]\naccount = "号"\ntemplate = "footer.html"\n', encoding="utf-8"
    )
    (tmp_path / "footer.html").write_text("<p>旧的页脚</p>", encoding="utf-8")
    path = tmp_path / "post.md"
    path.write_text("# 标题\n\n正文\n", encoding="utf-8")
    srv = PreviewServer(path, Options(), port=0)
    srv.start()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with chromium() as browser:
            tab = browser.new_page()
            tab.goto(srv.url)
            tab.wait_for_selector("#article section")
            assert "旧的页脚" in tab.inner_text("#article")
            time.sleep(0.3)  # let the watcher settle
            (tmp_path / "footer.html").write_text("<p>新的页脚</p>", encoding="utf-8")
            tab.wait_for_function(
                "document.querySelector('#article').innerText.includes('新的页脚')", timeout=5000
            )
    finally:
        srv.stop()


def test_a_colour_css_cannot_use_is_not_written_into_the_styles(server: PreviewServer) -> None:
    def render(color: str) -> str:
        url = server.url + "__wx/render?color=" + urllib.parse.quote(color)
        with urllib.request.urlopen(url, timeout=10) as response:
            data = json.load(response)
        assert data["ok"], data
        return str(data["html"])

    assert "teal" in render("teal")
    bad = render("red;position:absolute")
    assert "position:absolute" not in bad and bad == render("")
