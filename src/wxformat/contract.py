"""What the Markdown stage hands to the WeChat stage: the class names of its placeholders.

Both stages import this module and nothing of each other, so the pipeline stays one-way
(render/mdext -> wechat fixers)."""

from __future__ import annotations

# a formula found in the Markdown: <span class=MATH_CLASS> inline, <section class=
# DISPLAY_CLASS> on its own; each carries its TeX in data-tex and its source line in data-line
MATH_CLASS = "wx-math"
DISPLAY_CLASS = "wx-math-display"
