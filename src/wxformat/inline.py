"""Theme stage: theme CSS, with its variables resolved (W8), applied as inline style (W1).

Applied to the tree the WeChat fixers already hold, so the article is parsed once: tinycss2
parses the theme (cached per theme and variables), cssselect gives each selector's
specificity, and soupsieve (bs4's selector engine) finds the elements. The cascade is the
browser's: rules in order of specificity, then of appearance; a style attribute already
on an element (a writer's raw HTML, a fixer's choice) wins over the theme. Pseudo-classes
and pseudo-elements cannot live in a style attribute, so rules using them are skipped.

This replaced premailer, which cost about 260 ms of a 300 ms cold-start budget and parsed
the HTML twice more (to lxml and back).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag

from wxformat import cache
from wxformat.cache import Cache
from wxformat.wechat.cleanup import parse_declarations
from wxformat.wechat.tree import classes as classes_of
from wxformat.wechat.tree import tags

_VAR = re.compile(r"var\(\s*--([\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)")
_ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}", re.S)
_CUSTOM_PROP = re.compile(r"--([\w-]+)\s*:\s*([^;]+);?")
_SVG_INSIDE = frozenset({"path", "g", "use", "rect", "circle", "line", "polyline", "polygon"})


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


@dataclass(frozen=True)
class Rule:
    selector: str
    specificity: tuple[int, int, int]
    order: int
    declarations: tuple[tuple[str, str], ...]


def parse_rules(css: str) -> tuple[Rule, ...]:
    """Style rules, one per selector, skipping at-rules and pseudo selectors."""
    import cssselect
    import tinycss2

    rules: list[Rule] = []
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if node.type != "qualified-rule":
            continue
        declarations = tuple(parse_declarations(tinycss2.serialize(node.content)))
        for selector in tinycss2.serialize(node.prelude).split(","):
            selector = " ".join(selector.split())
            if not selector or ":" in selector:
                continue
            try:
                specificity = cssselect.parse(selector)[0].specificity()
            except cssselect.SelectorError:
                continue
            rules.append(Rule(selector, specificity, len(rules), declarations))
    return tuple(rules)


_RULES_FORMAT = "theme-rules-v1"


def _rules(css: str, store: Cache) -> tuple[Rule, ...]:
    """parse_rules, kept in the disk cache: tinycss2 and cssselect cost a cold start 25 ms."""
    cache_key = cache.key(_RULES_FORMAT, css)
    cached = store.get(cache_key)
    if cached is not None:
        try:
            return tuple(
                Rule(sel, (spec[0], spec[1], spec[2]), order, tuple((n, v) for n, v in decls))
                for sel, spec, order, decls in json.loads(cached)
            )
        except (ValueError, TypeError, IndexError):
            pass  # written by something else: parse again
    rules = parse_rules(css)
    store.put(
        cache_key,
        json.dumps([[r.selector, r.specificity, r.order, r.declarations] for r in rules]),
    )
    return rules


_LAST_COMPOUND = re.compile(r"([^\s>+~]+)$")
_SIMPLE = re.compile(r"^(?P<tag>[a-z][a-z0-9]*)?(?P<classes>(?:\.[\w-]+)*)$", re.I)


@dataclass(frozen=True)
class RuleIndex:
    """Rules keyed by what their rightmost compound needs: a tag name or a class."""

    by_tag: dict[str, tuple[tuple[Rule, Any], ...]]
    by_class: dict[str, tuple[tuple[Rule, Any], ...]]
    universal: tuple[tuple[Rule, Any], ...]


Compound = tuple[str, frozenset[str]]  # a tag name ("" for any) and the classes it needs


@dataclass(frozen=True)
class Chain:
    """Compounds joined by descendant (" ") or child (">") combinators, right to left."""

    compounds: tuple[Compound, ...]
    child: tuple[bool, ...]  # child[i]: compounds[i] must be the parent of compounds[i-1]


def _compound(text: str) -> Compound | None:
    simple = _SIMPLE.match(text)
    if not simple or not text:
        return None
    return (simple.group("tag") or "").lower(), frozenset(
        c for c in simple.group("classes").split(".") if c
    )


def _matcher(selector: str) -> Any:
    """A test for one element: our own for chains of tag.class compounds (what themes use,
    and ten times cheaper to prepare), a compiled soupsieve selector for anything else."""
    parts = selector.replace(">", " > ").split()
    compounds: list[Compound] = []
    child: list[bool] = []
    pending_child = False
    for part in reversed(parts):
        if part == ">":
            pending_child = True
            continue
        compound = _compound(part)
        if compound is None:
            import soupsieve

            return soupsieve.compile(selector)
        compounds.append(compound)
        child.append(pending_child)
        pending_child = False
    return Chain(tuple(compounds), tuple(child))


def _fits(compound: Compound, tag: Tag, classes: list[str] | None = None) -> bool:
    name, needed = compound
    if name and tag.name != name:
        return False
    return not needed or needed.issubset(classes if classes is not None else classes_of(tag))


@lru_cache(maxsize=32)
def prepared_rules(css: str, overrides: tuple[tuple[str, str], ...], store: Cache) -> RuleIndex:
    """Parsed, indexed theme rules for these variables, reused by every conversion."""
    by_tag: dict[str, list[tuple[Rule, Any]]] = {}
    by_class: dict[str, list[tuple[Rule, Any]]] = {}
    universal: list[tuple[Rule, Any]] = []
    for rule in _rules(resolve_variables(css, dict(overrides)), store):
        try:
            entry = (rule, _matcher(rule.selector))
        except Exception:  # soupsieve rejects a few selectors cssselect accepts; skip those
            continue
        last = _LAST_COMPOUND.search(rule.selector)
        compound = last.group(1) if last else "*"
        if "." in compound:
            by_class.setdefault(compound.split(".")[1], []).append(entry)
        elif compound[:1].isalpha():
            by_tag.setdefault(compound.split("[")[0].lower(), []).append(entry)
        else:
            universal.append(entry)
    return RuleIndex(
        {k: tuple(v) for k, v in by_tag.items()},
        {k: tuple(v) for k, v in by_class.items()},
        tuple(universal),
    )


def _matches(matcher: Any, tag: Tag, classes: list[str]) -> bool:
    if not isinstance(matcher, Chain):
        return bool(matcher.match(tag))
    if not _fits(matcher.compounds[0], tag, classes):
        return False
    node: Any = tag
    for compound, must_be_parent in zip(matcher.compounds[1:], matcher.child[1:], strict=True):
        node = node.parent
        while node is not None and not (isinstance(node, Tag) and _fits(compound, node)):
            if must_be_parent:
                return False
            node = node.parent
        if node is None:
            return False
    return True


def apply_theme(
    soup: BeautifulSoup | Tag, css: str, overrides: Mapping[str, str], store: Cache
) -> None:
    """Write every matching theme declaration into the elements' style attributes."""
    index = prepared_rules(css, tuple(sorted(overrides.items())), store)
    for tag in tags(soup):
        if tag.name in _SVG_INSIDE or (tag.name == "svg" and not index.by_tag.get("svg")):
            continue  # drawings carry their own attributes; no theme rule reaches inside
        classes = classes_of(tag)
        candidates = [*index.by_tag.get(tag.name, ()), *index.universal]
        for cls in classes:
            candidates.extend(index.by_class.get(cls, ()))
        tag_rules = [rule for rule, matcher in candidates if _matches(matcher, tag, classes)]
        if not tag_rules:
            continue
        merged: dict[str, str] = {}
        for rule in sorted(tag_rules, key=lambda r: (r.specificity, r.order)):
            for name, value in rule.declarations:
                merged.pop(name, None)
                merged[name] = value
        own = tag.get("style")
        if own:
            for name, value in parse_declarations(str(own)):
                merged.pop(name, None)
                merged[name] = value
        tag["style"] = ";".join(f"{name}:{value}" for name, value in merged.items())
