"""W18 links: only mp.weixin.qq.com links stay clickable. Other links keep their text, get a
superscript [n] and an entry in a numbered reference list at the end (duplicates share a
number). A bare URL, whose text is the URL, becomes plain text. In-page `#` links
(footnotes) lose their href: WeChat refuses to save them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement

from wxformat.tree import children, first, has_class, last_descendant, last_first
from wxformat.wechat.context import Context

WECHAT_HOSTS = ("mp.weixin.qq.com",)


def is_wechat_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in WECHAT_HOSTS


@lru_cache(maxsize=1024)  # a paragraph of links repeats its texts and addresses
def _plain(u: str) -> str:
    """An address or a link's text without its scheme, trailing slash and case."""
    u = u.strip().rstrip("/")
    for prefix in ("https://", "http://", "mailto:"):
        if u.lower().startswith(prefix):
            u = u[len(prefix) :]
    return u.lower()


def _bare(text: str, url: str) -> bool:
    return _plain(text) == _plain(url)


def fix_links(soup: BeautifulSoup, ctx: Context) -> None:
    root = first(soup, "section", cls="wx-article") or soup
    anchors, notes = _anchors_and_notes(soup)
    numbers: dict[str, int] = {}
    entries: list[tuple[int, str, str]] = []
    footnote_refs = []
    for a in anchors:
        if a.attrs.get("class") and has_class(a, "footnote-ref"):
            mark = a.parent if isinstance(a.parent, Tag) and a.parent.name == "sup" else a
            mark["class"] = "wx-ref wx-footnote-ref"
            footnote_refs.append(mark)
    # the tree is changed in passes: first in place (numbers in reading order), then links
    # are removed or unwrapped, last first, with each one's position counted once (see
    # `last_first`); then each reference mark goes in after its link, each paragraph's
    # children rebuilt once (bs4's insert shifts the children after it: 14,000 links in one
    # paragraph took a second)
    wechat: dict[str, bool] = {}  # href -> is_wechat_url(href), asked once per address
    moves: dict[int, Tag | None] = {}  # link -> itself: remove it, or None: unwrap
    moved: list[Tag] = []
    marks: list[tuple[Tag, Tag]] = []  # link, the mark to put after it
    for a in anchors:
        href = str(a.attrs.get("href") or "").strip()
        classes = a.attrs.get("class")  # a string (set by a fixer) is not searched for a class
        if not isinstance(classes, str) and "footnote-backref" in (classes or ()):
            moves[id(a)] = a  # removed
            moved.append(a)
            continue
        if _holds_image(a) or not href or href.startswith("#"):
            moves[id(a)] = None
            moved.append(a)
            continue
        if href not in wechat:
            wechat[href] = is_wechat_url(href)
        if wechat[href]:
            a.attrs = {"href": href, "class": "wx-link wx-link-wechat"}
            continue
        text = _text(a).strip()
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
        marks.append((a, _reference_mark(soup, f"[{numbers[href]}]")))
    for node, parent, i in last_first(moved):
        if moves[id(node)] is node:  # a footnote's back link
            node.extract(_self_index=i)
            node.decompose()
        else:  # unwrap
            node.extract(_self_index=i)
            parent.insert(i, *list(node.contents))
    _insert_after(marks)
    if entries:
        _append_references(soup, root, entries, ctx.references_title, notes)
    _renumber_footnotes(soup, footnote_refs, len(entries), notes)


def _anchors_and_notes(soup: BeautifulSoup) -> tuple[list[Tag], list[Tag]]:
    """Every link, and every element that may be the footnotes block, in document order:
    one walk of the tree (links never stay footnote blocks: each loses its classes)."""
    anchors: list[Tag] = []
    notes: list[Tag] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name == "a":
                anchors.append(node)
            elif node.attrs.get("class") and has_class(node, "wx-footnotes"):
                notes.append(node)
    return anchors, notes


