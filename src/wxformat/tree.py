"""The bs4 tree, fast: parsing, look-ups and changes, shared by the stages that hold one
(the WeChat fixers, the pipeline). No stage of its own: it imports nothing of wxformat.

bs4's general paths cost each node a few microseconds, which an article of tens of
thousands of elements turns into seconds:
- look-ups: `find_all` runs every node through a general filter object; the fixers only
  ask for tag names and classes, so these walk `descendants` once and test directly.
  Results are lists in document order, so callers may change the tree while they loop;
- changes: `extract`, `replace_with` and `insert` search the parent for the node; here
  positions are counted once (`last_first`, `swap_text`) and removals rewrite each
  parent's children once (`remove_all`);
- parsing: `parse_html` and `parse_nodes` turn lxml's parser events into bs4's nodes
  directly, node for node what `BeautifulSoup(markup, "lxml")` builds;
- writing: `serialize` writes the tree in one pass, each distinct tag and short text
  escaped once; a `Drawing` (an SVG sealed by the fixer that drew it) is written from its
  finished markup.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from bs4 import BeautifulSoup
from bs4.dammit import EntitySubstitution
from bs4.element import Comment, NavigableString, PageElement, Tag
from bs4.formatter import HTMLFormatter

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


def become(old: Tag, new: Tag) -> None:
    """Turn old into new where it stands: its name, attributes and children. Unlike
    `replace_with`, bs4 need not search old's parent for it, which in an article of
    thousands of blocks made each replacement cost a scan of them all."""
    old.name = new.name
    old.attrs = dict(new.attrs)
    after = last_descendant(old).next_element  # what follows old's subtree
    kids = new.contents
    new.contents = []
    for kid in kids:  # old's own children leave with their subtrees
        kid.parent = old
    old.contents = kids
    # new's subtree keeps its links among itself; its ends are linked to old's place
    last = last_descendant(kids[-1]) if kids else old
    if kids:
        old.next_element = kids[0]
        kids[0].previous_element = old
    last.next_element = after
    if after is not None:
        after.previous_element = last


def swap_text(old: NavigableString, text: str, at: int | None = None) -> NavigableString:
    """Put a new string in old's place (strings cannot change): what `replace_with` does,
    without bs4's general insert, which costs a paragraph of thousands of spaces a third
    of a second. `at`: old's position among its parent's children, when the caller knows
    it; else the children are searched for old from the nearer end."""
    parent = old.parent
    if parent is None:
        raise ValueError("the string is not in a tree")
    new = NavigableString(text)  # as bs4 makes of a str it inserts
    siblings = parent.contents
    if at is None or siblings[at] is not old:
        at = next(
            i
            for i in (
                range(len(siblings))
                if old.previous_sibling is None
                else range(len(siblings) - 1, -1, -1)
            )
            if siblings[i] is old
        )
    siblings[at] = new
    new.parent = parent
    new.previous_element, new.next_element = old.previous_element, old.next_element
    new.previous_sibling, new.next_sibling = old.previous_sibling, old.next_sibling
    if new.previous_element is not None:
        new.previous_element.next_element = new
    if new.next_element is not None:
        new.next_element.previous_element = new
    if new.previous_sibling is not None:
        new.previous_sibling.next_sibling = new
    if new.next_sibling is not None:
        new.next_sibling.previous_sibling = new
    old.parent = old.previous_element = old.next_element = None
    old.previous_sibling = old.next_sibling = None
    return new


def swap_all(replacements: Sequence[tuple[NavigableString, str]]) -> None:
    """swap_text for many strings, each one's position counted once per parent."""
    new_text = {id(old): text for old, text in replacements}
    for old, _, at in last_first([old for old, _ in replacements]):
        swap_text(old, new_text[id(old)], at)


def last_descendant(node: PageElement) -> PageElement:
    """The last node of node's subtree in document order (node itself when it is a leaf):
    what comes after it in `next_element` is what follows the subtree."""
    while isinstance(node, Tag) and node.contents:
        node = node.contents[-1]
    return node


