"""W18 links: only mp.weixin.qq.com links stay clickable. Other links keep their text, get a
superscript [n] and an entry in a numbered reference list at the end (duplicates share a
number). A bare URL, whose text is the URL, becomes plain text. In-page `#` links
(footnotes) lose their href: WeChat refuses to save them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from wxformat.tree import children, first, has_class, last_first, tags
from wxformat.wechat.context import Context

WECHAT_HOSTS = ("mp.weixin.qq.com",)


def is_wechat_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in WECHAT_HOSTS


def _bare(text: str, url: str) -> bool:
    def strip(u: str) -> str:
        u = u.strip().rstrip("/")
        for prefix in ("https://", "http://", "mailto:"):
            if u.lower().startswith(prefix):
                u = u[len(prefix) :]
        return u.lower()

    return strip(text) == strip(url)


def fix_links(soup: BeautifulSoup, ctx: Context) -> None:
    root = first(soup, "section", cls="wx-article") or soup
    numbers: dict[str, int] = {}
    entries: list[tuple[int, str, str]] = []
    footnote_refs = []
    for a in tags(soup, "a", cls="footnote-ref"):
        mark = a.parent if isinstance(a.parent, Tag) and a.parent.name == "sup" else a
        mark["class"] = "wx-ref wx-footnote-ref"
        footnote_refs.append(mark)
    # the tree is changed in two passes: first in place (numbers in reading order), then
    # moves, last first, with each link's position counted once (see `last_first`)
    moves: dict[int, Tag | None] = {}  # link -> the mark to put after it, or None: unwrap
    moved: list[Tag] = []
    for a in tags(soup, "a"):
        href = str(a.get("href") or "").strip()
        classes: list[str] = list(a.get("class") or [])
        if "footnote-backref" in classes:
            moves[id(a)] = a  # removed
            moved.append(a)
            continue
        if first(a, "img") is not None or not href or href.startswith("#"):
            moves[id(a)] = None
            moved.append(a)
            continue
        if is_wechat_url(href):
            a.attrs = {"href": href, "class": "wx-link wx-link-wechat"}
            continue
        text = a.get_text().strip()
        if _bare(text, href) or href.lower().startswith("mailto:") or not text:
            a.name = "span"
            a.attrs = {"class": "wx-url"}
            a.string = text or href
            continue
        if href not in numbers:
            numbers[href] = len(numbers) + 1
            entries.append((numbers[href], text, href))
        a.name = "span"
        a.attrs = {"class": "wx-link"}
        ref = soup.new_tag("sup")
        ref["class"] = "wx-ref"
        ref.string = f"[{numbers[href]}]"
        moves[id(a)] = ref
        moved.append(a)
    for node, parent, i in last_first(moved):
        after = moves[id(node)]
        if after is node:  # a footnote's back link
            node.extract(_self_index=i)
            node.decompose()
        elif after is None:  # unwrap
            node.extract(_self_index=i)
            parent.insert(i, *list(node.contents))
        else:
            parent.insert(i + 1, after)
    if entries:
        _append_references(soup, root, entries, ctx.references_title)
    _renumber_footnotes(soup, footnote_refs, len(entries))


def _renumber_footnotes(soup: BeautifulSoup, refs: list[Tag], offset: int) -> None:
    """Footnotes follow the link references ([1] [2] links, then [3] a note): no [n] twice."""
    if not offset:
        return
    for ref in refs:
        ref.string = re.sub(r"\d+", lambda m: str(int(m.group(0)) + offset), ref.get_text())
    notes = first(soup, cls="wx-footnotes")
    listing = first(notes, "ol") if notes is not None else None
    if listing is not None:
        listing["start"] = str(int(str(listing.get("start") or 1)) + offset)


def _append_references(
    soup: BeautifulSoup, root: Tag | BeautifulSoup, entries: list[tuple[int, str, str]], title: str
) -> None:
    block = soup.new_tag("section")
    block["class"] = "wx-references"
    heading = soup.new_tag("p")
    heading["class"] = "wx-references-title"
    heading.string = title
    block.append(heading)
    for number, text, url in entries:
        entry = soup.new_tag("p")
        entry["class"] = "wx-reference"
        mark = soup.new_tag("span")
        mark["class"] = "wx-reference-number"
        mark.string = f"[{number}]\u00a0"
        entry.append(mark)
        entry.append(f"{text}: " if text and not _bare(text, url) else "")
        link = soup.new_tag("em")
        link["class"] = "wx-reference-url"
        link.string = url
        entry.append(link)
        block.append(entry)
    # the references close the article body: before its footnotes and the promo footer
    after = first(root, cls="wx-footnotes") or next(
        (child for child in children(root) if has_class(child, "wx-footer")), None
    )
    if after is not None:
        after.insert_before(block)
    else:
        root.append(block)
