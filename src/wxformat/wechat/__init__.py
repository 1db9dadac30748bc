"""WeChat stage: structural fixes on one parsed tree, one named fixer per rule in
shared/wechat-rules.md, in this order. The attribute and white-space rules that must see
the inlined styles live in wechat.cleanup and run after the theme stage."""

from __future__ import annotations

from collections.abc import Callable

from bs4 import BeautifulSoup

from wxformat.wechat.blocks import fix_containers, fix_tables, fix_task_lists
from wxformat.wechat.code import fix_code_blocks
from wxformat.wechat.context import Context
from wxformat.wechat.diagrams import fix_diagrams
from wxformat.wechat.headings import fix_headings
from wxformat.wechat.images import fix_images
from wxformat.wechat.links import fix_links
from wxformat.wechat.lists import fix_lists
from wxformat.wechat.math import fix_math
from wxformat.wechat.spacing import fix_spacing

Fixer = Callable[[BeautifulSoup, Context], None]

FIXERS: tuple[tuple[str, Fixer], ...] = (
    ("diagrams (W1)", fix_diagrams),
    ("code blocks (W14)", fix_code_blocks),
    ("math (W5, W21)", fix_math),
    # after code and math have become what they look like, before any fixer adds text
    # (list numbers, references) or splits it (headings' last characters)
    ("spacing (autospace)", fix_spacing),
    ("task lists (W2)", fix_task_lists),
    ("containers (W3)", fix_containers),
    ("headings", fix_headings),
    ("tables", fix_tables),
    ("images (W19)", fix_images),
    ("links (W18)", fix_links),
    ("lists (W16, W17)", fix_lists),
)

__all__ = ["FIXERS", "Context", "Fixer"]