def remove_all(nodes: Sequence[PageElement]) -> None:
    """Take these nodes (strings or whole elements) out of the tree, each parent's children
    rewritten once: one by one, each removal searches its parent and shifts every later
    child, which made a paragraph of thousands of pieces, or an article of thousands of
    blocks, quadratic. A node inside another being removed goes with it."""
    doomed: dict[int, Tag] = {}
    elements = False  # only an element can hold another node being removed
    for node in nodes:
        parent = node.parent
        if parent is None or id(node) in doomed:
            continue
        if elements and any(id(above) in doomed for above in node.parents):
            continue  # it leaves with the element it is in
        doomed[id(node)] = parent
        elements = elements or isinstance(node, Tag)
        last = last_descendant(node)
        before, after = node.previous_element, last.next_element
        if before is not None:
            before.next_element = after
        if after is not None:
            after.previous_element = before
        left, right = node.previous_sibling, node.next_sibling
        if left is not None:
            left.next_sibling = right
        if right is not None:
            right.previous_sibling = left
        node.parent = node.previous_element = last.next_element = None
        node.previous_sibling = node.next_sibling = None
    parents = {id(parent): parent for parent in doomed.values()}
    for parent in parents.values():
        parent.contents[:] = [child for child in parent.contents if id(child) not in doomed]


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


# --- writing ---------------------------------------------------------------------------


def _entities(text: str) -> str:
    # W14: a non-breaking space is spelled &nbsp;, so no text tool can mistake it for a space
    return EntitySubstitution.substitute_xml(text).replace("\xa0", "&nbsp;")


# HTML parsers lower-case attribute names; SVG's own are camel-case
SVG_ATTRIBUTES = {"viewbox": "viewBox", "preserveaspectratio": "preserveAspectRatio"}


class OutputFormatter(HTMLFormatter):
    """HTML5 serialization, as browsers write it: <br>, not <br/>; &nbsp; spelled out;
    SVG attributes in their own case."""

    def __init__(self) -> None:
        super().__init__(
            entity_substitution=_entities,
            void_element_close_prefix="",
            empty_attributes_are_booleans=True,
        )

    def attributes(self, tag: Tag) -> Iterable[tuple[str, Any]]:
        pairs = super().attributes(tag)
        if tag.name != "svg":
            return pairs
        return [(SVG_ATTRIBUTES.get(key, key), value) for key, value in pairs]


OUTPUT_FORMAT = OutputFormatter()


def serialize(root: Tag) -> str:
    """The tree as HTML, exactly as bs4's `decode(formatter=OUTPUT_FORMAT)` writes it, in one
    pass with the per-node work inlined: bs4's general path (events, formatter look-ups,
    structural `!=` between tags) took a quarter of a second on a 100 KB paragraph."""
    out: list[str] = []
    write = out.append
    raw_parents = OUTPUT_FORMAT.cdata_containing_tags
    open_tags: list[Tag] = []
    closings: list[str] = []  # each open tag's closing tag
    # a long article repeats a few tags and words thousands of times: each written once
    written: dict[tuple[Any, ...], tuple[str, str]] = {}
    texts: dict[str, str] = {}
    for node in root.self_and_descendants:
        parent = node.parent
        while open_tags and parent is not open_tags[-1]:
            open_tags.pop()
            write(closings.pop())
        if isinstance(node, Tag):
            try:
                key = (node.prefix, node.name, node.hidden, *node.attrs.items())
                pair = written.get(key)
                if pair is None:
                    pair = written[key] = _opening(node), _closing(node)
            except TypeError:  # a multi-valued attribute (a list) cannot be a key
                pair = _opening(node), _closing(node)
            write(pair[0])
            if type(node) is Drawing:
                out += node.inside
            if not node.is_empty_element:
                open_tags.append(node)
                closings.append(pair[1])
        elif type(node) is NavigableString:
            if parent is not None and parent.name in raw_parents:
                write(node)
                continue
            text = texts.get(node)
            if text is None:
                text = _entities(node)
                if len(node) < 200:  # words and short runs repeat; paragraphs do not
                    texts[node] = text
            write(text)
        elif isinstance(node, NavigableString):  # a comment, CDATA, a doctype: their own
            write(node.output_ready(OUTPUT_FORMAT))  # prefix and suffix
    out += reversed(closings)
    return "".join(out)


def _name(tag: Tag) -> str:
    return f"{tag.prefix}:{tag.name}" if tag.prefix else tag.name


def _opening(tag: Tag) -> str:
    if tag.hidden:
        return ""
    if not tag.attrs:
        return f"<{_name(tag)}>"
    attributes = []
    for key, value in OUTPUT_FORMAT.attributes(tag):
        if value is None:
            attributes.append(key)
            continue
        if isinstance(value, (list, tuple)):
            value = " ".join(value)
        quoted = EntitySubstitution.quoted_attribute_value(_entities(str(value)))
        attributes.append(f"{key}={quoted}")
    return f"<{_name(tag)} {' '.join(attributes)}>"


def _closing(tag: Tag) -> str:
    return "" if tag.hidden else f"</{_name(tag)}>"


