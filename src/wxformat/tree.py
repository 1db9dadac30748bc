"""Fast look-ups in the bs4 tree, shared by the stages that walk it (the WeChat fixers, the
pipeline). No stage of its own: it imports nothing of wxformat.

bs4's `find_all` runs every node through a general filter object (names, attributes,
strings, functions); the fixers only ever ask for tag names and classes, and asking bs4
cost a quarter of a warm conversion. These walk `descendants` once and test directly.
Results are lists in document order, so callers may change the tree while they loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from bs4.element import Comment, NavigableString, PageElement, Tag

Node = TypeVar("Node", bound=PageElement)


def classes(tag: Tag) -> list[str]:
    """The element's classes: fixers set `class` as a string, the parser gives a list."""
    value = tag.get("class")
    if not value:
        return []
    return value.split() if isinstance(value, str) else list(value)


def has_class(tag: Tag, *names: str) -> bool:
    """Whether the element has any of these classes."""
    return any(name in names for name in classes(tag))


def _walk(root: Tag) -> Iterator[Tag]:
    for node in root.descendants:
        if isinstance(node, Tag):
            yield node


def tags(root: Tag, *names: str, cls: str | tuple[str, ...] = ()) -> list[Tag]:
    """Descendant elements with one of these names (any name if none) and, if given, one of
    these classes."""
    if not names and not cls:
        return [node for node in root.descendants if isinstance(node, Tag)]
    wanted = frozenset(names)
    want_cls = (cls,) if isinstance(cls, str) else cls
    return [
        node
        for node in root.descendants
        if isinstance(node, Tag)
        and (not wanted or node.name in wanted)
        and (not want_cls or has_class(node, *want_cls))
    ]


def first(root: Tag, *names: str, cls: str | tuple[str, ...] = ()) -> Tag | None:
    """The first descendant element `tags` would give, or None."""
    wanted = frozenset(names)
    want_cls = (cls,) if isinstance(cls, str) else cls
    for tag in _walk(root):
        if (not wanted or tag.name in wanted) and (not want_cls or has_class(tag, *want_cls)):
            return tag
    return None


def children(tag: Tag, *names: str) -> list[Tag]:
    """Child elements with one of these names (any name if none)."""
    return [
        child
        for child in tag.contents
        if isinstance(child, Tag) and (not names or child.name in names)
    ]


def ancestor(tag: PageElement, *names: str, cls: str = "") -> Tag | None:
    """The nearest enclosing element with one of these names (any if none) and class."""
    node = tag.parent
    while node is not None:
        if (not names or node.name in names) and (not cls or has_class(node, cls)):
            return node
        node = node.parent
    return None


def texts(root: Tag) -> list[NavigableString]:
    """Every text node under root (comments excluded), in document order."""
    return [
        node
        for node in root.descendants
        if isinstance(node, NavigableString) and not isinstance(node, Comment)
    ]


def comments(root: Tag) -> list[Comment]:
    """Every comment under root."""
    return [node for node in root.descendants if isinstance(node, Comment)]


def become(old: Tag, new: Tag) -> None:
    """Turn old into new where it stands: its name, attributes and children. Unlike
    `replace_with`, bs4 need not search old's parent for it, which in an article of
    thousands of blocks made each replacement cost a scan of them all."""
    old.name = new.name
    old.attrs = dict(new.attrs)
    old.clear()
    old.extend(list(new.contents))


def last_first(nodes: Sequence[Node]) -> list[tuple[Node, Tag, int]]:
    """The nodes (given in document order) that are still in a tree, last first, each with
    its parent and its position there. Each parent's children are counted once: bs4's
    `extract`, `replace_with`, `unwrap` and `insert_after` scan the parent for the node,
    which made a paragraph of thousands of links quadratic. Going last first, a caller may
    change each parent's children at or after the position given (`extract(_self_index=)`,
    `insert`) and the positions still to come stay right."""
    positions: dict[int, dict[int, int]] = {}
    found: list[tuple[Node, Tag, int]] = []
    for node in nodes:
        parent = node.parent
        if parent is None:
            continue
        index = positions.get(id(parent))
        if index is None:
            index = positions[id(parent)] = {id(c): i for i, c in enumerate(parent.contents)}
        found.append((node, parent, index[id(node)]))
    found.reverse()
    return found
