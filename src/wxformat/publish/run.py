"""Publishing one article as a draft: convert it exactly as `convert` does, upload every image
(cached by content hash), upload the cover as permanent material, then create the draft
last, so a failure leaves no half-made draft behind."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from wxformat.article import read_article
from wxformat.pipeline import convert, serialize
from wxformat.publish.api import DEFAULT_API_BASE, Credentials, PublishError, WeChatClient
from wxformat.publish.images import ImageData, for_upload, load_image
from wxformat.publish.store import UploadStore
from wxformat.runner import Options, settings_for
from wxformat.wechat.checks import MAX_HTML_BYTES
from wxformat.wechat.math import is_formula_image

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_TITLE, MAX_AUTHOR, MAX_DIGEST, AUTO_DIGEST = 32, 16, 128, 54


@dataclass
class Plan:
    """What publishing does (or, in a dry run, would do)."""

    draft: dict[str, Any] = field(default_factory=dict)
    uploaded: list[str] = field(default_factory=list)  # images sent to WeChat this time
    reused: list[str] = field(default_factory=list)  # images found in the upload cache
    media_id: str = ""


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "wxformat"


def user_cache_dir() -> Path:
    from wxformat.cache import cache_dir

    return cache_dir() or Path(os.path.expanduser("~")) / ".cache" / "wxformat"


def load_credentials(settings_file: str, article_dir: Path) -> Credentials:
    """From WECHAT_APP_ID / WECHAT_APP_SECRET, else a credentials file outside the repository."""
    app_id, secret = os.environ.get("WECHAT_APP_ID"), os.environ.get("WECHAT_APP_SECRET")
    if app_id and secret:
        return Credentials(app_id, secret)
    path = Path(settings_file).expanduser() if settings_file else config_dir() / "credentials.toml"
    if not path.is_file():
        raise PublishError(
            "no WeChat credentials: set WECHAT_APP_ID and WECHAT_APP_SECRET",
            f"or write app_id and app_secret in {path} (outside your repository, mode 600)",
        )
    repo = next(
        (
            p
            for p in (article_dir.resolve(), *article_dir.resolve().parents)
            if (p / ".git").exists()
        ),
        None,
    )
    if repo is not None and repo in path.resolve().parents:
        raise PublishError(
            f"the credentials file {path} is inside the repository {repo}",
            "move it out (e.g. ~/.config/wxformat/credentials.toml) so it is never committed",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Credentials(str(data["app_id"]), str(data["app_secret"]))
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        raise PublishError(
            f"{path} has no app_id and app_secret", 'write app_id = "..." and app_secret = "..."'
        ) from None


def _digest_of(text: str) -> str:
    compact = " ".join(text.split())
    return compact[:AUTO_DIGEST]


def _check_lengths(title: str, author: str, digest: str) -> None:
    for name, value, limit in (
        ("title", title, MAX_TITLE),
        ("author", author, MAX_AUTHOR),
        ("digest", digest, MAX_DIGEST),
    ):
        if len(value) > limit:
            raise PublishError(
                f"the {name} has {len(value)} characters; WeChat takes at most {limit} (W22)",
                f"set a shorter `{name}` in the front matter",
            )


def publish(
    path: Path,
    options: Options,
    dry_run: bool = False,
    comments: bool | None = None,
    fans_only: bool | None = None,
    client: WeChatClient | None = None,
) -> Plan:
    article = read_article(path, options.encoding)
    settings = settings_for(article, options)
    result = convert(article, settings)
    if len(result.fragment.encode("utf-8")) > MAX_HTML_BYTES and "<svg" in result.fragment:
        # over what the draft API takes (W22), mostly because of formulas (a textbook
        # chapter): send them as PNG images instead, uploaded like any other image
        result = convert(article, settings, math_images=True)
    meta = article.meta
    title = result.title
    author = str(meta.get("author") or settings.publish.get("author") or "")
    soup = BeautifulSoup(result.fragment, "html.parser")
    digest = str(meta.get("digest") or _digest_of(soup.get_text(" ")))
    _check_lengths(title, author, digest)
    if client is None and not dry_run:
        api_base = os.environ.get("WECHAT_API_BASE") or str(
            settings.publish.get("api_base") or DEFAULT_API_BASE
        )
        credentials = load_credentials(
            str(settings.publish.get("credentials") or ""), article.base_dir
        )
        client = WeChatClient(credentials, api_base, cache_dir=user_cache_dir())
    owner = client.credentials.app_id if client else "dry-run"
    store = UploadStore(user_cache_dir() / f"uploads-{owner}.json" if client else None)
    plan = Plan()
    http = client.http if client else None

    def upload(image: ImageData, label: str) -> str:
        kind = "gif" if image.kind == "gif" else "body"
        known = store.get(kind, image.digest)
        if known:
            plan.reused.append(label)
            return known["url"]
        plan.uploaded.append(label)
        if client is None:
            return f"(would upload {label}: {len(image.data)} bytes)"
        if kind == "gif":  # uploadimg takes no GIF; permanent material keeps the animation
            media_id, url = client.add_material(
                image.data, Path(image.name).stem + ".gif", "image/gif"
            )
            store.put(kind, image.digest, {"url": url, "media_id": media_id})
            return url
        data, name, mime = for_upload(image)
        url = client.upload_image(data, name, mime)
        store.put(kind, image.digest, {"url": url})
        return url

    first_image: ImageData | None = None
    for number, img in enumerate(soup.find_all("img"), 1):
        src = str(img.get("src") or "")
        label = f"image {number}" + ("" if src.startswith("data:") else f" ({src[:60]})")
        if src.startswith(("http://", "https://")) and client is None:
            plan.uploaded.append(label)
            img["src"] = f"(would download and upload {src})"
            continue
        image = load_image(src, article.base_dir, http)
        if not is_formula_image(img):  # a formula never becomes the cover
            first_image = first_image or image
        img["src"] = upload(image, label)
    cover_source = meta.get("cover")
    if isinstance(cover_source, str) and cover_source.strip():
        cover: ImageData | None = load_image(cover_source.strip(), article.base_dir, http)
    else:
        cover = first_image
    if cover is None:
        raise PublishError(
            "a draft needs a cover image and the article has none",
            "add `cover: cover.jpg` to the front matter",
        )
    thumb = store.get("cover", cover.digest)
    if thumb:
        plan.reused.append("cover")
        thumb_media_id = thumb["media_id"]
    elif client is None:
        plan.uploaded.append("cover")
        thumb_media_id = "(would upload the cover as permanent material)"
    else:
        plan.uploaded.append("cover")
        data, name, mime = for_upload(cover)
        thumb_media_id, url = client.add_material(data, "cover-" + name, mime)
        store.put("cover", cover.digest, {"media_id": thumb_media_id, "url": url})
    open_comments = (
        comments if comments is not None else bool(settings.publish.get("open_comments", True))
    )
    only_fans = (
        fans_only
        if fans_only is not None
        else bool(settings.publish.get("fans_only_comments", False))
    )
    root = soup.find("section")
    plan.draft = {
        "title": title,
        "author": author,
        "digest": digest,
        "content": serialize(root) if root is not None else str(soup),
        "content_source_url": str(meta.get("source_url") or ""),
        "thumb_media_id": thumb_media_id,
        "need_open_comment": int(open_comments),
        "only_fans_can_comment": int(only_fans),
    }
    if client is not None:
        plan.media_id = client.add_draft(plan.draft)  # last: nothing half-made if anything failed
    return plan
