"""The preview server as an attacker and an unlucky user meet it (issue #14): a real server
on 127.0.0.1, real HTTP requests (http.client, so the Host header can be forged), and
headless Chromium where only a browser can tell (a script that must not run)."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import chromium
from tests.conftest import ARTICLES
from wxformat.faces.preview import PreviewServer
from wxformat.faces.runner import Options

EVIL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg"><script>document.title = "pwned"</script>'
    '<rect width="10" height="10"/></svg>'
)
BREAKOUT = "</script><script>window.pwned = 1</script>"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    # every local image stays a file the page loads (over an embed limit of 0 KB)
    (site / "wxformat.toml").write_text(
        f"image_embed_limit_kb = 0\n[footer]\naccount = {json.dumps(BREAKOUT)}\n", "utf-8"
    )
    (site / "pic.png").write_bytes((ARTICLES / "assets" / "qrcode.png").read_bytes())
    (site / "evil.svg").write_text(EVIL_SVG, "utf-8")
    (site / "page.html").write_text("<script>window.pwned = 1</script>", "utf-8")
    (site / "notes.txt").write_text("not in the article", "utf-8")
    (site / ".env").write_text("WECHAT_APP_SECRET=s3cret", "utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[remote]\nurl = secret", "utf-8")
    (site / ".hidden.png").write_bytes((site / "pic.png").read_bytes())
    (site / "post.md").write_text(
        "# 标题\n\n正文。\n\n![p](pic.png)\n\n![s](evil.svg)\n\n![h](page.html)\n\n"
        "![d](.hidden.png)\n\n![g](.git/config)\n",
        "utf-8",
    )
    return site


def start(article: Path, host: str = "127.0.0.1") -> PreviewServer:
    server = PreviewServer(article, Options(), host=host, port=0)
    server.start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def server(folder: Path) -> Iterator[PreviewServer]:
    srv = start(folder / "post.md")
    yield srv
    srv.stop()


def get(
    server: PreviewServer, path: str, host: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """GET path with the given Host header (default: the server's own address)."""
    address, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(str(address), int(port), timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host if host is not None else f"{address!s}:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_a_forged_host_is_refused_and_its_own_names_answer(server: PreviewServer) -> None:
    port = server.httpd.server_address[1]
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", ""):
        for path in ("/", "/__wx/render", "/pic.png", "/__wx/static/page.js"):
            status, _, body = get(server, path, host)
            assert 400 <= status < 500, (host, path)
            assert b"\x89PNG" not in body and "标题".encode() not in body and b"fetch(" not in body
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        status, _, _ = get(server, "/", host)
        assert status == 200, host


def test_a_host_given_with_host_is_answered(folder: Path) -> None:
    server = start(folder / "post.md", host="localhost")
    try:
        assert get(server, "/", f"localhost:{server.httpd.server_address[1]}")[0] == 200
        assert get(server, "/", "evil.example")[0] == 421
    finally:
        server.stop()


def test_only_the_files_the_article_shows_are_served(server: PreviewServer) -> None:
    status, headers, body = get(server, "/pic.png")
    assert status == 200 and body[:4] == b"\x89PNG"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"].startswith("sandbox")
    for path in (
        "/.env",
        "/.git/config",
        "/.hidden.png",  # referenced, but a dotfile
        "/%2egit/config",
        "/notes.txt",  # in the folder, not in the article
        "/post.md",
        "/wxformat.toml",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
    ):
        status, _, body = get(server, path)
        assert status == 404 and b"s3cret" not in body and b"secret" not in body, path


def test_every_answer_says_nosniff(server: PreviewServer) -> None:
    for path in ("/", "/__wx/render", "/__wx/static/page.js", "/pic.png", "/.env"):
        assert get(server, path)[1]["x-content-type-options"] == "nosniff", path


def test_html_from_the_folder_is_a_download_and_svg_is_sandboxed(server: PreviewServer) -> None:
    status, headers, _ = get(server, "/page.html")
    assert status == 200 and headers["content-disposition"] == "attachment"
    assert "sandbox" in headers["content-security-policy"]
    status, headers, _ = get(server, "/evil.svg")
    assert status == 200 and headers["content-type"] == "image/svg+xml"
    assert "sandbox" in headers["content-security-policy"]


@pytest.mark.browser
def test_a_script_in_an_svg_does_not_run_on_the_preview_origin(server: PreviewServer) -> None:
    with chromium() as browser:
        tab = browser.new_page()
        tab.goto(server.url + "evil.svg")
        tab.wait_for_timeout(300)
        assert tab.title() != "pwned"
        assert tab.evaluate("() => document.title") != "pwned"


@pytest.mark.browser
def test_an_account_name_that_closes_the_script_shows_as_text(server: PreviewServer) -> None:
    with chromium() as browser:
        tab = browser.new_page()
        tab.goto(server.url)
        tab.wait_for_selector("#article section")
        assert tab.inner_text("#account") == BREAKOUT
        assert tab.evaluate("() => window.pwned") is None
    status, _, body = get(server, "/")
    assert status == 200 and BREAKOUT.encode() not in body


def test_a_5000_character_theme_is_a_one_line_error(
    server: PreviewServer, capfd: pytest.CaptureFixture[str]
) -> None:
    status, _, body = get(server, "/__wx/render?theme=" + "x" * 5000)
    data = json.loads(body)
    assert status == 200 and data["ok"] is False
    assert "unknown theme" in data["error"] and len(data["error"]) < 400
    assert "\n" not in data["error"] and "internal error" not in data["error"]
    assert "Traceback" not in capfd.readouterr().err
    status, _, body = get(server, "/__wx/render?theme=" + "x/" * 3000)
    assert "unknown theme" in json.loads(body)["error"]


def next_event(stream: http.client.HTTPResponse) -> str:
    """The next `change` event's data on a server-sent events stream (within about 20 s:
    the stream's heartbeat every 15 s lets the loop look at the clock)."""
    event = ""
    deadline = time.monotonic() + 20
    while True:
        assert time.monotonic() < deadline, "no change event in 20 s"
        line = stream.readline().decode().strip()
        if line.startswith("event: "):
            event = line[len("event: ") :]
        elif line.startswith("data: ") and event == "change":
            return line[len("data: ") :]


def open_events(
    server: PreviewServer,
) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    address, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(str(address), int(port), timeout=20)
    connection.request("GET", "/__wx/events")
    stream = connection.getresponse()
    assert stream.readline().startswith(b"event: hello")
    time.sleep(0.5)  # the watcher settles
    return connection, stream


@pytest.fixture
def events(server: PreviewServer) -> Iterator[http.client.HTTPResponse]:
    connection, stream = open_events(server)
    yield stream
    connection.close()


def rendered_text(server: PreviewServer) -> str:
    data = json.loads(get(server, "/__wx/render")[2])
    return str(data.get("html") or data.get("error"))


def test_live_reload_survives_the_folder_deleted_and_made_again(
    server: PreviewServer, folder: Path, events: http.client.HTTPResponse
) -> None:
    shutil.rmtree(folder)
    next_event(events)  # gone: the page is told
    folder.mkdir()
    (folder / "post.md").write_text("# 标题\n\n重新出现的文章。\n", "utf-8")
    for _ in range(3):  # the folder, then the file in it: one or two changes
        if "重新出现" in rendered_text(server):
            break
        next_event(events)
    assert "重新出现" in rendered_text(server)
    time.sleep(0.5)  # and it keeps watching the new folder
    (folder / "post.md").write_text("# 标题\n\n再改一次。\n", "utf-8")
    next_event(events)
    assert "再改一次" in rendered_text(server)


def test_a_wxformat_toml_made_after_start_is_watched(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("# 标题\n\n正文。\n", "utf-8")
    server = start(post)
    try:
        connection, stream = open_events(server)
        (tmp_path / "wxformat.toml").write_text('[footer]\naccount = "新账号"\n', "utf-8")
        next_event(stream)
        connection.close()
        assert "新账号" in get(server, "/")[2].decode()
    finally:
        server.stop()


def test_two_hundred_requests_at_once_all_get_answers(server: PreviewServer) -> None:
    address, port = server.httpd.server_address[:2]
    count = 200
    barrier = threading.Barrier(count)
    answers: list[int | str] = []

    def fetch() -> None:
        connection = http.client.HTTPConnection(str(address), int(port), timeout=60)
        try:
            barrier.wait()
            connection.request("GET", "/__wx/static/page.css")
            answers.append(connection.getresponse().status)
        except OSError as exc:
            answers.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers.count(200) == count, sorted(set(map(str, answers)))
