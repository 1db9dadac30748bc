"""The last pass over inlined HTML: what WeChat strips or breaks in attributes and inline CSS.

W6 class and id removed; W7 event handlers removed; W8 custom properties and `var()` gone;
W9 absolute/fixed/sticky positioning dropped; W11 font names quoted; W12 `!important`
dropped; W13 margin longhands written beside the shorthand; W15 compact HTML: no white
space between block tags, and soft line breaks inside paragraphs joined (no space
between two CJK characters).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bs4.element import Comment, NavigableString, PageElement, Tag

from wxformat.css import parse_declarations
from wxformat.tree import ancestor, last_descendant, remove_all, swap_all, swap_text
from wxformat.wechat.context import Context

BLOCK_TAGS = {
    "section", "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption",
    "pre", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "ul", "ol", "li", "hr", "br",
    "svg", "caption", "img",
}  # fmt: skip
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_UNSAFE_POSITION = {"absolute", "fixed", "sticky"}
_SIDES = ("top", "right", "bottom", "left")


def _quote_fonts(value: str) -> str:
    fonts = []
    for font in value.split(","):
        font = font.strip().strip("\"'")
        if not font:
            continue
        needs_quotes = " " in font or _CJK.search(font) or not font.isascii()
        fonts.append(f'"{font}"' if needs_quotes else font)
    return ",".join(fonts[:6]).replace('"', "'")


def _box_sides(value: str) -> list[str] | None:
    parts = value.split()
    if not 1 <= len(parts) <= 4 or any("(" in p for p in parts):
        return None
    top = parts[0]
    right = parts[1] if len(parts) > 1 else top
    bottom = parts[2] if len(parts) > 2 else top
    left = parts[3] if len(parts) > 3 else right
    return [top, right, bottom, left]


@lru_cache(maxsize=8192)  # pure; an article repeats a few hundred styles many times
def clean_style(style: str) -> str:
    """One element's inline CSS made safe for WeChat (W8, W9, W11, W12, W13)."""
    out: list[tuple[str, str]] = []
    for name, value in parse_declarations(style):
        value = re.sub(r"\s*!\s*important\s*$", "", value, flags=re.I)
        if name.startswith("--") or "var(" in value:
            continue
        if name == "position" and value.lower() in _UNSAFE_POSITION:
            continue
        if name in ("top", "left", "right", "bottom", "z-index"):
            continue
        if name == "font-family":
            value = _quote_fonts(value)
        out.append((name, value))
        if name == "margin":
            sides = _box_sides(value)
            if sides:
                out.extend((f"margin-{side}", v) for side, v in zip(_SIDES, sides, strict=True))
    seen: dict[str, str] = {}
    for name, value in out:
        seen.pop(name, None)
        seen[name] = value
    return ";".join(f"{n}:{v}" for n, v in seen.items())


def _compact_text(text: str) -> str:
    # a soft line break joins CJK directly, other text with one space
    return re.sub(
        r"[ \t]*\n[ \t]*",
        lambda m: "" if _joins_cjk(text, m.start(), m.end()) else " ",
        text,
    )


