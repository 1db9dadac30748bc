"""Images for the draft API: WeChat filters outside image URLs from draft content (W20), so
every image is uploaded first. Body images go through media/uploadimg, which takes JPEG or
PNG under 1 MB: other formats are converted and larger ones shrunk with Pillow. GIFs keep
their animation through material/add_material.

A remote image is downloaded within the client's deadlines, read as a stream that stops
at 20 MB, and only from a public address: a URL (or a redirect, or a name that resolves)
to loopback, link-local or private addresses is refused unless the user allows it
(`--allow-private-images`), so an article cannot make publish read the local network."""

from __future__ import annotations

import base64
import hashlib
import io
import ipaddress
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from wxformat.faces.publish.api import PublishError, WeChatClient, redact

MAX_UPLOAD = 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024  # no article image is larger; a stream past it is stopped
MAX_REDIRECTS = 5
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
_DATA_URI = re.compile(r"data:([\w/+.-]+);base64,(.*)", re.S)


@dataclass(frozen=True)
class ImageData:
    data: bytes
    name: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def kind(self) -> str:
        """jpeg, png, gif, webp, bmp or other, from the bytes themselves."""
        d = self.data
        if d.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if d.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if d[:6] in (b"GIF87a", b"GIF89a"):
            return "gif"
        if d[:4] == b"RIFF" and d[8:12] == b"WEBP":
            return "webp"
        if d[:2] == b"BM":
            return "bmp"
        return "other"


def _not_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _refuse_private(host: str, shown: str) -> None:
    """Refuse a host that is, or resolves to, a loopback, link-local or private address."""
    try:
        addresses = [host] if _is_ip(host) else _resolve(host)
    except OSError:
        return  # unresolvable: the download itself fails with a clear error
    private = [a for a in addresses if _not_public(a)]
    if private:
        raise PublishError(
            f"image {shown} is on a private address ({private[0]}): not fetched",
            "allow it with publish --allow-private-images (or allow_private_images = true "
            "under [publish]), or save the image next to the article",
        )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


def _resolve(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]


def download(url: str, client: WeChatClient, allow_private: bool = False) -> bytes:
    """A remote image's bytes: redirects followed one by one (each one checked), the body
    streamed and stopped at MAX_DOWNLOAD, the whole within the client's deadlines."""
    shown = redact(url)
    # through a proxy the connection is the proxy's; the names are still checked
    proxied = any(os.environ.get(v) or os.environ.get(v.upper()) for v in _PROXY_VARIABLES)

    def fetch() -> bytes:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise PublishError(
                    f"image {shown} leads to {redact(current)}, which is not a web address",
                    "save the image next to the article",
                )
            if not allow_private:
                _refuse_private(parts.hostname, shown)
            with client.http.stream("GET", current, follow_redirects=False) as response:
                stream = response.extensions.get("network_stream")
                peer = stream.get_extra_info("server_addr") if stream is not None else None
                if not allow_private and not proxied and peer and _not_public(str(peer[0])):
                    _refuse_private(str(peer[0]), shown)  # a name that changed its answer
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                response.raise_for_status()
                return _read_capped(response, shown)
        raise PublishError(f"image {shown} redirects too often", "use the image's own address")

    try:
        return client.bounded(fetch, f"downloading image {shown}")
    except httpx.HTTPError as exc:
        raise PublishError(
            f"cannot download image {shown} ({type(exc).__name__})",
            "check the URL, or save the image next to the article",
        ) from None


def _read_capped(response: httpx.Response, shown: str) -> bytes:
    too_big = PublishError(
        f"image {shown} is over {MAX_DOWNLOAD // 1024 // 1024} MB: download stopped",
        "use a smaller image, or save a smaller copy next to the article",
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_DOWNLOAD:
        raise too_big
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_DOWNLOAD:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def load_image(src: str, base_dir: Path, fetch: Callable[[str], bytes] | None) -> ImageData:
    """The bytes behind an image source: a data: URI, a local file, or a URL fetched now."""
    m = _DATA_URI.match(src)
    if m:
        return ImageData(
            base64.b64decode(m.group(2)), "image." + m.group(1).split("/")[-1].split("+")[0]
        )
    parts = urlsplit(src)
    if parts.scheme in ("http", "https"):
        if fetch is None:
            raise PublishError(f"cannot fetch {redact(src)} in a dry run", "run without --dry-run")
        return ImageData(fetch(src), Path(parts.path).name or "image")
    path = Path(unquote(parts.path)) if parts.scheme == "file" else base_dir / unquote(src)
    try:
        return ImageData(path.read_bytes(), path.name)
    except OSError:
        raise PublishError(f"image {src} cannot be read", "check the path in the article") from None


def for_upload(image: ImageData) -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) that media/uploadimg accepts: JPEG or PNG under 1 MB."""
    kind = image.kind
    stem = Path(image.name).stem or "image"
    if kind in ("jpeg", "png") and len(image.data) < MAX_UPLOAD:
        return image.data, f"{stem}.{'jpg' if kind == 'jpeg' else 'png'}", f"image/{kind}"
    from PIL import Image

    try:
        picture = Image.open(io.BytesIO(image.data))
        picture.load()
    except Exception:
        raise PublishError(
            f"image {image.name} is not a format wxformat can convert", "save it as PNG or JPEG"
        ) from None
    has_alpha = picture.mode in ("RGBA", "LA", "P") and kind != "jpeg"
    for scale in (1.0, 0.85, 0.7, 0.55, 0.4, 0.3, 0.2):
        size = (max(1, int(picture.width * scale)), max(1, int(picture.height * scale)))
        frame = picture.resize(size) if scale < 1 else picture
        out = io.BytesIO()
        if has_alpha:
            frame.convert("RGBA").save(out, "PNG", optimize=True)
            name, mime = f"{stem}.png", "image/png"
        else:
            frame.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            name, mime = f"{stem}.jpg", "image/jpeg"
        if out.tell() < MAX_UPLOAD:
            return out.getvalue(), name, mime
        if has_alpha:
            has_alpha = False  # no PNG small enough: a JPEG keeps the picture
    raise PublishError(f"image {image.name} cannot be made smaller than 1 MB", "shrink it yourself")
