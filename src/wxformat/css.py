"""Inline CSS as declarations: shared by the theme stage and the WeChat fixers."""

from __future__ import annotations

import re

# a semicolon that ends a declaration: not inside parentheses (url(a;b)) nor quotes
_DECL_SPLIT = re.compile(r";(?![^(]*\))(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)")


def parse_declarations(style: str) -> list[tuple[str, str]]:
    """Inline CSS to (property, value) pairs, later ones winning, in first-seen order."""
    result: dict[str, str] = {}
    for part in _DECL_SPLIT.split(style):
        if ":" not in part:
            continue
        name, value = part.split(":", 1)
        name, value = name.strip().lower(), value.strip()
        if name and value:
            result.pop(name, None)
            result[name] = value
    return list(result.items())
