"""The preview page's controls, for real (server on 127.0.0.1, headless Chromium): the colour
picker shows the theme's own colour, also after a reset; code theme and font size as
`convert` has them; a favicon; the title shown once in the WeChat frame (issue 18)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import chromium
from wxformat.faces.preview import PreviewServer
from wxformat.faces.runner import Options

pytestmark = pytest.mark.browser


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "post.md"
    path.write_text("# 标题\n\n## 第一节\n\n正文。\n\n```python\nprint(1)\n```\n", encoding="utf-8")
    return path


@pytest.fixture
def served(article: Path) -> Iterator[tuple[PreviewServer, list[str]]]:
    srv = PreviewServer(article, Options(), port=0)
    srv.start()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv, []
    srv.stop()


@pytest.fixture
def page(served: tuple[PreviewServer, list[str]]) -> Iterator[Page]:
    server, problems = served
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        tab.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        tab.goto(server.url)
        tab.wait_for_selector("#article section")
        yield tab


def rendered(page: Page) -> None:
    """Wait for the render the last control change asked for."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)


def test_the_colour_picker_shows_the_theme_colour_and_follows_a_reset(page: Page) -> None:
    assert page.input_value("#color") == "#2563eb"  # the default theme's blue
    page.select_option("#theme", "ink")
    page.wait_for_function("document.body.dataset.theme === 'ink'")
    rendered(page)
    assert page.input_value("#color") == "#b91c1c"  # ink is red
    page.eval_on_selector(
        "#color", "e => { e.value = '#0f7b6c'; e.dispatchEvent(new Event('input')); }"
    )
    page.wait_for_function(
        "document.querySelector('#article h2').getAttribute('style').includes('#0f7b6c')"
    )
    page.click("#reset-color")
    page.wait_for_function(
        "document.querySelector('#article h2').getAttribute('style').includes('#b91c1c')"
    )
    rendered(page)
    assert page.input_value("#color") == "#b91c1c"


def test_code_theme_and_font_size_controls(page: Page) -> None:
    assert page.input_value("#code-theme") == "github"
    page.select_option("#code-theme", "monokai")
    page.wait_for_function(
        "document.querySelector('#article pre').getAttribute('style').includes('#272822')"
    )
    page.select_option("#font-size", "18px")
    page.wait_for_function(
        "getComputedStyle(document.querySelector('#article > section')).fontSize === '18px'"
    )
    rendered(page)
    assert page.input_value("#code-theme") == "monokai" and page.input_value("#font-size") == "18px"


def test_the_page_has_a_favicon_and_no_failed_request(
    page: Page, served: tuple[PreviewServer, list[str]]
) -> None:
    rendered(page)
    assert page.eval_on_selector("link[rel=icon]", "e => e.href").startswith("data:image/svg")
    assert served[1] == []


def test_the_wechat_frame_shows_the_title_once(page: Page, article: Path) -> None:
    assert page.inner_text("#title") == "标题"
    assert page.query_selector("#article h1") is None
    assert page.inner_text("#article h2") == "第一节"
    # a heading other than the title is the writer's own: it stays
    article.write_text("---\ntitle: 另一个标题\n---\n# 标题\n\n正文。\n", encoding="utf-8")
    page.wait_for_function("document.querySelector('#title').innerText === '另一个标题'")
    assert page.inner_text("#article h1") == "标题"
