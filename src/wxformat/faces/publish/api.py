"""The WeChat Official Account API, as far as publishing a draft needs it.

Token from `stable_token`, cached on disk with its expiry (file mode 0600); refreshed once
and the call retried when WeChat says it is invalid or expired (40001, 42001). Network
errors and "system busy" are retried with backoff a bounded number of times. Every error
code in shared/wechat-rules.md gets a one-line explanation and fix. JSON goes out as UTF-8
without \\u escapes (WeChat answers 40033 to those). Secrets never reach a message, nor
do credentials written into api_base (`http://user:pass@relay`). An answer of the wrong
shape is a one-line error. Each request has a deadline of its own (a host that answers a
byte at a time cannot hold it), and the whole run has one too.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx

from wxformat.errors import WxformatError

DEFAULT_API_BASE = "https://api.weixin.qq.com"
RETRIES = 3
REQUEST_TIMEOUT = 60.0  # seconds for one request, answer included, however it trickles in
RUN_TIMEOUT = 600.0  # seconds for a whole publish run
T = TypeVar("T")
TOKEN_ERRORS = {40001, 42001, 40014}

EXPLANATIONS: dict[int, tuple[str, str]] = {
    40164: (
        "this machine's IP address is not on the account's whitelist",
        "add this machine's public IP in mp.weixin.qq.com > 设置与开发 > 基本配置 > IP白名单, "
        "or publish through a whitelisted relay with WECHAT_API_BASE",
    ),
    40001: ("the access token is invalid", "it was refreshed and retried; check the app secret"),
    42001: ("the access token expired", "it was refreshed and retried; try again"),
    40013: ("the AppID is not valid", "check WECHAT_APP_ID (开发 > 基本配置)"),
    40125: ("the AppSecret is not valid", "check WECHAT_APP_SECRET, or reset it in 基本配置"),
    40007: (
        "the cover is not a valid permanent media id",
        "the cover must be uploaded as permanent material; run publish again",
    ),
    44003: ("the article is empty", "write something in the article"),
    45002: (
        "the article is too large (over 20,000 characters or 1 MB)",
        "split it, or use fewer and smaller images (wxformat check shows the size)",
    ),
    45003: ("the title is too long (at most 32 characters)", "shorten `title` in the front matter"),
    45004: (
        "the digest is too long (at most 128 characters)",
        "shorten `digest` in the front matter",
    ),
    45110: (
        "the author is too long (at most 16 characters)",
        "shorten `author` in the front matter",
    ),
    40005: ("WeChat rejected an image's type", "use JPEG or PNG"),
    40009: ("an image is too large for WeChat", "shrink it under 1 MB"),
    40033: (
        "the request held characters WeChat refuses (\\u escapes)",
        "report this as a wxformat bug",
    ),
    48001: (
        "this API is not authorised for the account (unverified accounts lack some)",
        "check the account's API permissions in 接口权限",
    ),
    -1: ("WeChat is busy", "try again in a minute"),
}


class PublishError(WxformatError):
    """WeChat refused, or could not be reached."""

    errcode: int | None = None  # WeChat's error code, when WeChat answered one


def redact(url: str) -> str:
    """url without the user name and password it may carry (`http://***@relay`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("@")[-1] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _text(answer: dict[str, Any], key: str, what: str) -> str:
    """A field WeChat always sends: a one-line error when the answer lacks it."""
    value = answer.get(key)
    if not isinstance(value, str) or not value:
        raise PublishError(
            f"{what}: WeChat's answer has no {key}",
            "try again; if it persists, check that WECHAT_API_BASE points at WeChat",
        )
    return value


def explain(errcode: int, errmsg: str, where: str) -> PublishError:
    what, fix = EXPLANATIONS.get(
        errcode,
        (f"WeChat answered {errmsg or 'an error'}", "see the error code in WeChat's API docs"),
    )
    error = PublishError(f"{where}: {what} (WeChat error {errcode})", fix)
    error.errcode = errcode
    return error


@dataclass(frozen=True)
class Credentials:
    app_id: str
    app_secret: str

    def __repr__(self) -> str:  # never print the secret, not even by accident
        return f"Credentials(app_id={self.app_id!r}, app_secret='***')"


class WeChatClient:
    def __init__(
        self,
        credentials: Credentials,
        api_base: str = DEFAULT_API_BASE,
        cache_dir: Path | None = None,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        request_timeout: float = REQUEST_TIMEOUT,
        run_timeout: float = RUN_TIMEOUT,
    ) -> None:
        self.credentials = credentials
        self.api_base = api_base.rstrip("/")
        self.shown_base = redact(self.api_base)  # what messages may say
        self.cache_dir = cache_dir
        self.http = http or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
        self.sleep = sleep
        self.request_timeout = request_timeout
        self.run_timeout = run_timeout
        self.deadline = time.monotonic() + run_timeout
        self._token: str | None = None

    def bounded(self, call: Callable[[], T], what: str) -> T:
        """call() (one request, its answer read whole) within the request's own deadline
        and the run's. httpx's timeouts count each read, so a host sending a byte every
        few seconds never trips them: the call runs in a thread that is left behind."""
        remaining = self.deadline - time.monotonic()
        limit = min(self.request_timeout, remaining)
        if limit <= 0:
            raise self._late(what)
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = call()
            except BaseException as exc:  # handed to the caller's thread below
                box["error"] = exc

        worker = threading.Thread(target=run, name="wxformat-request", daemon=True)
        worker.start()
        worker.join(limit)
        if worker.is_alive():
            if remaining <= self.request_timeout:
                raise self._late(what)
            raise PublishError(
                f"{what}: no complete answer within {self.request_timeout:g} s",
                "check the network; raise request_timeout under [publish] for a slow link",
            )
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]

    def _late(self, what: str) -> PublishError:
        return PublishError(
            f"{what}: publishing took over {self.run_timeout:g} s, and stopped",
            "check the network; give more time with --timeout SECONDS",
        )

    def pause(self, seconds: float, what: str) -> None:
        """Back off before a retry, unless that would pass the run's deadline."""
        if time.monotonic() + seconds >= self.deadline:
            raise self._late(what)
        self.sleep(seconds)

    # --- token ---------------------------------------------------------------------------

    def _token_file(self) -> Path | None:
        if self.cache_dir is None:
            return None
        import hashlib

        owner = hashlib.sha256(f"{self.api_base}|{self.credentials.app_id}".encode()).hexdigest()[
            :16
        ]
        return self.cache_dir / f"token-{owner}.json"

    def token(self, force_refresh: bool = False) -> str:
        path = self._token_file()
        if not force_refresh:
            if self._token:
                return self._token
            if path and path.exists():
                try:
                    saved = json.loads(path.read_text(encoding="utf-8"))
                    if saved.get("expires_at", 0) > time.time() + 60:
                        self._token = str(saved["access_token"])
                        return self._token
                except (OSError, ValueError, KeyError):
                    pass
        body = {
            "grant_type": "client_credential",
            "appid": self.credentials.app_id,
            "secret": self.credentials.app_secret,
        }
        if force_refresh:
            body["force_refresh"] = True  # type: ignore[assignment]
        data = self._send(
            "POST",
            "/cgi-bin/stable_token",
            "getting an access token",
            json_body=body,
            with_token=False,
        )
        self._token = _text(data, "access_token", "getting an access token")
        expires_in = data.get("expires_in")
        if path:
            lifetime = expires_in if isinstance(expires_in, int) and expires_in > 0 else 7200
            self._save_token(path, self._token, lifetime)
        return self._token

    @staticmethod
    def _save_token(path: Path, token: str, expires_in: int) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"access_token": token, "expires_at": time.time() + expires_in}, handle)
            os.chmod(path, 0o600)
        except OSError:
            pass  # a token we cannot cache is fetched again next time

    # --- calls ---------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        what: str,
        json_body: Any = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        params: dict[str, str] | None = None,
        with_token: bool = True,
    ) -> dict[str, Any]:
        """One API call with retries; returns the JSON answer or raises PublishError."""
        refreshed = False  # the token is refreshed at most once per call
        force_refresh = False
        attempt = 0
        while True:
            attempt += 1
            query = dict(params or {})
            if with_token:
                query["access_token"] = self.token(force_refresh=force_refresh)
                force_refresh = False
            content = None
            headers = {}
            if json_body is not None:
                # UTF-8 as is: WeChat refuses \\u escapes in drafts (40033)
                content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
                headers["Content-Type"] = "application/json; charset=utf-8"
            try:
                response = self.bounded(
                    partial(
                        self.http.request,
                        method,
                        self.api_base + path,
                        params=query,
                        content=content,
                        files=files,
                        headers=headers,
                    ),
                    what,
                )
            except httpx.TransportError as exc:
                if attempt < RETRIES:
                    self.pause(0.5 * 2 ** (attempt - 1), what)
                    continue
                raise PublishError(
                    f"{what}: cannot reach {self.shown_base} ({type(exc).__name__})",
                    "check the network, or set WECHAT_API_BASE to a reachable relay",
                ) from None
            if response.status_code >= 500 and attempt < RETRIES:
                self.pause(0.5 * 2 ** (attempt - 1), what)
                continue
            try:
                data = response.json()
            except ValueError:
                raise PublishError(
                    f"{what}: WeChat answered HTTP {response.status_code} without JSON",
                    "try again later",
                ) from None
            errcode = self._errcode(data, what)
            if errcode == 0:
                return dict(data)
            if errcode in TOKEN_ERRORS and with_token and not refreshed:
                refreshed = force_refresh = True  # refresh the token once, then retry
                attempt = 0
                continue
            if errcode == -1 and attempt < RETRIES:
                self.pause(0.5 * 2 ** (attempt - 1), what)
                continue
            raise explain(errcode, str(data.get("errmsg", "")), what)

    @staticmethod
    def _errcode(data: Any, what: str) -> int:
        """The answer's error code (0: none); a one-line error for an answer of another shape."""
        hint = "try again; if it persists, check that WECHAT_API_BASE points at WeChat"
        if not isinstance(data, dict):
            raise PublishError(f"{what}: WeChat answered JSON that is not an object", hint)
        errcode = data.get("errcode") or 0
        if isinstance(errcode, bool) or not isinstance(errcode, (int, str)):
            errcode = "?"
        try:
            return int(errcode)
        except ValueError:
            raise PublishError(
                f"{what}: WeChat answered an error code that is not a number", hint
            ) from None

    def upload_image(self, data: bytes, filename: str, mime: str) -> str:
        """A body image (jpg/png under 1 MB) -> its URL on WeChat's CDN."""
        answer = self._send(
            "POST",
            "/cgi-bin/media/uploadimg",
            f"uploading {filename}",
            files={"media": (filename, data, mime)},
        )
        return _text(answer, "url", f"uploading {filename}")

    def add_material(self, data: bytes, filename: str, mime: str) -> tuple[str, str]:
        """Permanent image material (covers, GIFs) -> (media_id, url)."""
        answer = self._send(
            "POST",
            "/cgi-bin/material/add_material",
            f"uploading {filename}",
            files={"media": (filename, data, mime)},
            params={"type": "image"},
        )
        url = answer.get("url")
        return _text(answer, "media_id", f"uploading {filename}"), url if isinstance(
            url, str
        ) else ""

    def add_draft(self, article: dict[str, Any]) -> str:
        answer = self._send(
            "POST", "/cgi-bin/draft/add", "creating the draft", json_body={"articles": [article]}
        )
        return _text(answer, "media_id", "creating the draft")

    def update_draft(self, media_id: str, article: dict[str, Any]) -> None:
        """Replace the one article of a draft this tool created earlier. WeChat answers
        40007 when that draft no longer exists (deleted in the editor, or published)."""
        self._send(
            "POST",
            "/cgi-bin/draft/update",
            "updating the draft",
            json_body={"media_id": media_id, "index": 0, "articles": article},
        )
