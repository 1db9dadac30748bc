"""Output stage for `wxformat copy`: rich HTML on the system clipboard, per platform.

- macOS: one `osascript` call sets the pasteboard's HTML and UTF-8 text flavours together.
- Windows: `CF_HTML` (with its byte-offset header) and `CF_UNICODETEXT` through ctypes.
- Wayland: `wl-copy --type text/html`. X11: `xclip -t text/html`. These tools serve one
  type per call, so on Linux only text/html is served (what the WeChat editor reads). A
  selection owner serving both would need the INCR protocol for articles over ~256 KB,
  which formula-heavy articles reach; xclip already does that robustly.

Building what is sent is pure and tested on its bytes; only `_run` and `_win_set` touch the OS.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from wxformat.errors import WxformatError

INSTEAD = "`wxformat convert -o post.html` and copy from the browser, or `wxformat preview`"


def instead_for(article: Path) -> str:
    """INSTEAD with the article's own commands, for a hint the user can run as it stands."""
    path, page = shlex.quote(str(article)), shlex.quote(article.with_suffix(".html").name)
    return (
        f"`wxformat convert {path} -o {page}` and copy from the browser, "
        f"or `wxformat preview {path}`"
    )


class ClipboardError(WxformatError):
    """No clipboard could be reached, or the clipboard tool failed."""


@dataclass(frozen=True)
class Payload:
    html: str  # the fragment to paste
    text: str  # its plain-text version


@dataclass(frozen=True)
class Copied:
    how: str  # e.g. "text/html + text/plain via osascript"


# --- macOS -------------------------------------------------------------------------------


def applescript_string(text: str) -> str:
    """A double-quoted AppleScript string literal for text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def macos_command(payload: Payload) -> list[str]:
    """osascript setting HTML (as hex data, byte-exact) and UTF-8 text in one pasteboard write."""
    data = payload.html.encode("utf-8").hex().upper()
    script = (
        f"set the clipboard to {{«class HTML»:«data HTML{data}», "
        f"«class utf8»:{applescript_string(payload.text)}}}"
    )
    return ["osascript", "-e", script]


# --- Windows -----------------------------------------------------------------------------

_CF_HEADER = (
    "Version:0.9\r\nStartHTML:{0:010d}\r\nEndHTML:{1:010d}\r\n"
    "StartFragment:{2:010d}\r\nEndFragment:{3:010d}\r\n"
)
_CF_PREFIX = "<html><body>\r\n<!--StartFragment-->"
_CF_SUFFIX = "<!--EndFragment-->\r\n</body></html>"


def cf_html(fragment: str) -> bytes:
    """The Windows "HTML Format" payload: a header of byte offsets, then the document."""
    placeholder = _CF_HEADER.format(0, 0, 0, 0)
    start_html = len(placeholder.encode("ascii"))
    start_fragment = start_html + len(_CF_PREFIX.encode("utf-8"))
    end_fragment = start_fragment + len(fragment.encode("utf-8"))
    end_html = end_fragment + len(_CF_SUFFIX.encode("utf-8"))
    header = _CF_HEADER.format(start_html, end_html, start_fragment, end_fragment)
    return (header + _CF_PREFIX + fragment + _CF_SUFFIX).encode("utf-8")


def windows_formats(payload: Payload) -> dict[str, bytes]:
    """Format name -> bytes: CF_HTML and CF_UNICODETEXT (UTF-16LE, NUL-terminated)."""
    return {
        "HTML Format": cf_html(payload.html),
        "CF_UNICODETEXT": (payload.text + "\0").encode("utf-16-le"),
    }


def _win_set(formats: dict[str, bytes]) -> None:  # pragma: no cover - runs on Windows only
    import ctypes
    from ctypes import wintypes

    user32 = ctypes.windll.user32  # type: ignore[attr-defined]
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    kernel32.GlobalAlloc.restype = wintypes.HGLOBAL
    kernel32.GlobalLock.restype = wintypes.LPVOID
    user32.SetClipboardData.argtypes = [wintypes.UINT, wintypes.HANDLE]
    if not user32.OpenClipboard(None):
        raise ClipboardError("the Windows clipboard is busy", "try again in a moment")
    try:
        user32.EmptyClipboard()
        for name, data in formats.items():
            fmt = 13 if name == "CF_UNICODETEXT" else user32.RegisterClipboardFormatW(name)
            handle = kernel32.GlobalAlloc(0x0002, len(data) + 1)  # GMEM_MOVEABLE
            pointer = kernel32.GlobalLock(handle)
            ctypes.memmove(pointer, data, len(data))
            kernel32.GlobalUnlock(handle)
            user32.SetClipboardData(fmt, handle)
    finally:
        user32.CloseClipboard()


# --- Linux -------------------------------------------------------------------------------


def linux_command(
    env: dict[str, str],
    which: Callable[[str], str | None] = shutil.which,
    mime: str = "text/html",
) -> tuple[list[str], str]:
    """The command that puts `mime` on this session's clipboard, and its name."""
    if env.get("WAYLAND_DISPLAY") and which("wl-copy"):
        return ["wl-copy", "--type", mime], "wl-copy"
    if env.get("DISPLAY") and which("xclip"):
        return ["xclip", "-selection", "clipboard", "-t", mime, "-i"], "xclip"
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        raise ClipboardError(
            "no clipboard reachable: no graphical session ($DISPLAY, $WAYLAND_DISPLAY unset)",
            f"run it in a desktop session, or use {INSTEAD}",
        )
    tool = "wl-clipboard (wl-copy)" if env.get("WAYLAND_DISPLAY") else "xclip"
    raise ClipboardError(
        f"no clipboard tool found: install {tool} (xsel cannot hold text/html)",
        f"e.g. `sudo apt install {tool.split()[0]}`; or use {INSTEAD}",
    )


