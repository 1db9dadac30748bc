"""Block structure against GitHub's own parser (cmark-gfm) on generated articles.

Writers preview in GitHub-flavoured editors, so an article's lists, quotes, code blocks,
rules and headings must come out with the same nesting and text. The articles are built
the way people write them (nested lists at the item's content column, continuation
paragraphs, fences in items or at column 0 right after one, quotes holding lists and
fences, lazy lines after a quote, `---` with or without a blank line before it, setext
headings, tables that end at the next block or take pipe-less rows), from
fixed seeds so a failure is reproducible: the message prints the article.
"""

from __future__ import annotations

import random

import cmarkgfm
import pytest
from bs4 import BeautifulSoup

from wxformat.render import render_markdown

WORDS = ["alpha", "beta", "中文", "测试", "gamma", "**粗体**", "`code`"]
SEEDS = range(20)
ARTICLES_PER_SEED = 100


class Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 3)))

    def items(self, ordered: bool, indent: str = "") -> list[str]:
        lines: list[str] = []
        for k in range(self.rng.randint(1, 3)):
            marker = f"{k + 1}." if ordered else self.rng.choice("-*")
            column = indent + " " * (len(marker) + 1)
            lines.append(f"{indent}{marker} {self.words()}")
            roll = self.rng.random()
            if roll < 0.2 and not indent:
                lines += self.items(self.rng.random() < 0.5, column)
            elif roll < 0.3:
                lines += ["", column + self.words()]
            elif roll < 0.4:
                lines += [column + "```", column + self.words(), column + "```"]
            elif roll < 0.45 and not indent:
                lines += ["```", self.words(), "```"]  # at column 0: ends the list
        return lines

    def block(self) -> list[str]:
        kind = self.rng.choice(
            ["p", "p", "h", "ul", "ol", "quote", "fence", "hr", "table", "setext"]
        )
        if kind == "p":
            return [self.words() for _ in range(self.rng.randint(1, 2))]
        if kind == "h":
            return ["#" * self.rng.randint(1, 3) + " " + self.words()]
        if kind in ("ul", "ol"):
            return self.items(kind == "ol")
        if kind == "quote":
            inner = self.rng.choice([[self.words()], self.items(False), self.items(True)])
            return [f"> {line}" if line else ">" for line in inner]
        if kind == "table":  # with and without outer pipes; rows may lack pipes (GFM)
            if self.rng.random() < 0.5:
                rows = [f"| {self.words()} | {self.words()} |" for _ in range(2)]
                return ["| a | b |", "|---|:-:|", *rows]
            return ["a | b", "--- | ---", f"{self.words()} | {self.words()}", self.words()]
        if kind == "setext":
            return [self.words() for _ in range(self.rng.randint(1, 2))] + [
                self.rng.choice(["===", "---"])
            ]
        if kind == "fence":
            return ["```", self.words(), "```"]
        return ["---"]

    def article(self) -> str:
        lines: list[str] = []
        previous = ""
        for _ in range(self.rng.randint(2, 5)):
            block = self.block()
            table = len(block) > 1 and "|" in block[1]
            if table and (previous == "table" or (lines and lines[-1])):
                # not covered: a table straight after a table, or as a lazy line of a quote
                lines.append("")
            lines += block
            previous = "table" if table else ""
            if self.rng.random() < 0.6:  # else the next block follows at once (lazy lines)
                lines.append("")
        return "\n".join(lines)


def structure(html: str) -> list[tuple[str, int, str]]:
    """Each block element with its nesting depth and its text without white space (CJK
    soft breaks are joined differently, which the reader does not see)."""
    soup = BeautifulSoup(html, "html.parser")
    for separator in soup.find_all(class_="wx-break"):
        separator.decompose()
    found = []
    kinds = ["li", "h1", "h2", "h3", "blockquote", "pre", "hr", "p", "ul", "ol", "th", "td"]
    for tag in soup.find_all(kinds):
        if tag.name == "p" and tag.find_parent(["li", "blockquote"]):
            continue  # tight and loose lists differ only in these
        depth = len(tag.find_parents(["ul", "ol", "blockquote", "li"]))
        text = "".join(tag.get_text().split()) if tag.name not in ("ul", "ol", "hr") else ""
        found.append((tag.name, depth, text if tag.name != "blockquote" else ""))
    return found


@pytest.mark.parametrize("seed", SEEDS)
def test_block_structure_matches_github(seed: int) -> None:
    writer = Writer(seed)
    for _ in range(ARTICLES_PER_SEED):
        article = writer.article()
        expected = structure(cmarkgfm.github_flavored_markdown_to_html(article))
        assert structure(render_markdown(article)) == expected, article