def _first_notes(notes: list[Tag], root: Tag | BeautifulSoup) -> Tag | None:
    """What `first(root, cls="wx-footnotes")` finds now, among the candidates found before
    the links changed: still in the tree under root, still of that class."""
    for note in notes:
        if note is root or not has_class(note, "wx-footnotes"):
            continue
        node: Tag | None = note
        while node is not None and node is not root:
            node = node.parent
        if node is root:
            return note
    return None


def _holds_image(a: Tag) -> bool:
    if not any(isinstance(child, Tag) for child in a.contents):  # text only: the usual link
        return False
    return any(isinstance(node, Tag) and node.name == "img" for node in a.descendants)


def _text(a: Tag) -> str:
    """a.get_text(), without its generators for the usual link of one piece of text."""
    contents = a.contents
    if len(contents) == 1 and type(contents[0]) is NavigableString:
        return str(contents[0])
    return a.get_text()


def _reference_mark(soup: BeautifulSoup, number: str) -> Tag:
    """<sup class="wx-ref">[n]</sup>, as `soup.new_tag` builds it and `append` links its
    text in (new_tag spends half its time on a typing cast, once per mark)."""
    builder = soup.builder
    attributes: dict[str, Any] = getattr(builder, "attribute_dict_class", dict)()
    tag_class = cast(type[Tag], soup.element_classes.get(Tag, Tag))
    mark = tag_class(None, builder, "sup", None, None, attributes)
    mark["class"] = "wx-ref"
    text = NavigableString(number)
    text.parent = mark
    text.previous_element = mark
    mark.next_element = text
    mark.contents.append(text)
    return mark


def _insert_after(marks: list[tuple[Tag, Tag]]) -> None:
    """Each mark right after its node (a node taken out of the tree meanwhile gets none),
    with the links bs4's `insert` would make, each parent's children rebuilt once."""
    by_parent: dict[int, tuple[Tag, dict[int, Tag]]] = {}
    for node, mark in marks:
        parent = node.parent
        if parent is None:
            continue
        if id(parent) not in by_parent:
            by_parent[id(parent)] = (parent, {})
        by_parent[id(parent)][1][id(node)] = mark
    for parent, after in by_parent.values():
        contents: list[PageElement] = []
        for child in parent.contents:
            contents.append(child)
            added = after.get(id(child))
            if added is not None:
                _link_after(parent, child, added)
                contents.append(added)
        parent.contents = contents


def _link_after(parent: Tag, child: PageElement, mark: Tag) -> None:
    """Link mark into the tree right after child: siblings, and the document order bs4
    walks (`next_element`), from child's last descendant through mark's to what followed."""
    last = last_descendant(child)
    following = last.next_element
    mark.parent = parent
    mark.previous_sibling = child
    mark.next_sibling = child.next_sibling
    if child.next_sibling is not None:
        child.next_sibling.previous_sibling = mark
    child.next_sibling = mark
    mark.previous_element = last
    last.next_element = mark
    mark_last = last_descendant(mark)
    mark_last.next_element = following
    if following is not None:
        following.previous_element = mark_last


def _renumber_footnotes(
    soup: BeautifulSoup, refs: list[Tag], offset: int, notes: list[Tag]
) -> None:
    """Footnotes follow the link references ([1] [2] links, then [3] a note): no [n] twice."""
    if not offset:
        return
    for ref in refs:
        ref.string = re.sub(r"\d+", lambda m: str(int(m.group(0)) + offset), ref.get_text())
    block = _first_notes(notes, soup)
    listing = first(block, "ol") if block is not None else None
    if listing is not None:
        listing["start"] = str(int(str(listing.get("start") or 1)) + offset)


def _append_references(
    soup: BeautifulSoup,
    root: Tag | BeautifulSoup,
    entries: list[tuple[int, str, str]],
    title: str,
    notes: list[Tag],
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
    after = _first_notes(notes, root) or next(
        (child for child in children(root) if has_class(child, "wx-footer")), None
    )
    if after is not None:
        after.insert_before(block)
    else:
        root.append(block)
