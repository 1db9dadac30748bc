"""Golden fixtures: every sample article's fragment, compared whole. A regression net, not a
substitute for the named tests. Regenerate after an intended change with
`WXFORMAT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` and review the diff."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from tests.conftest import ARTICLES
from wxformat.article import read_article
from wxformat.config import load_settings
from wxformat.pipeline import convert

GOLDEN = Path(__file__).parent / "golden"
SAMPLES = sorted(ARTICLES.glob("*.md"))


_PATH_DATA = re.compile(r'\sd="([^"]*)"')


def normalised(html: str) -> str:
    """Path data stands as its number of outlines: a golden that held every coordinate would
    change with any rounding, and be unreadable. The drawings themselves are checked by the
    math tests and the screenshots."""
    return _PATH_DATA.sub(lambda m: f' d="[{len(re.findall("[Mm]", m.group(1)))} outlines]"', html)


def readable(html: str) -> list[str]:
    """One tag per line, so a diff points at the element that changed."""
    return re.sub(r">(?=<)", ">\n", html).splitlines(keepends=True)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_article_matches_golden(sample: Path) -> None:
    article = read_article(sample)
    fragment = normalised(convert(article, load_settings(None, article.base_dir)).fragment)
    golden = GOLDEN / f"{sample.stem}.html"
    if os.environ.get("WXFORMAT_UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(fragment + "\n", encoding="utf-8")
        if not os.environ.get("WXFORMAT_UPDATE_GOLDEN"):
            pytest.fail(f"{golden.name} did not exist; written now, review and commit it")
    expected = golden.read_text(encoding="utf-8").rstrip("\n")
    if fragment != expected:
        diff = "".join(
            difflib.unified_diff(readable(expected), readable(fragment), "golden", "now", n=2)
        )
        pytest.fail(f"{sample.name} changed:\n{diff[:6000]}")


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
    ):
        assert construct in text, construct
