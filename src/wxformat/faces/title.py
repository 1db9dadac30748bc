"""Output helper: WeChat shows an article's title above its body, so a body that opens with
a `#` heading equal to the title would show the title twice. Used by `publish` (which
leaves the heading out of the draft unless told to keep it) and by the preview's WeChat
frame.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import Tag

from wxformat.article import Article
from wxformat.pipeline import serialize

_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def opens_with_title(article: Article) -> bool:
    """Whether the body's first block is a level-one heading, `# x` or x over `===` (its
    text is compared later)."""
    lines = article.body.splitlines()
    for i, line in enumerate(lines):
        if line.strip():
            setext = i + 1 < len(lines) and _SETEXT_H1.match(lines[i + 1]) is not None
            return bool(_ATX_H1.match(line)) or setext
    return False


def title_heading(root: BeautifulSoup | Tag, article: Article) -> Tag | None:
    """The `<h1>` that repeats the article's title at the top of its body, if there is one."""
    if not opens_with_title(article):
        return None
    heading = root.find("h1")
    if isinstance(heading, Tag) and _same(heading.get_text(), article.title):
        return heading
    return None


def without_title_heading(fragment: str, article: Article) -> str:
    """The fragment with its title heading left out (unchanged when it has none)."""
    soup = BeautifulSoup(fragment, "html.parser")
    heading = title_heading(soup, article)
    if heading is None:
        return fragment
    heading.decompose()
    return serialize(soup)
