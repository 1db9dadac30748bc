"""Theme stage: theme CSS with its variables resolved (W8) is inlined into style attributes
(W1). premailer lives here only."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache

_VAR = re.compile(r"var\(\s*--([\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)")
_ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}", re.S)
_CUSTOM_PROP = re.compile(r"--([\w-]+)\s*:\s*([^;]+);?")


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


@lru_cache(maxsize=32)
def _prepared(css: str, overrides: tuple[tuple[str, str], ...]) -> str:
    return resolve_variables(css, dict(overrides))


def inline_css(html: str, css: str, overrides: Mapping[str, str]) -> str:
    """HTML with every theme rule applied as inline style; the result is a full document."""
    from premailer import Premailer

    resolved = _prepared(css, tuple(sorted(overrides.items())))
    return str(
        Premailer(
            html,
            css_text=resolved,
            keep_style_tags=False,
            remove_classes=False,
            strip_important=True,
            disable_validation=True,
            allow_network=False,
            exclude_pseudoclasses=True,
            disable_leftover_css=True,
            cssutils_logging_level=logging.CRITICAL,
            cache_css_parsing=True,
            capitalize_float_margin=False,
            align_floating_images=False,
            disable_basic_attributes=["width", "height", "align", "bgcolor", "valign"],
        ).transform()
    )
