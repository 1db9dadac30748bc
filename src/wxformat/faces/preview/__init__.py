"""Output stage for `wxformat preview`: a local server showing the article at phone width.

It renders with runner.convert_article, the same function and options as `convert`, so the
preview is exactly what gets pasted. The file and every file its options read (its
wxformat.toml, the theme, the footer's template and QR code) are watched with watchfiles;
a change bumps a version that an SSE stream pushes to the page, which fetches the new
render. A render error is shown in the page and the server keeps serving.

It answers only its own address (a `Host` of 127.0.0.1, localhost, [::1] or --host: a
DNS-rebinding page cannot read through it), and serves only the page, the rendering, and
the local files the rendering refers to (images over the embed limit), never a dotfile or
anything in a dot-folder, always sandboxed and never sniffed as another type.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import re
import stat
import threading
import traceback
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from wxformat.article import Article, read_article
from wxformat.config import is_color
from wxformat.errors import WxformatError
from wxformat.faces.runner import ConvertOptions, Options, convert_article
from wxformat.faces.themes_cli import all_themes
from wxformat.faces.title import without_title_heading
from wxformat.pipeline import darken_fragment
from wxformat.themes import CODE_THEMES
from wxformat.wechat.paste_filter import paste_filter

STATIC = "static"
API = "/__wx/"
# the body sizes the page offers (convert's --font-size takes any CSS size)
FONT_SIZES = ("14px", "15px", "16px", "17px", "18px")


@dataclass
class PreviewState:
    """The article being previewed and what the watcher has seen."""

    article: Path
    options: Options
    version: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    closing: threading.Event = field(default_factory=threading.Event)
    # the local files the latest rendering refers to: all the page may load from the folder
    referenced: frozenset[Path] | None = None

    def account(self) -> str:
        """The account name from wxformat.toml, for the page's WeChat-like header."""
        resolved = self.resolved()
        return resolved.account if resolved else ""

    def theme_name(self) -> str:
        """The theme asked for on the command line, by its name (`--theme 雅致` is elegant),
        or '' when the article's own settings choose."""
        if not self.options.theme:
            return ""
        resolved = self.resolved()
        return resolved.theme.name if resolved else self.options.theme

    def resolved(self) -> ConvertOptions | None:
        """The article's options as they stand, or None while they cannot be resolved."""
        from wxformat.article import read_article
        from wxformat.options import resolve

        try:
            return resolve(read_article(self.article, self.options.encoding), self.options)
        except WxformatError:
            return None

    def wait_past(self, seen: int, timeout: float) -> None:
        """Block until the version moves past seen, the server closes, or timeout passes."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.closing.is_set(), timeout)

    def bump(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def render(
        self,
        theme: str | None,
        color: str | None,
        as_wechat: bool = False,
        code_theme: str | None = None,
        font_size: str | None = None,
        dark: bool = False,
    ) -> dict[str, Any]:
        options = self.options
        if theme:
            options = _with(options, theme=theme)
        if color and is_color(color.strip()):  # as --color checks it; else the file's own
            options = _with(options, variables={**options.variables, "primary-color": color})
        if code_theme in CODE_THEMES:
            options = _with(options, code_theme=code_theme)
        if font_size in FONT_SIZES:
            options = _with(options, variables={**options.variables, "font-size": font_size})
        try:
            article = read_article(self.article, options.encoding)
            result = convert_article(article, options)
            style = _style_of(article, options)
        except WxformatError as exc:
            return {"ok": False, "error": exc.format_message(), "version": self.version}
        except Exception as exc:  # a bug must not take the preview down: show it, keep serving
            traceback.print_exc()
            return {"ok": False, "error": f"internal error: {exc!r}", "version": self.version}
        self.referenced = referenced_files(result.fragment, self.article.parent)
        # the WeChat frame shows the title above the body: an opening `# title` shows once
        shown = without_title_heading(result.fragment, article)
        if as_wechat:
            shown, _ = paste_filter(shown)
        if dark:  # as WeChat's dark mode recolours it: the same port that check measures
            shown = darken_fragment(shown)
        return {
            "ok": True,
            "title": result.title,
            "html": result.fragment,
            "shown": shown,
            "theme": result.theme,
            **style,
            "warnings": [str(w) for w in result.warnings],
            "version": self.version,
        }


def _style_of(article: Article, options: Options) -> dict[str, str]:
    """The style the article is drawn in, for the page's controls: the theme's real primary
    colour (after wxformat.toml, front matter and picker), its code theme and font size."""
    from wxformat.options import resolve

    resolved = resolve(article, options)
    return {
        "primary": resolved.variables.get("primary-color", ""),
        "code_theme": resolved.code_theme,
        "font_size": resolved.variables.get("font-size", ""),
    }


def _with(options: Options, **changes: Any) -> Options:
    from dataclasses import replace

    return replace(options, **changes)


def static_text(name: str) -> bytes:
    return (Path(__file__).parent / STATIC / name).read_bytes()


def safe_local_file(folder: Path, url_path: str) -> Path | None:
    """The file under folder that url_path names, or None if it leaves the folder or is
    hidden (a dotfile, or anything in a dot-folder such as .git)."""
    relative = unquote(url_path).lstrip("/")
    if not relative or "\x00" in relative:
        return None
    root = folder.resolve()
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError):  # a name too long, a loop of links
        return None
    if target == root or root not in target.parents:
        return None
    if any(part.startswith(".") for part in target.relative_to(root).parts):
        return None
    try:
        return target if target.is_file() else None
    except OSError:
        return None


_LOCAL_REF = re.compile(r'\s(?:src|href)="([^"]+)"')


def referenced_files(fragment: str, folder: Path) -> frozenset[Path]:
    """The local files a rendering refers to (an image over the embed limit, a local link)."""
    from html import unescape

    from wxformat.wechat.images import local_path

    files = set()
    for m in _LOCAL_REF.finditer(fragment):
        url = unescape(m.group(1))
        if local_path(url, folder) is None or url.startswith(("/", "file:")):
            continue
        target = safe_local_file(folder, urlsplit(url).path)
        if target is not None:
            files.add(target)
    return frozenset(files)


# served inert: a page or SVG from the article's folder runs nothing on the preview's origin
LOCAL_FILE_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_DOWNLOAD_ONLY = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".xml"}


def _host_name(header: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lowercased."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed_hosts(host: str) -> frozenset[str]:
    """The Host names the server answers to: its loopback names and the --host it was given."""
    return frozenset({"127.0.0.1", "localhost", "::1", host.lower().strip("[]")})


def host_allowed(header: str | None, allowed: frozenset[str], any_ip: bool) -> bool:
    """Whether a request's Host is ours. A DNS-rebinding page sends its own domain name."""
    if not header:
        return False
    name = _host_name(header)
    if name in allowed:
        return True
    if any_ip:  # listening on every address: any IP literal is this machine, no name is
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True
    return False