def _joins_cjk(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return bool(before and after and _CJK.match(before) and _CJK.match(after))


def _merge_strings(every: list[Tag]) -> bool:
    """Join neighbouring strings that fixers leave (an unwrapped link) so white space is
    judged as one piece; each run becomes its first string's place, the rest are removed in
    one rewrite per parent (one by one, bs4 searched the parent for each). True when any
    were joined."""
    joined: list[NavigableString] = []
    for tag in every:
        children = tag.contents
        i = 0
        while i < len(children) - 1:
            if (
                type(children[i]) is not NavigableString
                or type(children[i + 1]) is not NavigableString
            ):
                i += 1
                continue
            end = i + 1
            while end < len(children) and type(children[end]) is NavigableString:
                end += 1
            run = children[i:end]
            swap_text(run[0], "".join(run), i)  # type: ignore[arg-type]
            joined += run[1:]  # type: ignore[arg-type]
            i = end
    remove_all(joined)
    return bool(joined)


def _cleaned_attributes(attrs: dict[str, Any]) -> dict[str, Any]:
    """An element's attributes without class, id, event handlers and data-, its style made
    safe (W6, W7, clean_style)."""
    out = {}
    for attr, value in attrs.items():
        lower = attr.lower()
        if lower in ("class", "id") or lower.startswith(("on", "data-")):
            continue
        if attr == "style":
            value = clean_style(str(value))
            if not value:
                continue
        out[attr] = value
    return out


def clean_tree(root: Tag, ctx: Context | None = None) -> None:
    """Apply every attribute and white-space rule to the tree under root, in place."""
    # one walk for the elements, the comments and the strings; the strings are looked for
    # again only if joining strings or removing comments changed them
    every, notes, strings = _walk(root)
    if _merge_strings(every) or notes:
        remove_all(notes)
        strings = _walk(root)[2]
    # a long article repeats a few sets of attributes thousands of times: each cleaned once
    cleaned_sets: dict[tuple[Any, ...], dict[str, Any]] = {}
    for tag in every:
        if tag.name == "div":
            tag.name = "section"
        attrs = tag.attrs
        if not attrs:
            continue
        try:
            known = cleaned_sets.get(key := tuple(attrs.items()))
        except TypeError:  # a multi-valued attribute (a list) cannot be a key
            key, known = None, None
        if known is None:
            known = _cleaned_attributes(attrs)
            if key is not None:
                cleaned_sets[key] = known
        tag.attrs = type(attrs)(known)
    doomed: list[NavigableString] = []
    spaces: list[NavigableString] = []  # white space alone between two inline elements
    joined: list[NavigableString] = []  # text with soft line breaks
    for text, in_code in strings:
        parent = text.parent
        if in_code:
            # W14: code keeps every space, at any depth of spans; only the line breaks
            # between tags go (each line ends in a <br>)
            if not text.strip(" \n"):
                doomed.append(text)
            continue
        if not text.strip():
            prev_tag = text.previous_sibling
            next_tag = text.next_sibling
            at_block_edge = parent is None or (
                parent.name in BLOCK_TAGS
                and (
                    prev_tag is None
                    or next_tag is None
                    or (isinstance(prev_tag, Tag) and prev_tag.name in BLOCK_TAGS)
                    or (isinstance(next_tag, Tag) and next_tag.name in BLOCK_TAGS)
                )
            )
            if at_block_edge:
                doomed.append(text)
            else:
                spaces.append(text)
            continue
        if "\n" in text:
            joined.append(text)
    # positions counted once (a paragraph of 25,000 hard line breaks, or of thousands of
    # `*a* `, searched itself for each): text with line breaks becomes its joined lines;
    # each space folds into its neighbours, then goes or becomes a no-break space
    swap_all([(text, _compact_text(str(text))) for text in joined])
    remove_all(doomed)
    folded = [(text, _fold_space(text)) for text in spaces]
    swap_all([(text, stand_in) for text, stand_in in folded if stand_in])
    remove_all([text for text, stand_in in folded if not stand_in])


def _walk(root: Tag) -> tuple[list[Tag], list[Comment], list[tuple[NavigableString, bool]]]:
    """root and the elements under it, the comments, and the strings, each with whether it
    is inside a <pre>, in one walk (asking each string for its ancestors read a long
    article's nesting once per string)."""
    every: list[Tag] = [root]
    notes: list[Comment] = []
    strings: list[tuple[NavigableString, bool]] = []
    code_ends: object = None  # the first node after the <pre> being walked through
    for node in root.descendants:
        if node is code_ends:
            code_ends = None
        if isinstance(node, Tag):
            every.append(node)
            if code_ends is None and node.name == "pre":
                after = last_descendant(node).next_element
                code_ends = after if after is not None else _NOWHERE
        elif isinstance(node, Comment):
            notes.append(node)
        elif isinstance(node, NavigableString):
            strings.append((node, code_ends is not None))
    return every, notes, strings


_NOWHERE = object()  # a <pre> that ends the document: its code runs to the end


def _space_cost(text: NavigableString) -> int:
    """How much a space added to this text would show: inside a box (inline code's tint)
    most, inside a reference mark or other small raised text some, else not at all."""
    for tag in text.parents:
        if tag.name in BLOCK_TAGS:
            break
        style = str(tag.get("style") or "")
        if any(p in style for p in ("background", "border", "padding")):
            return 2
        if tag.name in ("sup", "sub"):
            return 1
    return 0


def _edge_text(tag: Tag, last: bool) -> NavigableString | None:
    """The element's first (or last) piece of text, outside drawings: found by walking in
    from that end, so a neighbour is not read whole for each space beside it."""
    if tag.name == "svg" or ancestor(tag, "svg") is not None:
        return None
    stack: list[PageElement] = [tag]
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name != "svg":
                # the stack is popped from its end: the child to visit first goes on last
                stack.extend(node.contents if last else reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, Comment) and node.strip():
            return node
    return None


def _fold_space(text: NavigableString) -> str:
    """The editor drops a text node made only of white space (`**定义** $x$`, two code
    spans): the space moves into the neighbouring element's text, preferring one that
    draws no box; between two drawings (two formulas) it becomes a no-break space, which
    the editor keeps. Gives what is to stand for the space itself: the caller puts it in."""
    prev, after = text.previous_sibling, text.next_sibling
    candidates: list[tuple[NavigableString, bool]] = []
    for neighbour, last in ((prev, True), (after, False)):
        if isinstance(neighbour, Tag):
            edge = _edge_text(neighbour, last)
            if edge is not None:
                candidates.append((edge, last))
    if not candidates:
        return "\xa0"
    edge, last = candidates[0]  # the text before, unless the one after shows a space less
    if len(candidates) > 1 and (cost := _space_cost(edge)) and _space_cost(candidates[1][0]) < cost:
        edge, last = candidates[1]
    swap_text(edge, str(edge) + " " if last else " " + str(edge))
    return ""