class Drawing(Tag):
    """An `<svg>` whose insides are finished markup, held as strings (`inside`) that
    `serialize` writes between its tags. Every stage sees the element and its attributes
    (its colour, its size) and nothing below: a list of 20,000 items draws 100,000 digit
    outlines, which no stage after the drawing reads and each stage walked."""

    inside: tuple[str, ...] = ()  # pieces, which drawings alike share (a digit's outline)


def sealed(svg: Tag) -> Drawing:
    """A detached Drawing of svg: its name and attributes, and its insides written as
    `serialize` would write them."""
    drawing = Drawing.__new__(Drawing)
    fields = dict(svg.__dict__)
    whole = serialize(svg)
    fields["inside"] = (whole[len(_opening(svg)) : len(whole) - len(_closing(svg))],)
    fields["contents"] = []
    for link in ("parent", "next_element", "previous_element", "next_sibling", "previous_sibling"):
        fields[link] = None
    drawing.__dict__ = fields
    return drawing


def parse_html(markup: str) -> BeautifulSoup:
    """`BeautifulSoup(markup, "lxml")`, node for node: the same parser (libxml2's HTML
    parser, through lxml) with the same events, each turned into the element bs4 would make,
    without bs4's general machinery per event, which took a third of a second for a
    paragraph of 25,000 elements (the parser itself: 20 ms). Markup with a doctype or a
    processing instruction is left to bs4."""
    from lxml import etree

    soup = BeautifulSoup("", "lxml")
    target = _Target(soup)
    try:
        etree.fromstring(markup, etree.HTMLParser(target=target, recover=True, huge_tree=False))
    except _LeaveItToBs4:
        return BeautifulSoup(markup, "lxml")
    except etree.ParserError:  # nothing to parse (an empty string): as bs4 leaves it
        pass
    target.finish()
    return soup


@lru_cache(maxsize=1)
def _factory() -> BeautifulSoup:
    """A soup whose builder makes the elements of snippets (its own tree stays empty)."""
    return BeautifulSoup("", "lxml")


def parse_nodes(markup: str) -> list[PageElement]:
    """The nodes `BeautifulSoup(markup, "lxml").body` holds, taken out of it, built as
    parse_html builds them but without a BeautifulSoup of their own (setting one up costs
    more than parsing a code block: an article of thousands of them spent most of its
    highlighting time on it)."""
    from lxml import etree

    factory = _factory()
    holder = Tag(factory, factory.builder, BeautifulSoup.ROOT_TAG_NAME)
    target, parser = _snippet_parser()
    target.restart(holder)
    try:
        etree.fromstring(markup, parser)
    except _LeaveItToBs4:
        holder = BeautifulSoup(markup, "lxml")
    except etree.ParserError:
        return []
    else:
        target.finish()
    body = first(holder, "body")
    if body is None:
        return []
    nodes = body.contents
    body.contents = []
    for node in nodes:  # detached, as extract() leaves them, without its general search
        node.parent = node.previous_sibling = node.next_sibling = None
        last_descendant(node).next_element = None
        node.previous_element = None
    return nodes


_SNIPPETS = threading.local()


def _snippet_parser() -> tuple[_Target, Any]:
    """This thread's parser for snippets, with its target: lxml inspects a target's methods
    each time a parser is made for one (a tenth of a millisecond a snippet)."""
    made = getattr(_SNIPPETS, "parser", None)
    if made is None:
        from lxml import etree

        target = _Target(_factory(), Tag(name=BeautifulSoup.ROOT_TAG_NAME))
        made = _SNIPPETS.parser = (
            target,
            etree.HTMLParser(target=target, recover=True, huge_tree=False),
        )
    return made


class _LeaveItToBs4(Exception):
    pass


_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
_WORDS = re.compile(r"\S+")  # how bs4 splits a class-like value (nonwhitespace_re)


