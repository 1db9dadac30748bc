"""A local fake of WeChat's API on 127.0.0.1, following the documented contract.

It checks the credentials and the token, the multipart field name (`media`), image types
and sizes, and the JSON of draft/add and draft/update (UTF-8, no \\u escapes, the fields
WeChat needs, a thumb_media_id it issued; for an update, a draft it holds, index 0 and
`articles` as one object). `delete_draft` removes a draft as the editor would. It can be
told to answer an error code, raw bytes (JSON of the wrong shape), to drop the
connection, or to drip its answer a byte at a time, for the next calls to a path. It also
serves images, as a remote host would: whole, dripped, endless, or as a redirect.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

APP_ID = "wx-test-app"
APP_SECRET = "s3cret-value-never-printed"


@dataclass
class FakeWeChat:
    tokens: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    uploads: list[tuple[str, str, bytes]] = field(default_factory=list)  # (path, filename, bytes)
    materials: dict[str, bytes] = field(default_factory=dict)
    drafts: list[dict[str, Any]] = field(default_factory=list)  # every draft/add, in order
    saved: dict[str, dict[str, Any]] = field(default_factory=dict)  # media_id -> draft now
    updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (media_id, article)
    raw_drafts: list[bytes] = field(default_factory=list)
    failures: dict[str, list[int | str | bytes]] = field(default_factory=lambda: defaultdict(list))
    images: dict[str, bytes] = field(default_factory=dict)  # path -> bytes served as a remote host
    image_modes: dict[str, str] = field(default_factory=dict)  # path -> "drip" or "endless"
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location
    drip_every: float = 0.5  # seconds between the bytes of a dripped answer
    _count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, path: str, *answers: int | str | bytes) -> None:
        """Answer the next calls to path with these error codes, these bytes as the body,
        "drop" the connection, or "drip" the usual answer a byte at a time."""
        self.failures[path].extend(answers)

    def delete_draft(self, media_id: str) -> None:
        """The writer deletes the draft in the editor (or publishes it)."""
        del self.saved[media_id]

    def new_token(self) -> str:
        self._count += 1
        token = f"TOKEN-{self._count}"
        self.tokens.add(token)
        return token


def _multipart(headers: Any, body: bytes) -> dict[str, tuple[str, bytes]]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + headers["Content-Type"].encode() + b"\r\n\r\n" + body
    )
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        parts[str(name)] = (
            str(part.get_filename() or ""),
            payload if isinstance(payload, bytes) else b"",
        )
    return parts


def _kind(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return "other"


def make_handler(fake: FakeWeChat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        dripping = False

        def answer(self, data: dict[str, Any] | bytes, status: int = 200) -> None:
            body = data if isinstance(data, bytes) else json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.send_body(body)

        def send_body(self, body: bytes) -> None:
            try:
                if not self.dripping:
                    self.wfile.write(body)
                    return
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(fake.drip_every)
            except OSError:
                pass  # the client gave up: as it should

        def error(self, code: int, msg: str) -> None:
            self.answer({"errcode": code, "errmsg": msg})

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            with fake.lock:
                fake.calls[path] += 1
            if path in fake.redirects:
                self.send_response(302)
                self.send_header("Location", fake.redirects[path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = fake.images.get(path)
            if data is None:
                self.send_error(404)
                return
            mode = fake.image_modes.get(path, "")
            self.send_response(200)
            self.send_header("Content-Type", "image/" + _kind(data))
            if mode == "endless":  # no length, and no end: only the client can stop it
                self.end_headers()
                try:
                    while True:
                        self.wfile.write(data)
                except OSError:
                    return
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.dripping = mode == "drip"
            self.send_body(data)

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with fake.lock:
                fake.calls[url.path] += 1
                planned = fake.failures[url.path].pop(0) if fake.failures[url.path] else None
            if planned == "drop":
                self.close_connection = True
                self.connection.close()
                return
            if isinstance(planned, int):
                self.error(planned, "forced by the test")
                return
            if isinstance(planned, bytes):
                self.answer(planned)
                return
            self.dripping = planned == "drip"
            if url.path == "/cgi-bin/stable_token":
                request = json.loads(body)
                if (
                    request.get("grant_type") != "client_credential"
                    or request.get("appid") != APP_ID
                ):
                    self.error(40013, "invalid appid")
                elif request.get("secret") != APP_SECRET:
                    self.error(40125, "invalid appsecret")
                else:
                    self.answer({"access_token": fake.new_token(), "expires_in": 7200})
                return
            token = query.get("access_token", "")
            if token in fake.expired:
                self.error(42001, "access_token expired")
                return
            if token not in fake.tokens:
                self.error(40001, "invalid credential")
                return
            if url.path in ("/cgi-bin/media/uploadimg", "/cgi-bin/material/add_material"):
                parts = _multipart(self.headers, body)
                if "media" not in parts:
                    self.error(41005, "media data missing")
                    return
                filename, data = parts["media"]
                kind = _kind(data)
                if url.path.endswith("uploadimg"):
                    if kind not in ("jpg", "png"):
                        self.error(40005, "invalid file type")
                        return
                    if len(data) >= 1024 * 1024:
                        self.error(40009, "invalid image size")
                        return
                elif query.get("type") != "image" or kind == "other":
                    self.error(40005, "invalid file type")
                    return
                digest = hashlib.sha256(data).hexdigest()[:16]
                fake.uploads.append((url.path, filename, data))
                image_url = f"http://mmbiz.qpic.cn/fake/{digest}.{kind}"
                if url.path.endswith("uploadimg"):
                    self.answer({"url": image_url})
                else:
                    media_id = f"MEDIA-{digest}"
                    fake.materials[media_id] = data
                    self.answer({"media_id": media_id, "url": image_url})
                return
            if url.path in ("/cgi-bin/draft/add", "/cgi-bin/draft/update"):
                fake.raw_drafts.append(body)
                if b"\\u" in body:
                    self.error(40033, "invalid charset: \\uxxxx escapes")
                    return
                request = json.loads(body.decode("utf-8"))
                articles = request.get("articles")
                if url.path.endswith("update"):
                    media_id = request.get("media_id")
                    if media_id not in fake.saved:
                        self.error(40007, "invalid media_id")
                        return
                    if request.get("index") != 0 or not isinstance(articles, dict):
                        self.error(40018, "invalid index or articles")
                        return
                    articles = [articles]
                if not isinstance(articles, list) or len(articles) != 1:
                    self.error(44003, "empty news data")
                    return
                article = articles[0]
                if not article.get("content"):
                    self.error(44003, "empty content")
                    return
                if len(article.get("title", "")) > 32:
                    self.error(45003, "title size out of limit")
                    return
                if article.get("thumb_media_id") not in fake.materials:
                    self.error(40007, "invalid media_id")
                    return
                if url.path.endswith("update"):
                    fake.updates.append((media_id, article))
                    fake.saved[media_id] = article
                    self.answer({"errcode": 0, "errmsg": "ok"})
                    return
                fake.drafts.append(article)
                media_id = f"DRAFT-{len(fake.drafts)}"
                fake.saved[media_id] = article
                self.answer({"media_id": media_id})
                return
            self.send_error(404)

    return Handler


class FakeServer:
    def __init__(self) -> None:
        self.fake = FakeWeChat()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.fake))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
