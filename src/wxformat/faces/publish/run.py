"""Publishing one article as a draft: convert it exactly as `convert` does, upload every image
(cached by content hash), upload the cover as permanent material, then create the draft
last, so a failure leaves no half-made draft behind.

The draft's media_id is remembered per article (by its absolute path, in the upload store),
so publishing the article again updates that draft instead of adding another one; a draft
deleted on WeChat's side (40007) is replaced by a new one."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from wxformat.article import Article, read_article
from wxformat.cache import open_default
from wxformat.faces.publish.account import connect, user_cache_dir
from wxformat.faces.publish.api import PublishError, WeChatClient, redact
from wxformat.faces.publish.hosting import ImageHost
from wxformat.faces.publish.images import ImageData, download, for_upload, load_image
from wxformat.faces.publish.store import UploadStore
from wxformat.faces.runner import DiskFiles, MermaidDiagrams
from wxformat.faces.title import title_heading
from wxformat.options import Options, PublishSettings, resolve
from wxformat.paths import config_dir
from wxformat.pipeline import convert, serialize
from wxformat.wechat.checks import MAX_HTML_BYTES

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
    action: str = "add"  # "add" a new draft, or "update" the one made before
    note: str = ""  # what happened that the user should know (a draft deleted on WeChat)
    cover: str = ""  # where the cover comes from, in the writer's words
    dropped_title_heading: bool = False

    def summary(self, dry_run: bool) -> str:
        """The plan in a few lines, for a person: what would be (or was) sent."""
        draft = self.draft
        content = str(draft.get("content", ""))
        size = len(content.encode("utf-8"))
        # WeChat's 20,000 count is the text a reader sees, as check counts it (W22), not
        # the HTML: a plain article's HTML is several times its text
        text_chars = len(re.sub(r"\s", "", BeautifulSoup(content, "html.parser").get_text()))
        verb = "would" if dry_run else "did"
        actions = {
            "add": "add a new draft",
            "update": f"update the draft {self.media_id} made last time (--new-draft: a new one)",
        }
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
            f"  content:  {text_chars:,} characters of text, {size / 1024:,.1f} KB of HTML "
            f"(WeChat takes at most {MAX_CONTENT_CHARS:,} characters of text and 1 MB)",
        ]
        if self.dropped_title_heading:
            lines += [
                "  heading:  the opening # heading repeats the title and is left out",
                "            (WeChat shows the title above the body; --keep-title-heading"
                " keeps it)",
            ]
        return "\n".join(lines)


# not prose: what a digest made of the article's first words must skip
_NOT_PROSE = ("pre", "table", "h1", "h2", "h3", "h4", "h5", "h6", "img", "figure", "sup", "svg")


def digest_of(article: Article) -> str:
    """An automatic digest: the article's first words of prose (paragraphs, lists, quotes),
    never a heading, code, a table, an image's alt text or a footnote; an inline formula as
    its TeX."""
    from wxformat.contract import DISPLAY_CLASS, MATH_CLASS
    from wxformat.render import render_markdown

    soup = BeautifulSoup(render_markdown(article.body, article.body_line), "html.parser")
    for tag in soup.find_all(_NOT_PROSE):
        tag.decompose()
    for tag in soup.find_all(class_=("footnote", DISPLAY_CLASS)):
        tag.decompose()
    for tag in soup.find_all(class_=MATH_CLASS):  # marked, so that none is cut in two
        tag.replace_with(f"\ue000{tag.get('data-tex') or ''}\ue001")
    compact = " ".join(soup.get_text().split())
    cut = compact[:AUTO_DIGEST]
    if cut.rfind("\ue000") > cut.rfind("\ue001"):  # a formula would end half-way: leave it out
        cut = cut[: cut.rfind("\ue000")].rstrip()
    return cut.replace("\ue000", "").replace("\ue001", "")


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
    new_draft: bool = False,
    allow_private_images: bool = False,
    timeout: float | None = None,
) -> Plan:
    article = read_article(path, options.encoding)
    resolved = resolve(article, options)
    settings = resolved.publish
    result = convert(
        article, resolved, files=DiskFiles(), cache=open_default(), diagrams=MermaidDiagrams()
    )
    if len(result.fragment.encode("utf-8")) > MAX_HTML_BYTES and "<svg" in result.fragment:
        # over what the draft API takes (W22), mostly because of formulas (a textbook
        # chapter): send them as PNG images instead, uploaded like any other image
        result = convert(
            article,
            resolved,
            files=DiskFiles(),
            cache=open_default(),
            diagrams=MermaidDiagrams(),
            math_images=True,
        )
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
        client = connect(settings, article.base_dir, timeout)
    store = UploadStore(_store_path(client, settings, dry_run))
    allow_private = allow_private_images or settings.allow_private_images
    fetch = None
    if client is not None:
        fetch = partial(download, client=client, allow_private=allow_private)
    host = ImageHost(client, store, plan.uploaded, plan.reused, allow_private=allow_private)
    first_image = host.host_all(soup, article.base_dir)
    first_label = host.first_label
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
    draft_key = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()
    remembered = None if new_draft else store.get("draft", draft_key)
    if remembered:
        plan.action, plan.media_id = "update", remembered["media_id"]
    if client is None:
        return plan
    # last: nothing half-made if anything failed
    if plan.action == "update":
        try:
            client.update_draft(plan.media_id, plan.draft)
        except PublishError as exc:
            if exc.errcode != 40007:
                raise
            plan.note = (
                f"the draft {plan.media_id} is no longer on WeChat (deleted or published): "
                "created a new one"
            )
            plan.action = "add"
    if plan.action == "add":
        plan.media_id = client.add_draft(plan.draft)
    store.put("draft", draft_key, {"media_id": plan.media_id, "article": str(path.resolve())})
    return plan


def _store_path(
    client: WeChatClient | None, publish: PublishSettings, dry_run: bool
) -> Path | None:
    """The account's upload store. A dry run reads it (to tell which draft it would update)
    when the account is known without a secret: from the client, WECHAT_APP_ID, or the
    credentials file; it never writes it."""
    if client is not None:
        return user_cache_dir() / f"uploads-{client.credentials.app_id}.json"
    if not dry_run:
        return None
    app_id = os.environ.get("WECHAT_APP_ID")
    if not app_id:
        path = (
            Path(publish.credentials).expanduser()
            if publish.credentials
            else config_dir() / "credentials.toml"
        )
        try:
            app_id = str(tomllib.loads(path.read_text(encoding="utf-8")).get("app_id") or "")
        except (OSError, tomllib.TOMLDecodeError):
            app_id = ""
    return user_cache_dir() / f"uploads-{app_id}.json" if app_id else None
