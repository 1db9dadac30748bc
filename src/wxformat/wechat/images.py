"""W19 images: local files embedded as `data:` URIs under a size limit (WeChat cannot fetch
relative or file: paths), `max-width:100%`, and an image alone in its paragraph becomes a
`<figure>` with a caption from its alt text or title."""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from wxformat.tree import tags
from wxformat.wechat.context import Context

_FILE_LIKE = re.compile(
    r"(?i)^(?:image|img|pic|screenshot|截图|图片)?[-_\w.]*\.(?:png|jpe?g|gif|webp|svg|bmp)$|^image$|^img$|^图片$"
)
# what an editor writes as alt text when the writer wrote none: CSDN's upload placeholders,
# Typora's pasted-image names (image-20230101123456789), screenshot names
_PLACEHOLDER = re.compile(
    r"(?i)^(?:在这里插入图片描述|这里写图片描述|请?输入图片(?:描述|说明|名称)|图片描述|"
    r"(?:image|img|pic|截图|截屏|屏幕截图|screenshot|screen ?shot|snipaste|微信图片)"
    r"(?:[-_ ]*[\d.\-_ ]*\d(?: at [\d.: ]+)?)?)$"
)
MIME_BY_SUFFIX = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".bmp": "image/bmp",
}


def caption_for(img: Tag) -> str:
    """The caption a reader should see: the alt text (or title) unless it is a file name."""
    for attr in ("title", "alt"):
        text = str(img.get(attr) or "").strip()
        if text and not _FILE_LIKE.match(text) and not _PLACEHOLDER.match(text):
            return text
    return ""


def local_path(src: str, base_dir: Path) -> Path | None:
    """The file a relative or file: image source points at, or None for web and data URLs."""
    parts = urlsplit(src)
    if parts.scheme in ("http", "https", "data"):
        return None
    if src.startswith("//"):
        return None
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if parts.scheme and len(parts.scheme) > 1:
        return None
    return base_dir / unquote(parts.path)


def _embed(img: Tag, ctx: Context) -> bool:
    """Embed a local image; False when the image cannot reach WeChat at all."""
    src = str(img.get("src") or "").strip()
    path = local_path(src, ctx.base_dir)
    if path is None:
        return bool(src) and not src.lower().startswith("javascript:")
    limit = ctx.image_embed_limit_kb * 1024
    size = ctx.files.size(path)
    if size is None:
        ctx.warn(
            "W19",
            f"image {src} was not found next to the article: WeChat cannot fetch it",
            ctx.line_of(src),
            "check the path, or put the image online (https://...)",
        )
        return False
    if size > limit:
        ctx.warn(
            "W19",
            f"image {src} is {size // 1024} KB, over the "
            f"{ctx.image_embed_limit_kb} KB embed limit: "
            "WeChat cannot fetch a local path",
            ctx.line_of(src),
            "shrink it, raise image_embed_limit_kb, or host it online",
        )
        return False
    mime = MIME_BY_SUFFIX.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    if not mime or not mime.startswith("image/"):
        ctx.warn(
            "W19",
            f"{src} is not an image WeChat can show",
            ctx.line_of(src),
            "use PNG, JPEG or GIF",
        )
        return False
    try:
        data = ctx.files.read(path)
    except OSError:
        ctx.warn("W19", f"image {src} cannot be read", ctx.line_of(src), "check its permissions")
        return False
    img["src"] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return True


def _alone_in_paragraph(img: Tag) -> Tag | None:
    parent = img.parent
    if not isinstance(parent, Tag) or parent.name != "p":
        return None
    for child in parent.contents:
        if child is img:
            continue
        if isinstance(child, NavigableString) and not child.strip():
            continue
        if isinstance(child, Tag) and child.name == "br":
            continue
        return None
    return parent


def fix_images(soup: BeautifulSoup, ctx: Context) -> None:
    for img in tags(soup, "img"):
        src = str(img.get("src") or "").strip()
        scheme = urlsplit(src).scheme.lower() if ":" in src else ""
        if not src or (len(scheme) > 1 and scheme not in ("http", "https", "data", "file")):
            if src:
                ctx.warn(
                    "W19",
                    f"image {src} is not a picture address (only https, data or a file)",
                    ctx.line_of(src),
                    "point the image at a file or an https URL",
                )
            img.replace_with(caption_for(img) or str(img.get("alt") or ""))  # nothing to show
            continue
        # an image that cannot be embedded keeps its src, so the writer sees which one it is
        # and check names it; replacing it would hide the reference
        _embed(img, ctx)
        width = str(img.get("width") or "").strip().removesuffix("px")
        img["class"] = "wx-img"
        if width.isdigit():
            img["style"] = f"width:{width}px"
        elif width.endswith("%") and width[:-1].isdigit() and 0 < int(width[:-1]) <= 100:
            img["style"] = f"width:{width}"
        for attr in ("width", "height"):
            if img.has_attr(attr):
                del img[attr]
        paragraph = _alone_in_paragraph(img)
        if paragraph is None:
            continue
        figure = soup.new_tag("figure")
        figure["class"] = "wx-figure"
        figure.append(img.extract())
        caption = caption_for(img)
        if caption:
            cap = soup.new_tag("figcaption")
            cap["class"] = "wx-figcaption"
            cap.string = caption
            figure.append(cap)
        paragraph.replace_with(figure)
