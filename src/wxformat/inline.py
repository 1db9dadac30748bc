"""Theme stage: theme CSS, with its variables resolved (W8), applied as inline style (W1).

premailer does the inlining: it parses the stylesheet (cssutils), orders the rules by the
browser's cascade and finds each rule's elements (lxml's cssselect). What it does not do
is ours and small: `var()` resolved before it sees the CSS (W8), and the rules WeChat
cannot keep dropped (at-rules, pseudo-elements; `@import` would make cssutils fetch).

The article is not parsed again for it. The WeChat fixers hold a bs4 tree; premailer works
on an lxml tree, so it is given a skeleton of ours, element by element with their
attributes but no text and no style, and what it writes into each skeleton element's
`style` is copied back to the element it stands for. The element's own style (a writer's
raw HTML, a fixer's choice) wins over the theme, as premailer's merge does too. Drawings
are given without their insides: their paths carry their own attributes, and thousands of
them would only slow every selector down.

premailer and cssutils are imported on the first conversion, never for `--help`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup
from bs4.element import Tag

from wxformat import cache
from wxformat.cache import Cache
from wxformat.css import parse_declarations

if TYPE_CHECKING:
    from lxml import etree

_VAR = re.compile(r"var\(\s*--([\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)")
_ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}", re.S)
_CUSTOM_PROP = re.compile(r"--([\w-]+)\s*:\s*([^;]+);?")

# premailer's own helpers: HTML attributes like bgcolor and align written from the CSS
# (WeChat keeps the CSS itself), float margins capitalised for Outlook, images aligned
_BASIC_ATTRIBUTES = ["width", "height", "align", "bgcolor", "valign"]


def resolve_variables(css: str, overrides: Mapping[str, str]) -> str:
    """Replace every `var(--x)` by its value: overrides win over the theme's `:root` values."""
    values: dict[str, str] = {}
    for block in _ROOT_BLOCK.findall(css):
        for name, value in _CUSTOM_PROP.findall(block):
            values[name] = value.strip()
    values.update({k.replace("_", "-"): v for k, v in overrides.items()})
    css = _ROOT_BLOCK.sub("", css)

    def substitute(m: re.Match[str]) -> str:
        name, fallback = m.group(1), m.group(2)
        if name in values:
            return values[name]
        return fallback.strip() if fallback else ""

    for _ in range(8):  # variables may refer to variables
        new = _VAR.sub(substitute, css)
        if new == css:
            break
        css = new
    return css


def keepable_rules(css: str) -> str:
    """The style rules, one a line, comments gone, and no at-rule: nothing in a media
    query, a font face or an import reaches a style attribute, and cssutils would fetch
    what an `@import` names. Which selectors can be inlined is premailer's choice."""
    import tinycss2

    lines = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if node.type == "qualified-rule":
            selectors = " ".join(tinycss2.serialize(node.prelude).split())
            body = " ".join(tinycss2.serialize(node.content).split())
            lines.append(f"{selectors} {{ {body} }}")
    return "\n".join(lines)


_CSS_FORMAT = "theme-css-v2"


@lru_cache(maxsize=32)
def prepared_css(css: str, overrides: tuple[tuple[str, str], ...], store: Cache) -> str:
    """The theme as premailer gets it, kept in the cache handed in (the disk's, from the
    CLI): preparing it costs a cold start tinycss2's import (about 15 ms), and the smaller
    text parses faster in cssutils."""
    cache_key = cache.key(_CSS_FORMAT, css, repr(overrides))
    cached = store.get(cache_key)
    if cached is not None:
        return cached
    prepared = keepable_rules(resolve_variables(css, dict(overrides)))
    store.put(cache_key, prepared)
    return prepared


@lru_cache(maxsize=1)
def _premailer() -> Any:
    """premailer's Premailer class, with cssutils set to be quiet and to write values as
    the theme has them (#333333 stays #333333)."""
    # premailer keeps parsed sheets, compiled selectors and parsed declarations in one
    # cache of 128 entries unless told otherwise; a theme needs more than that, and with
    # too few every re-render parses them all again (five times slower)
    os.environ.setdefault("PREMAILER_CACHE_MAXSIZE", "4096")
    import cssutils
    from premailer import Premailer

    cssutils.log.setLevel(logging.CRITICAL)
    cssutils.ser.prefs.minimizeColorHash = False
    return Premailer


def _inliner(css_text: str) -> Any:
    return _premailer()(
        css_text=css_text,
        disable_validation=True,
        cache_css_parsing=True,
        exclude_pseudoclasses=True,
        include_star_selectors=True,  # a browser applies `*` rules too
        allow_network=False,
        cssutils_logging_level=logging.CRITICAL,
        disable_leftover_css=True,
        keep_style_tags=False,
        remove_classes=False,
        strip_important=True,
        capitalize_float_margin=False,
        align_floating_images=False,
        disable_basic_attributes=_BASIC_ATTRIBUTES,
    )


_SKELETON_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


def _attributes(tag: Tag) -> dict[str, str]:
    out = {}
    for name, value in tag.attrs.items():
        if name == "style" or ":" in name or not _SKELETON_NAME.match(name):
            continue  # the element's own style is merged by us; xmlns:… cannot be lxml's
        out[name] = " ".join(value) if isinstance(value, list) else str(value)
    return out


