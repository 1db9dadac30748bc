"""Golden pairs, one feature each: tests/golden/NAME.md converts to tests/golden/NAME.html.

The expected HTML is written one tag a line, so a diff points at the element that
changed, with SVG path data and embedded images shortened: a golden is about structure
and style, not about a drawing's numbers (formulas have tests of their own). Regenerate
after an intended change with `WXFORMAT_UPDATE_GOLDEN=1 python -m pytest
tests/test_golden.py` and read the diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, convert_text

GOLDEN = Path(__file__).parent / "golden"
FEATURES = sorted(GOLDEN.glob("*.md"))
SAMPLES = sorted(ARTICLES.glob("*.md"))

_PATH_DATA = re.compile(r'(<path\b[^>]*?\sd=")[^"]*(")')
_DATA_URI = re.compile(r'(src="data:[\w/+.-]+;base64,)[^"]*(")')


def readable(html: str) -> str:
    """One tag a line; path data and embedded images shortened to an ellipsis."""
    html = _PATH_DATA.sub(r"\1…\2", html)
    html = _DATA_URI.sub(r"\1…\2", html)
    return re.sub(r">(?=<)", ">\n", html) + "\n"


def test_readable_shortens_drawings_and_images_only() -> None:
    html = '<p>a</p><svg viewBox="0 0 1 1"><path d="M 0 0 L 1 1" fill="red"></path></svg>'
    html += '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">'
    assert readable(html).splitlines() == [
        "<p>a</p>",
        '<svg viewBox="0 0 1 1">',
        '<path d="…" fill="red">',
        "</path>",
        "</svg>",
        '<img src="data:image/png;base64,…" alt="x">',
    ]


@pytest.mark.parametrize("source", FEATURES, ids=[p.stem for p in FEATURES])
def test_feature_matches_golden(source: Path) -> None:
    got = readable(convert_text(source.read_text(encoding="utf-8"), base_dir=GOLDEN).fragment)
    golden = source.with_suffix(".html")
    if os.environ.get("WXFORMAT_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(got, encoding="utf-8")
        if not os.environ.get("WXFORMAT_UPDATE_GOLDEN"):
            pytest.fail(f"{golden.name} did not exist; written now, review and commit it")
    expected = golden.read_text(encoding="utf-8")
    if got != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), got.splitlines(keepends=True), "golden", "now"
        )
        pytest.fail(f"{source.name} changed:\n{''.join(diff)[:6000]}")


def test_there_are_samples_for_every_feature() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SAMPLES)
    for construct in (
        "```",
        "$$",
        "| :---",
        "- [x]",
        "[^1]",
        "> [!TIP]",
        "![",
        "](https://",
        "  - ",
        "::: tip",  # the dialects of writers' editors (articles/dialects.md)
        '!!! note "',
        '??? question "',
        '=== "',
        "[TOC]",
        "==高亮==",
        "]{pīn・yīn}",
        "```python,ignore",
    ):
        assert construct in text, construct