class _Target:
    """An lxml parser target that builds the tree as bs4's lxml tree builder and
    BeautifulSoup's handle_starttag / endData / object_was_parsed / popTag do."""

    def __init__(self, soup: BeautifulSoup, root: Tag | None = None) -> None:
        builder = soup.builder
        self.soup = soup
        self.builder = builder
        self.dict_class = builder.attribute_dict_class
        # the prefixes bs4's lxml builder has in force in an HTML document (xml: only)
        self.namespaces = dict(getattr(builder, "active_namespace_prefixes", [{}])[-1])
        self.preserving = builder.preserve_whitespace_tags
        self.containers: dict[str, type[NavigableString]] = builder.string_containers
        # an element of each name, in no tree: each new one copies its fields (Tag() works
        # them out again from the builder, a third of the parsing time of a long list)
        self.made: dict[str, Tag] = {}
        self.listed: dict[str, frozenset[str]] = {}  # a name: its class-like attributes
        self.value_list = builder.attribute_value_list_class
        self.restart(root if root is not None else soup)

    def _listed(self, name: str) -> frozenset[str]:
        """The attributes whose values bs4 splits into lists, on an element of this name."""
        lists = self.builder.cdata_list_attributes or {}
        return frozenset(lists.get("*", ())) | frozenset(lists.get(name.lower(), ()))

    def restart(self, root: Tag) -> None:
        """Build the next tree under root, with nothing left of the last."""
        self.root = root
        self.open: list[Tag] = [root]
        self.open_count: Counter[str] = Counter()
        self.preserve_stack: list[Tag] = []
        self.container_stack: list[Tag] = []
        self.last: PageElement | None = None
        self.pending: list[str] = []

    def _add(self, node: PageElement) -> None:
        parent = self.open[-1]
        node.parent = parent
        node.previous_element = self.last
        if self.last is not None:
            self.last.next_element = node
        node.next_element = None
        node.next_sibling = None
        siblings = parent.contents
        node.previous_sibling = siblings[-1] if siblings else None
        if siblings:
            siblings[-1].next_sibling = node
        siblings.append(node)
        self.last = node

    def _flush(self, kind: type[NavigableString] | None = None) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending = []
        if not self.preserve_stack and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        container = kind or NavigableString
        if container is NavigableString and self.container_stack:
            container = self.containers.get(self.container_stack[-1].name, container)
        self._add(container(text))

    def start(self, name: str, attrib: Any, nsmap: Any = None) -> None:
        if self.pending:
            self._flush()
        # lxml gives strings, which bs4's attribute dict stores as they are: filled whole
        attrs = self.dict_class(attrib)
        made = self.made.get(name)
        if made is None and name != "meta":  # bs4 sets up a <meta charset> further
            made = self.made[name] = Tag(
                self.soup, self.builder, name, namespaces=self.namespaces
            )  # a template, in no tree
        if made is None:
            tag = Tag(
                self.soup, self.builder, name, None, None, attrs, None, None,
                namespaces=self.namespaces,
            )  # fmt: skip
        else:  # a copy of the template's fields, as Tag() would set them
            fields = made.__dict__.copy()
            if attrs:  # the values of class-like attributes split into lists, as bs4 does
                listed = self.listed.get(name)
                if listed is None:
                    listed = self.listed[name] = self._listed(name)
                for key in listed.intersection(attrs):
                    value = attrs[key]
                    if isinstance(value, str):
                        dict.__setitem__(attrs, key, self.value_list(_WORDS.findall(value)))
            fields["attrs"] = attrs
            fields["contents"] = []
            tag = Tag.__new__(Tag)
            tag.__dict__ = fields
        self._add(tag)
        self.open.append(tag)
        self.open_count[name] += 1
        if name in self.preserving:
            self.preserve_stack.append(tag)
        if name in self.containers:
            self.container_stack.append(tag)

    def _pop(self) -> None:
        tag = self.open.pop()
        self.open_count[tag.name] -= 1
        if self.preserve_stack and tag is self.preserve_stack[-1]:
            self.preserve_stack.pop()
        if self.container_stack and tag is self.container_stack[-1]:
            self.container_stack.pop()

    def end(self, name: str) -> None:
        if self.pending:
            self._flush()
        top = self.open[-1]
        if top.name == name and top.prefix is None and len(self.open) > 1:
            self._pop()  # as always with lxml's well-nested events
            return
        for i in range(len(self.open) - 1, 0, -1):
            if not self.open_count.get(name):
                break
            popped = self.open[i]
            self._pop()
            if popped.name == name and popped.prefix is None:
                break

    def data(self, text: str) -> None:
        self.pending.append(text)

    def comment(self, text: str) -> None:
        self._flush()
        self.pending.append(text)
        self._flush(Comment)

    def doctype(self, *args: Any) -> None:
        raise _LeaveItToBs4

    def pi(self, *args: Any) -> None:
        raise _LeaveItToBs4

    def close(self) -> None:
        return None

    def finish(self) -> None:
        self._flush()
        while len(self.open) > 1:
            self._pop()
        if self.root is not self.soup:
            return
        soup = self.soup
        soup.currentTag = soup
        soup.tagStack = [soup]
        soup._most_recent_element = self.last
