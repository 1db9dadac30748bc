"""`wxformat copy`: a real X server (Xvfb) and xclip on Linux; the macOS and Windows payloads
checked on their bytes, with the OS call behind its seam."""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, run_process
from wxformat.faces import clipboard
from wxformat.faces.clipboard import ClipboardError, Payload, cf_html, linux_command, macos_command

WELCOME = ARTICLES / "welcome.md"


def wxformat(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_process(*args, env=env)


@pytest.fixture(scope="module")
def xdisplay() -> Iterator[str]:
    """A real X server for the tests' clipboard."""
    if not shutil.which("Xvfb") or not shutil.which("xclip"):
        pytest.fail("Xvfb and xclip are needed: apt-get install xvfb xclip")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "800x600x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as numbers:
        ready, _, _ = select.select([numbers], [], [], 30)  # never wait forever for it
        display = ":" + numbers.readline().strip() if ready else ""
    if not ready or display == ":":
        server.kill()
        server.wait(timeout=10)
        pytest.fail("Xvfb did not start within 30 s")
    yield display
    server.terminate()
    server.wait(timeout=10)


def xclip_out(display: str, target: str) -> str:
    return subprocess.run(
        ["xclip", "-o", "-selection", "clipboard", "-t", target],
        capture_output=True,
        text=True,
        env={**os.environ, "DISPLAY": display},
        timeout=10,
        check=True,
    ).stdout


@pytest.fixture
def env(xdisplay: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    return {**clean, "DISPLAY": xdisplay}


def test_copy_puts_exactly_the_fragment_on_the_x11_clipboard(env: dict[str, str]) -> None:
    run = wxformat("copy", str(WELCOME), env=env)
    assert run.returncode == 0, run.stderr
    fragment = wxformat("convert", str(WELCOME), "--fragment", env=env).stdout.rstrip("\n")
    assert "text/html" in xclip_out(env["DISPLAY"], "TARGETS").split()
    assert xclip_out(env["DISPLAY"], "text/html") == fragment
    line = run.stderr.strip()
    assert line.count("\n") == 0
    assert re.match(
        r'copied "用 wxformat 写公众号.*": [\d,]+ characters, 2 images, 0 warnings \(text/html via xclip\)',
        line,
    ), line


def test_html_source_copies_the_source_as_plain_text(env: dict[str, str]) -> None:
    run = wxformat("copy", str(WELCOME), "--html-source", env=env)
    assert run.returncode == 0, run.stderr
    assert xclip_out(env["DISPLAY"], "UTF8_STRING").startswith("<section style=")


def test_print_writes_what_would_be_copied(env: dict[str, str]) -> None:
    printed = wxformat("copy", str(WELCOME), "--print", env={**env, "DISPLAY": ""}).stdout
    assert printed == wxformat("convert", str(WELCOME), "--fragment", env=env).stdout


def test_no_display_is_a_clear_error_with_alternatives(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = wxformat("copy", str(WELCOME), env=env)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "no clipboard reachable" in run.stderr
    # the alternatives are commands for this article, to run as they stand
    assert (
        f"`wxformat convert {WELCOME} -o welcome.html` and copy from the browser, "
        f"or `wxformat preview {WELCOME}`" in run.stderr
    ), run.stderr


def test_missing_tool_says_what_to_install() -> None:
    with pytest.raises(ClipboardError) as info:
        linux_command({"DISPLAY": ":9"}, which=lambda name: None)
    assert "install xclip" in info.value.format_message()
    with pytest.raises(ClipboardError) as info:
        linux_command({"WAYLAND_DISPLAY": "wayland-0"}, which=lambda name: None)
    assert "wl-clipboard" in info.value.format_message()
    assert (
        linux_command({"WAYLAND_DISPLAY": "w", "DISPLAY": ":1"}, which=lambda n: "/usr/bin/" + n)[1]
        == "wl-copy"
    )


FRAGMENT = '<section style="color:#333"><p>中文 &amp; “引号” <b>bold</b></p></section>'


def test_cf_html_header_offsets_point_at_the_fragment() -> None:
    data = cf_html(FRAGMENT)
    header = dict(re.findall(rb"(\w+):(\d{10})\r\n", data))
    start_html, end_html = int(header[b"StartHTML"]), int(header[b"EndHTML"])
    start, end = int(header[b"StartFragment"]), int(header[b"EndFragment"])
    assert data.startswith(b"Version:0.9\r\n")
    assert data[start:end] == FRAGMENT.encode("utf-8")  # byte offsets, multi-byte CJK included
    assert data[start_html:end_html].startswith(b"<html><body>") and end_html == len(data)
    assert data[start - len(b"<!--StartFragment-->") : start] == b"<!--StartFragment-->"
    assert data[end : end + len(b"<!--EndFragment-->")] == b"<!--EndFragment-->"


def test_windows_copy_sets_html_and_unicode_text(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, bytes] = {}
    monkeypatch.setattr(clipboard, "_win_set", seen.update)
    copied = clipboard.copy(Payload(FRAGMENT, "中文 & “引号” bold"), platform="win32")
    assert seen["HTML Format"] == cf_html(FRAGMENT)
    assert seen["CF_UNICODETEXT"] == "中文 & “引号” bold\0".encode("utf-16-le")
    assert "HTML Format" in copied.how


def test_macos_command_carries_exact_html_and_escaped_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'say "hi" \\ 中文'
    command = macos_command(Payload(FRAGMENT, text))
    assert command[:2] == ["osascript", "-e"]
    script = command[2]
    hexdata = re.search(r"«data HTML([0-9A-F]+)»", script).group(1)
    assert bytes.fromhex(hexdata).decode("utf-8") == FRAGMENT
    assert '«class utf8»:"say \\"hi\\" \\\\ 中文"' in script
    calls: list[list[str]] = []
    monkeypatch.setattr(clipboard, "_run", lambda cmd, data: calls.append(cmd))
    assert "osascript" in clipboard.copy(Payload(FRAGMENT, text), platform="darwin").how
    assert calls == [command]


def unused_display() -> str:
    """A display number no X server listens on (no socket, no lock file)."""
    for number in range(87, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return f":{number}"
    pytest.fail("no free X display number between :87 and :199")


def test_a_display_that_does_not_answer_is_named_with_what_to_do() -> None:
    if not shutil.which("xclip"):
        pytest.fail("xclip is needed: apt-get install xclip")
    display = unused_display()
    clean = {k: v for k, v in os.environ.items() if k != "WAYLAND_DISPLAY"}
    run = wxformat("copy", str(WELCOME), env={**clean, "DISPLAY": display})
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert f"no X display answered at DISPLAY={display}" in run.stderr, run.stderr
    assert "Xvfb" in run.stderr and "ssh -X" in run.stderr
    assert f"`wxformat convert {WELCOME} -o welcome.html`" in run.stderr
