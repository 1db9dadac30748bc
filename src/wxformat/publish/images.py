"""Images for the draft API: WeChat filters outside image URLs from draft content (W20), so
every image is uploaded first. Body images go through media/uploadimg, which takes JPEG or
PNG under 1 MB: other formats are converted and larger ones shrunk with Pillow. GIFs keep
their animation through material/add_material."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from wxformat.publish.api import PublishError

MAX_UPLOAD = 1024 * 1024
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


def load_image(src: str, base_dir: Path, http: httpx.Client | None) -> ImageData:
    """The bytes behind an image source: a data: URI, a local file, or a URL fetched now."""
    m = _DATA_URI.match(src)
    if m:
        return ImageData(
            base64.b64decode(m.group(2)), "image." + m.group(1).split("/")[-1].split("+")[0]
        )
    parts = urlsplit(src)
    if parts.scheme in ("http", "https"):
        if http is None:
            raise PublishError(f"cannot fetch {src} in a dry run", "run without --dry-run")
        try:
            response = http.get(src, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise PublishError(
                f"cannot download image {src} ({type(exc).__name__})",
                "check the URL, or save the image next to the article",
            ) from None
        return ImageData(response.content, Path(parts.path).name or "image")
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
