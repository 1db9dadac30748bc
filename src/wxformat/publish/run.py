"""Publishing one article as a draft: convert it exactly as `convert` does, upload every image
(cached by content hash), upload the cover as permanent material, then create the draft
last, so a failure leaves no half-made draft behind."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from wxformat.article import Article, read_article
from wxformat.cache import open_default
from wxformat.options import Options, resolve
from wxformat.paths import APP, cache_dir, config_dir
from wxformat.pipeline import convert, serialize
from wxformat.publish.api import (
    DEFAULT_API_BASE,
    Credentials,
    PublishError,
    WeChatClient,
    redact,
)
from wxformat.publish.images import ImageData, download, for_upload, load_image
from wxformat.publish.store import UploadStore
from wxformat.runner import DiskFiles
from wxformat.title import title_heading

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_TITLE, MAX_AUTHOR, MAX_DIGEST, AUTO_DIGEST = 32, 16, 128, 54
MAX_CONTENT_CHARS = 20_000  # W22


@dataclass
class Plan:
    """What publishing does (or, in a dry run, would do)."""

    draft: dict[str, Any] = field(default_factory=dict)
    uploaded: list[str] = field(default_factory=list)  # images sent to WeChat this time
    reused: list[str] = field(default_factory=list)  # images found in the upload cache
    media_id: str = ""
    action: str = "add"  # "add" a new draft (or, later, "update" one)
    cover: str = ""  # where the cover comes from, in the writer's words
    dropped_title_heading: bool = False

    def summary(self, dry_run: bool) -> str:
        """The plan in a few lines, for a person: what would be (or was) sent."""
        draft = self.draft
        content = str(draft.get("content", ""))
        size = len(content.encode("utf-8"))
        verb = "would" if dry_run else "did"
        actions = {"add": "add a new draft"}
        images = [label for label in self.uploaded if label != "cover"]
        reused = [label for label in self.reused if label != "cover"]
        cover_state = (
            "already on WeChat"
            if "cover" in self.reused
            else ("to upload as permanent material" if dry_run else "uploaded")
        )
        lines = [
            f"{'plan' if dry_run else 'done'}: {actions.get(self.action, self.action)}",
            f"  title:    {draft.get('title', '')}",
            f"  author:   {draft.get('author') or '(none)'}",
            f"  digest:   {draft.get('digest') or '(none)'}",
            f"  cover:    {self.cover} ({cover_state})",
            f"  images:   {len(images)} to upload, {len(reused)} already on WeChat",
            *(f"            {verb} upload {label}" for label in images),
            f"  content:  {len(content):,} characters, {size / 1024:,.1f} KB "
            f"(WeChat takes under {MAX_CONTENT_CHARS:,} characters and 1 MB)",
        ]
        if self.dropped_title_heading:
            lines += [
                "  heading:  the opening # heading repeats the title and is left out",
                "            (WeChat shows the title above the body; --keep-title-heading"
                " keeps it)",
            ]
        return "\n".join(lines)


def user_cache_dir() -> Path:
    """Where the access token and the upload records live: the cache folder, even when the
    conversion cache is off (they are what keeps a second publish from uploading again)."""
    import platformdirs

    return cache_dir() or Path(platformdirs.user_cache_dir(APP, appauthor=False))


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
            f"move it out (e.g. to {config_dir() / 'credentials.toml'}) so it is never committed",
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:  # as ssh does with a private key
        raise PublishError(
            f"the credentials file {path} can be read by other users (mode {mode:o})",
            f"make it yours alone: chmod 600 {path}",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Credentials(str(data["app_id"]), str(data["app_secret"]))
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        raise PublishError(
            f"{path} has no app_id and app_secret", 'write app_id = "..." and app_secret = "..."'
        ) from None


# not prose: what a digest made of the article's first words must skip
_NOT_PROSE = ("pre", "table", "h1", "h2", "h3", "h4", "h5", "h6", "img", "figure", "sup", "svg")


def digest_of(article: Article) -> str:
    """An automatic digest: the article's first words of prose (paragraphs, lists, quotes),
    never a heading, code, a table, an image's alt text or a footnote; an inline formula as
    its TeX."""
    from wxformat.mdext.math import DISPLAY_CLASS, MATH_CLASS
    from wxformat.render import render_markdown

    soup = BeautifulSoup(render_markdown(article.body, article.body_line), "html.parser")
    for tag in soup.find_all(_NOT_PROSE):
        tag.decompose()
    for tag in soup.find_all(class_=("footnote", DISPLAY_CLASS)):
        tag.decompose()
    for tag in soup.find_all(class_=MATH_CLASS):
        tag.replace_with(str(tag.get("data-tex") or ""))
    compact = " ".join(soup.get_text().split())
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
    keep_title_heading: bool = False,
    allow_private_images: bool = False,
    timeout: float | None = None,
) -> Plan:
    article = read_article(path, options.encoding)
    resolved = resolve(article, options)
    settings = resolved.publish
    result = convert(article, resolved, files=DiskFiles(), cache=open_default())
    meta = article.meta
    title = result.title
    author = str(meta.get("author") or settings.author)
    soup = BeautifulSoup(result.fragment, "html.parser")
    plan = Plan()
    # WeChat shows the title above the body: an opening `# title` would show it twice
    heading = None if keep_title_heading else title_heading(soup, article)
    if heading is not None:
        heading.decompose()
        plan.dropped_title_heading = True
    # Hexo and Hugo call it description
    given = meta.get("digest") or meta.get("description")
    digest = " ".join(str(given).split()) if given else digest_of(article)
    _check_lengths(title, author, digest)
    if client is None and not dry_run:
        api_base = os.environ.get("WECHAT_API_BASE") or settings.api_base or DEFAULT_API_BASE
        credentials = load_credentials(settings.credentials, article.base_dir)
        client = WeChatClient(
            credentials,
            api_base,
            cache_dir=user_cache_dir(),
            request_timeout=settings.request_timeout,
            run_timeout=timeout or settings.timeout,
        )
    owner = client.credentials.app_id if client else "dry-run"
    store = UploadStore(user_cache_dir() / f"uploads-{owner}.json" if client else None)
    fetch = None
    if client is not None:
        fetch = partial(download, client=client, allow_private=allow_private_images)

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
    first_label = ""
    for number, img in enumerate(soup.find_all("img"), 1):
        src = str(img.get("src") or "")
        alt = " ".join(str(img.get("alt") or "").split())[:30]
        named = f"“{alt}”" if alt else ""
        where = f" {named}" if src.startswith("data:") else f" ({redact(src)[:60]})"
        label = f"image {number}{where}"
        if src.startswith(("http://", "https://")) and client is None:
            plan.uploaded.append(label)
            img["src"] = f"(would download and upload {redact(src)})"
            continue
        image = load_image(src, article.base_dir, fetch)
        if first_image is None:
            first_image, first_label = image, label
        img["src"] = upload(image, label)
    cover_source = meta.get("cover")
    if isinstance(cover_source, str) and cover_source.strip():
        cover: ImageData | None = load_image(cover_source.strip(), article.base_dir, fetch)
        plan.cover = redact(cover_source.strip())
    else:
        cover = first_image
        plan.cover = f"the first image ({first_label})"
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
    open_comments = comments if comments is not None else settings.open_comments
    only_fans = fans_only if fans_only is not None else settings.fans_only_comments
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