def skeleton(
    root: Tag, shared: bool = False
) -> tuple[etree._Element, list[tuple[etree._Element, Tag]]]:
    """An lxml element for root and each element under it (drawings without their
    insides), with their attributes, and the pairs of skeleton and bs4 element.

    shared: elements alike (one name, the same attributes, under the same stand-in parent,
    which may stand for many) share one stand-in. Only for rules that never look at siblings
    (see `_looks_at_siblings`): then which rules match an element depends on it and its
    ancestors alone, and a paragraph of thousands of alike links costs premailer two
    elements instead of thousands, a list of thousands of items a few."""
    from lxml import etree

    def make(tag: Tag, parent: etree._Element | None, attributes: dict[str, str]) -> etree._Element:
        name = tag.name if _SKELETON_NAME.match(tag.name) else "x-unknown"
        try:
            if parent is None:
                return etree.Element(name, attributes)
            return etree.SubElement(parent, name, attributes)
        except ValueError:  # a value lxml refuses (a control character): no attributes
            return etree.Element(name) if parent is None else etree.SubElement(parent, name)

    top = make(root, None, _attributes(root))
    stand_ins: dict[int, dict[tuple[str, tuple[tuple[str, str], ...]], etree._Element]] = {}
    # an article's elements repeat a few sets of attributes (a list's parts thousands of
    # times): each set is read once
    read: dict[tuple[Any, ...], tuple[dict[str, str], tuple[str, tuple[tuple[str, str], ...]]]]
    read = {}
    pairs = [(top, root)]
    stack = [(root, top)]
    while stack:
        tag, element = stack.pop()
        if tag.name == "svg":
            continue
        # alike children of alike parents share a stand-in too (a list's items' parts)
        alike = stand_ins.setdefault(id(element), {}) if shared else {}
        for child in tag.contents:
            if not isinstance(child, Tag):
                continue
            seen = (child.name, *child.attrs.items())
            try:
                attributes, key = read[seen]
            except KeyError:
                attributes = _attributes(child)
                key = (child.name, tuple(attributes.items()))
                read[seen] = attributes, key
            except TypeError:  # a multi-valued attribute (a list) cannot be a key
                attributes = _attributes(child)
                key = (child.name, tuple(attributes.items()))
            made = alike.get(key) if shared else None
            if made is None:
                made = make(child, element, attributes)
                if shared:
                    alike[key] = made
            pairs.append((made, child))
            stack.append((child, made))
    return top, pairs


_SIBLING_SENSITIVE = re.compile(r"[+~:]")


def _looks_at_siblings(css_text: str) -> bool:
    """Whether any rule's selector may depend on an element's siblings or contents
    (`+`, `~`, or any pseudo-class such as `:first-child`, `:nth-child`, `:not`)."""
    return any(_SIBLING_SENSITIVE.search(line.split("{", 1)[0]) for line in css_text.splitlines())


_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
_TAG_AND_CLASSES = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)?((?:\.[\w-]+)*)$")


def _may_match(selector: str, names: set[str], classes: set[str]) -> bool:
    """False only when the selector's subject is a plain `tag.class` compound needing a tag
    or a class that no element of the article has; anything else is premailer's to judge."""
    subject = _COMBINATOR.split(selector.strip())[-1]
    plain = _TAG_AND_CLASSES.match(subject)
    if not subject or plain is None:
        return True
    tag, needed = plain.group(1), plain.group(2)
    if tag and tag not in names:
        return False
    return all(name in classes for name in needed.split(".") if name)


def rules_for(css_text: str, names: set[str], classes: set[str]) -> str:
    """The prepared rules (one a line) that can match something in an article with these
    tag names and classes. premailer tries every rule on every element; a rule whose subject
    needs a class the article lacks can match nothing, and leaving it out makes a long
    article's inlining several times faster without changing its result."""
    kept = []
    for line in css_text.splitlines():
        prelude = line.split("{", 1)[0]
        if (
            "(" in prelude
            or "[" in prelude
            or any(_may_match(s, names, classes) for s in prelude.split(","))
        ):
            kept.append(line)
    return "\n".join(kept)


def apply_theme(
    soup: BeautifulSoup | Tag, css: str, overrides: Mapping[str, str], store: Cache
) -> None:
    """Write every matching theme declaration into the elements' style attributes."""
    css_text = prepared_css(css, tuple(sorted(overrides.items())), store)
    if not css_text:
        return
    root = soup if not isinstance(soup, BeautifulSoup) else _root(soup)
    if root is None:
        return
    top, pairs = skeleton(root, shared=not _looks_at_siblings(css_text))
    names: set[str] = set()
    classes: set[str] = set()
    for element in top.iter():  # the skeleton: each stand-in once
        names.add(element.tag)
        classes.update(str(element.get("class") or "").split())
    css_text = rules_for(css_text, names, classes)
    if not css_text:
        return
    _inliner(css_text).transform(top)
    themed_by = {element: element.get("style") for element in top.iter()}
    for element, tag in pairs:
        themed = themed_by[element] if element in themed_by else element.get("style")
        if not themed:
            continue
        attrs = tag.attrs
        own = attrs.get("style")
        # a str as bs4's attribute dict stores it, without its per-item checks
        dict.__setitem__(attrs, "style", _merged(themed, str(own)) if own else themed)


@lru_cache(maxsize=4096)  # pure; a long article repeats a few hundred pairs
def _merged(themed: str, own: str) -> str:
    """The theme's declarations with the element's own after them, winning."""
    merged = dict(parse_declarations(themed))
    for name, value in parse_declarations(own):
        merged.pop(name, None)
        merged[name] = value
    return ";".join(f"{name}:{value}" for name, value in merged.items())


def _root(soup: BeautifulSoup) -> Tag | None:
    """The document's body, or its first element (lxml wraps a fragment in html/body)."""
    body = soup.find("body")
    if isinstance(body, Tag):
        return body
    for child in soup.contents:
        if isinstance(child, Tag):
            return child
    return None