def _run(command: list[str], data: bytes, env: dict[str, str] | None = None) -> None:
    # the tool forks a child that owns the selection: it must not hold a pipe of ours open,
    # so what it says on failure goes to a file
    with tempfile.TemporaryFile() as said:
        try:
            done = subprocess.run(
                command, input=data, stdout=subprocess.DEVNULL, stderr=said, timeout=20
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClipboardError(f"{command[0]} failed: {exc}", f"use {INSTEAD}") from None
        if done.returncode == 0:
            return
        said.seek(0)
        message = said.read(4000).decode("utf-8", "replace").strip()
    raise failure(command[0], done.returncode, message, os.environ if env is None else env)


def failure(tool: str, status: int, message: str, env: Mapping[str, str]) -> ClipboardError:
    """What a clipboard tool's failure means, in the user's terms, with what to do."""
    lower = message.lower()
    if tool == "xclip" and "open display" in lower:
        return ClipboardError(
            f"no X display answered at DISPLAY={env.get('DISPLAY', '')}: there is no graphical "
            "session there (xclip: can't open display)",
            "run it inside your desktop session, or set DISPLAY to the display you are logged "
            f"in to (over SSH: ssh -X; headless: start Xvfb); or use {INSTEAD}",
        )
    if tool == "wl-copy" and ("wayland" in lower or "compositor" in lower):
        return ClipboardError(
            f"no Wayland compositor answered at WAYLAND_DISPLAY={env.get('WAYLAND_DISPLAY', '')}",
            f"run it inside your desktop session; or use {INSTEAD}",
        )
    first = message.splitlines()[0] if message else ""
    return ClipboardError(
        f"{tool} exited with status {status}" + (f": {first}" if first else ""), f"use {INSTEAD}"
    )


def copy(
    payload: Payload, platform: str = sys.platform, env: dict[str, str] | None = None
) -> Copied:
    """Put payload on the system clipboard; raise ClipboardError with a hint when impossible."""
    env = dict(os.environ) if env is None else env
    if platform == "darwin":
        _run(macos_command(payload), b"")
        return Copied("text/html + text/plain via osascript")
    if platform == "win32":
        _win_set(windows_formats(payload))
        return Copied("HTML Format + CF_UNICODETEXT")
    command, name = linux_command(env)
    _run(command, payload.html.encode("utf-8"), env)
    return Copied(f"text/html via {name}")


def copy_text(text: str, platform: str = sys.platform, env: dict[str, str] | None = None) -> Copied:
    """Put plain text on the clipboard (for --html-source)."""
    env = dict(os.environ) if env is None else env
    if platform == "darwin":
        _run(["pbcopy"], text.encode("utf-8"))
        return Copied("text/plain via pbcopy")
    if platform == "win32":
        _win_set({"CF_UNICODETEXT": (text + "\0").encode("utf-16-le")})
        return Copied("CF_UNICODETEXT")
    wayland = bool(env.get("WAYLAND_DISPLAY"))
    command, name = linux_command(
        env, mime="text/plain;charset=utf-8" if wayland else "UTF8_STRING"
    )
    _run(command, text.encode("utf-8"), env)
    return Copied(f"text/plain via {name}")
