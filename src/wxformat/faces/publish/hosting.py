"""Images hosted on WeChat: every image of a converted article uploaded once (remembered by
content hash in the account's upload store) and its `src` replaced by the `mmbiz.qpic.cn`
URL WeChat returns. `publish` uses it for the draft; `convert`, `copy` and `preview` use it
with `--upload`, so a pasted article never depends on the editor re-hosting `data:` URIs or
foreign hosts (W19, W20)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from wxformat.article import Article
from wxformat.faces.publish.account import connect, user_cache_dir
from wxformat.faces.publish.api import WeChatClient, redact
from wxformat.faces.publish.images import ImageData, download, for_upload, load_image
from wxformat.faces.publish.store import UploadStore
from wxformat.options import PublishSettings
from wxformat.pipeline import Result, serialize
from wxformat.wechat.math import is_formula_image

# images already on WeChat's CDN need no upload
WECHAT_IMAGE_HOSTS = ("mmbiz.qpic.cn", "mmbiz.qlogo.cn")


def store_for(app_id: str) -> UploadStore:
    return UploadStore(user_cache_dir() / f"uploads-{app_id}.json")


@dataclass
class ImageHost:
    """Uploads images through the client, each once; with no client (a dry run) it only
    says what it would upload."""

    client: WeChatClient | None
    store: UploadStore
    uploaded: list[str] = field(default_factory=list)  # sent to WeChat this time
    reused: list[str] = field(default_factory=list)  # found in the upload store
    hosted: list[str] = field(default_factory=list)  # the original src of each image replaced
    first_label: str = ""  # how the first image is named to the user (a draft's cover)
    allow_private: bool = False  # fetch image URLs on loopback, link-local, private addresses

    def upload(self, image: ImageData, label: str) -> str:
        kind = "gif" if image.kind == "gif" else "body"
        known = self.store.get(kind, image.digest)
        if known:
            self.reused.append(label)
            return known["url"]
        self.uploaded.append(label)
        if self.client is None:
            return f"(would upload {label}: {len(image.data)} bytes)"
        if kind == "gif":  # uploadimg takes no GIF; permanent material keeps the animation
            media_id, url = self.client.add_material(
                image.data, Path(image.name).stem + ".gif", "image/gif"
            )
            self.store.put(kind, image.digest, {"url": url, "media_id": media_id})
            return url
        data, name, mime = for_upload(image)
        url = self.client.upload_image(data, name, mime)
        self.store.put(kind, image.digest, {"url": url})
        return url

    def host_all(self, soup: BeautifulSoup, base_dir: Path) -> ImageData | None:
        """Replace every image's src with its WeChat URL; the first image's bytes (a
        draft's cover when the article names none)."""
        fetch = None
        if self.client is not None:
            fetch = partial(download, client=self.client, allow_private=self.allow_private)
        first_image: ImageData | None = None
        for number, img in enumerate(soup.find_all("img"), 1):
            src = str(img.get("src") or "")
            if _host(src) in WECHAT_IMAGE_HOSTS:
                continue
            alt = " ".join(str(img.get("alt") or "").split())[:30]
            named = f"“{alt}”" if alt else ""
            where = f" {named}" if src.startswith("data:") else f" ({redact(src)[:60]})"
            label = f"image {number}{where}"
            if src.startswith(("http://", "https://")) and self.client is None:
                self.uploaded.append(label)
                img["src"] = f"(would download and upload {redact(src)})"
                continue
            image = load_image(src, base_dir, fetch)
            if first_image is None and not is_formula_image(img):  # a formula is no cover
                first_image, self.first_label = image, label
            img["src"] = self.upload(image, label)
            self.hosted.append(src)
        return first_image


def _host(src: str) -> str | None:
    try:
        return urlsplit(src).hostname
    except ValueError:  # not a URL at all (load_image says so)
        return None


def upload_images(result: Result, article: Article, publish: PublishSettings) -> Result:
    """The converted article with every image on WeChat's CDN (`--upload`)."""
    client = connect(publish, article.base_dir)
    host = ImageHost(
        client,
        store_for(client.credentials.app_id),
        allow_private=publish.allow_private_images,
    )
    soup = BeautifulSoup(result.fragment, "html.parser")
    host.host_all(soup, article.base_dir)
    root = soup.find("section")
    fragment = serialize(root) if root is not None else str(soup)
    # an image too large to embed was reported as unreachable; uploaded, it is not
    warnings = tuple(
        w
        for w in result.warnings
        if not (w.rule == "W19" and any(src in w.message for src in host.hosted))
    )
    return replace(result, fragment=fragment, warnings=warnings)
