"""The WeChat editor's paste filter, simulated from shared/wechat-rules.md.

Given HTML, returns what the editor would keep and every change it made, each tagged with
its rule and whether a reader would notice. Used by `wxformat check` (for any HTML, ours or
another tool's) and by the preview's "as WeChat will show it" view. Rules: W1 stylesheets
and scripts, W2 form and media elements, W6 class and id, W7 event handlers, W8 custom
properties, W9 positioning, W14 white space in code, W15 white space alone between inline
elements, W18 links, W19 unfetchable images (hosts WeChat fails on: checks.diagnose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

from wxformat.css import parse_declarations
from wxformat.wechat.cleanup import BLOCK_TAGS

WECHAT_HOSTS = ("mp.weixin.qq.com",)
VIDEO_HOSTS = ("v.qq.com", "mp.weixin.qq.com")
# image hosts WeChat's fetcher is known to fail on ("图片上传失败", doocs/md#10)
FAILING_IMAGE_HOSTS = (
    "raw.githubusercontent.com",
    "gist.githubusercontent.com",
    "user-images.githubusercontent.com",
    "camo.githubusercontent.com",
)
REMOVED_WITH_CONTENT = ("style", "script", "link", "meta", "title", "head", "noscript", "template")
REMOVED_ELEMENTS = ("input", "button", "textarea", "select", "video", "audio", "object", "embed")
UNWRAPPED_ELEMENTS = ("form", "label", "fieldset")


@dataclass(frozen=True)
class Change:
    rule: str
    message: str
    element: str  # a short description of the element, e.g. <img src="a.png">
    needle: str  # text to find the element by in a source file
    hint: str
    visible: bool  # would a reader notice?


def describe(tag: Tag) -> str:
    for attr in ("src", "href"):
        if tag.get(attr):
            value = str(tag[attr])
            value = value[:60] + "…" if len(value) > 60 else value
            return f'<{tag.name} {attr}="{value}">'
    text = tag.get_text(" ", strip=True)[:30]
    return f"<{tag.name}>{text}" if text else f"<{tag.name}>"


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def paste_filter(html: str) -> tuple[str, list[Change]]:
    """What the WeChat editor keeps of html, and what it changed on the way."""
    soup = BeautifulSoup(html, "html.parser")
    changes: list[Change] = []

    def change(
        rule: str, message: str, tag: Tag, needle: str, hint: str, visible: bool = True
    ) -> None:
        changes.append(Change(rule, message, describe(tag), needle, hint, visible))

    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    removed = soup.find_all(REMOVED_WITH_CONTENT)
    # reported before anything goes: a whole page's <head> holds its <style> and <link>s
    for tag in removed:
        stylesheet = tag.name == "link" and "stylesheet" in str(tag.get("rel") or "").lower()
        script = tag.name == "script" and tag.get_text(strip=True)
        if tag.name == "style" or stylesheet or script:
            where = " in <head>" if tag.find_parent("head") is not None else ""
            change(
                "W1",
                f"<{tag.name}>{where} is removed: only inline style attributes survive",
                tag,
                tag.name,
                "inline the CSS (wxformat does) instead of a stylesheet",
            )
    for tag in removed:
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(REMOVED_ELEMENTS):
        kind = "checkbox" if tag.get("type") == "checkbox" else tag.name
        change(
            "W2",
            f"<{tag.name}> ({kind}) is removed by the editor",
            tag,
            kind,
            "task lists become drawn ☐/☑ in wxformat; use an image for media",
        )
        tag.decompose()
    for tag in soup.find_all("iframe"):
        if _host(str(tag.get("src", ""))) not in VIDEO_HOSTS:
            change(
                "W2",
                "an <iframe> other than WeChat's video player is removed",
                tag,
                str(tag.get("src", "iframe")),
                "link to the page instead, or insert a WeChat video",
            )
            tag.decompose()
    for tag in soup.find_all(UNWRAPPED_ELEMENTS):
        tag.unwrap()
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            lower = attr.lower()
            if lower == "id":
                del tag[attr]
            elif lower == "class":
                tag[attr] = ""
            elif lower.startswith("on"):
                change(
                    "W7",
                    f"the {attr} handler is removed",
                    tag,
                    attr,
                    "nothing to do",
                    visible=False,
                )
                del tag[attr]
        if tag.name == "use" or (tag.name == "svg" and "url(#" in str(tag)):
            change(
                "W6",
                "an SVG that refers to ids (<use>, url(#…)) loses them: its drawing breaks",
                tag,
                "svg",
                "draw with self-contained paths (wxformat's SVG has no ids)",
            )
        style = tag.get("style")
        if style is not None:
            tag["style"] = _filter_style(str(style), tag, changes)
    for pre in soup.find_all("pre"):
        _collapse_code(pre, changes)
    _drop_blank_text(soup, changes)
    for a in soup.find_all("a"):
        href = str(a.get("href") or "").strip()
        if not href:
            continue
        if href.startswith("#"):
            change(
                "W18",
                'an in-page link (href="#…") makes the editor refuse to save',
                a,
                href,
                "remove the link (wxformat keeps footnotes without # links)",
            )
            a.unwrap()
        elif _host(href) not in WECHAT_HOSTS:
            change(
                "W18",
                f"the link to {href} stops working: only mp.weixin.qq.com links survive",
                a,
                href,
                "let wxformat turn it into a numbered reference, or link a WeChat article",
            )
            a.unwrap()
    for img in soup.find_all("img"):
        src = str(img.get("src") or "").strip()
        scheme = urlsplit(src).scheme.lower() if src else ""
        # images on hosts WeChat fails to fetch are reported by checks.diagnose, which
        # check runs on any HTML too: reported here as well, they were reported twice
        if scheme not in ("http", "https", "data"):
            change(
                "W19",
                f"image {src or '(no src)'} cannot be fetched by WeChat: it will be missing",
                img,
                src or "img",
                "WeChat fetches only http(s) images: give an https URL, or embed the image "
                "as data: (wxformat embeds the local images of a Markdown article)",
            )
            img.decompose()
    return str(soup), changes


def _filter_style(style: str, tag: Tag, changes: list[Change]) -> str:
    kept = []
    for name, value in parse_declarations(style):
        if name.startswith("--") or "var(" in value:
            changes.append(
                Change(
                    "W8",
                    f"the declaration {name}: {value[:40]} is dropped (var() breaks it)",
                    describe(tag),
                    value,
                    "resolve variables to literal values",
                    True,
                )
            )
            continue
        if name == "position" and value.lower() in ("absolute", "fixed", "sticky"):
            changes.append(
                Change(
                    "W9",
                    f"position: {value} is removed: the element moves",
                    describe(tag),
                    value,
                    "lay out with margins or flex instead",
                    True,
                )
            )
            continue
        kept.append(f"{name}:{value}")
    return ";".join(kept)


def _drop_blank_text(soup: BeautifulSoup, changes: list[Change]) -> None:
    """W14, W15: outside code too, a text node of spaces and line breaks alone is deleted.
    Between block tags nobody notices; between two inline elements (`<b>定义</b> <i>x</i>`)
    the words run together."""
    joined: list[Tag] = []
    for text in list(soup.find_all(string=True)):
        if not isinstance(text, NavigableString) or text.find_parent("pre") is not None:
            continue
        if not text or text.strip(" \t\n\r"):
            continue
        before, after = text.previous_sibling, text.next_sibling
        inline = (
            all(isinstance(t, Tag) and t.name not in BLOCK_TAGS for t in (before, after))
            and text.parent is not None
            and text.parent.name not in ("ul", "ol", "table", "tr")
        )
        if inline and isinstance(before, Tag):
            joined.append(before)
        text.extract()
    if joined:
        count = len(joined)
        changes.append(
            Change(
                "W15",
                f"{count} space{'s' if count > 1 else ''} between two inline elements "
                f"{'are' if count > 1 else 'is'} dropped: the words on either side run together",
                describe(joined[0]),
                joined[0].get_text()[:30].strip() or joined[0].name,
                "put the space inside the text next to it (wxformat does)",
                True,
            )
        )


def _collapse_code(pre: Tag, changes: list[Change]) -> None:
    """W14: inside <pre>, newlines vanish, runs of spaces collapse, text nodes made only of
    white space go, at any depth (the space between two highlight spans)."""
    altered = False
    for text in list(pre.find_all(string=True)):
        if not isinstance(text, NavigableString):
            continue
        value = str(text)
        if not value.strip():  # any white space, &nbsp; included (JavaScript's \s)
            if value:
                text.extract()
                altered = True
            continue
        new = re.sub(r"[ \t]{2,}", " ", value.replace("\r", "").replace("\n", ""))
        if new != value:
            text.replace_with(new)
            altered = True
    if altered:
        changes.append(
            Change(
                "W14",
                "the code block loses its line breaks and indentation",
                describe(pre),
                pre.get_text()[:30].strip(),
                "write spaces as &nbsp; and newlines as <br> (wxformat does)",
                True,
            )
        )