def config_json(config: dict[str, Any]) -> str:
    """JSON that cannot end the <script> it sits in: <, > and & as \\u escapes."""
    text = json.dumps(config, ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def make_handler(
    state: PreviewState, hosts: frozenset[str] = frozenset(), any_ip: bool = False
) -> type[BaseHTTPRequestHandler]:
    allowed = hosts or allowed_hosts("127.0.0.1")

    class Handler(BaseHTTPRequestHandler):
        server_version = "wxformat-preview"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a request log would drown the warnings the writer cares about

        def end_headers(self) -> None:
            self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def send_body(
            self,
            body: bytes,
            content_type: str,
            status: int = 200,
            headers: tuple[tuple[str, str], ...] = (),
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            if not host_allowed(self.headers.get("Host"), allowed, any_ip):
                self.send_error(
                    HTTPStatus.MISDIRECTED_REQUEST,
                    "this preview answers only its own address",
                    "open the address wxformat preview printed",
                )
                return
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if url.path in ("/", "/index.html"):
                self.send_body(self.page(), "text/html; charset=utf-8")
            elif url.path == API + "render":
                data = state.render(
                    query.get("theme"),
                    query.get("color"),
                    query.get("wechat") == "1",
                    code_theme=query.get("code_theme"),
                    font_size=query.get("font_size"),
                    dark=query.get("dark") == "1",
                )
                self.send_body(json.dumps(data, ensure_ascii=False).encode(), "application/json")
            elif url.path == API + "events":
                self.events()
            elif url.path.startswith(API + "static/"):
                name = url.path[len(API + "static/") :]
                if name not in ("page.js", "page.css"):
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                kind = "text/javascript" if name.endswith(".js") else "text/css"
                self.send_body(static_text(name), f"{kind}; charset=utf-8")
            else:
                self.local_file(url.path)

        def page(self) -> bytes:
            themes = [
                {"name": t.name, "title": t.title, "title_zh": t.title_zh} for t in all_themes()
            ]
            config = {
                "themes": themes,
                "theme": state.theme_name(),
                "file": state.article.name,
                "account": state.account(),
                "code_themes": list(CODE_THEMES),
                "font_sizes": list(FONT_SIZES),
            }
            html = static_text("page.html").decode("utf-8")
            return html.replace("__CONFIG__", config_json(config)).encode()

        def local_file(self, path: str) -> None:
            if state.referenced is None:  # nothing rendered yet: learn what the article uses
                state.render(None, None)
            target = safe_local_file(state.article.parent, path)
            if target is None or target not in (state.referenced or ()):
                self.send_error(HTTPStatus.NOT_FOUND, "only files the article refers to are served")
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            headers = [("Content-Security-Policy", LOCAL_FILE_CSP)]
            if target.suffix.lower() in _DOWNLOAD_ONLY or kind in ("text/html", "text/xml"):
                headers.append(("Content-Disposition", "attachment"))
            try:
                body = target.read_bytes()
            except OSError:
                self.send_error(HTTPStatus.NOT_FOUND, "the file cannot be read")
                return
            self.send_body(body, kind, headers=tuple(headers))

        def events(self) -> None:
            """Server-sent events: one `change` per new version, a comment as heartbeat."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = state.version
            try:
                self.wfile.write(f"event: hello\ndata: {seen}\n\n".encode())
                self.wfile.flush()
                while not state.closing.is_set():
                    state.wait_past(seen, timeout=15)
                    if state.version != seen:
                        seen = state.version
                        self.wfile.write(f"event: change\ndata: {seen}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at this path now (None: none): a folder made again is another one."""
    try:
        info = folder.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def watch(state: PreviewState, paths: list[Path]) -> None:
    """Bump the version whenever the article or a config changes (run in a thread).

    A path may not exist yet (a wxformat.toml written after start), and a folder may be
    deleted and made again (a `git checkout`, a sync tool): the watch notices, tells the
    page (the article is gone, or may be new), and starts again on the folder now there."""
    import watchfiles

    wanted = {p.resolve() for p in paths}
    folders = sorted({p.parent for p in wanted}, key=str)

    def identities() -> dict[Path, tuple[int, int] | None]:
        return {folder: _identity(folder) for folder in folders}

    seen = identities()
    while not state.closing.is_set():
        now = identities()
        if now != seen:  # a folder went or came back: the article is gone, or may be new
            state.bump()
        seen = now
        present = [str(folder) for folder, identity in now.items() if identity]
        if not present:
            state.closing.wait(0.2)
            continue
        try:
            for changes in watchfiles.watch(
                *present,
                stop_event=state.closing,
                debounce=150,
                step=50,
                rust_timeout=500,
                yield_on_timeout=True,
                recursive=False,
                watch_filter=None,
            ):
                touched = {Path(path).resolve() for _, path in changes}
                if touched & wanted:
                    state.bump()
                if touched & set(folders) or identities() != seen:
                    # a watched folder went: this watch sees nothing more, even if a
                    # folder of the same name (and inode number) comes back
                    state.bump()
                    seen = identities()
                    break
        except OSError:  # the folder went between looking and watching
            state.closing.wait(0.2)


class ListeningServer(ThreadingHTTPServer):
    """Threads per request, and a backlog for a burst: 200 requests at once all get
    answers (the default of 5 resets connections when a page loads many images)."""

    request_queue_size = 512
    daemon_threads = True


class PreviewServer:
    """The server and its watcher, started and stopped together."""

    def __init__(self, article: Path, options: Options, host: str = "127.0.0.1", port: int = 0):
        from wxformat.config import CONFIG_NAME, find_config

        self.state = PreviewState(article.resolve(), options)
        any_ip = host in ("0.0.0.0", "::", "")
        handler = make_handler(self.state, allowed_hosts(host), any_ip)
        self.httpd = ListeningServer((host, port), handler)
        folder = self.state.article.parent
        resolved = self.state.resolved()
        config = options.config or find_config(folder)
        depends = resolved.depends_on if resolved else ()
        # the nearest wxformat.toml, one made next to the article later, and every file the
        # options read (theme, footer template, QR code)
        watched = [self.state.article, folder / CONFIG_NAME, *([config] if config else [])]
        watched += depends
        self.watcher = threading.Thread(target=watch, args=(self.state, watched), daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> None:
        self.watcher.start()

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.state.closing.set()
        with self.state.changed:
            self.state.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
