"""`wxformat check`: what WeChat would break, before pasting.

For a Markdown article: the warnings `convert` gives (same pipeline, same options), plus
anything the simulated paste filter would still change in the result, located by source
line. For an HTML file (from any tool): what the paste filter changes that a reader would
notice, located by element, plus the size, image and dark-mode checks.

Style notes (S1: no space between Chinese and Latin text) are asked for with `--spacing`;
they are listed apart and do not make the article fail the check.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote

from bs4 import BeautifulSoup
from bs4.element import Tag

from wxformat.article import MARKDOWN_SUFFIXES, Article, decode, missing_hint, read_article
from wxformat.diagnostics import Diagnostic
from wxformat.errors import InputError
from wxformat.faces.runner import Options, convert_article
from wxformat.pipeline import Result
from wxformat.wechat.checks import check_size, diagnose
from wxformat.wechat.context import Context
from wxformat.wechat.paste_filter import Change, paste_filter

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str
    hint: str | None = None
    line: int | None = None  # the Markdown source line, when checking an article
    element: str | None = None  # the element, when checking HTML

    def where(self) -> str:
        if self.line:
            return f"line {self.line}"
        return self.element or "article"


@dataclass(frozen=True)
class Report:
    file: str
    problems: tuple[Problem, ...]
    notes: tuple[Problem, ...] = ()  # style notes: reported, never a failure

    @property
    def clean(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = []
        for p in self.problems:
            where = f"{self.file}:{p.line}" if p.line else f"{self.file}: {p.element or 'article'}"
            hint = f" (hint: {p.hint})" if p.hint else ""
            lines.append(f"{where}: {p.rule} {p.message}{hint}")
        for n in self.notes:
            where = f"{self.file}:{n.line}" if n.line else f"{self.file}: {n.element or 'article'}"
            hint = f" (hint: {n.hint})" if n.hint else ""
            lines.append(f"{where}: {n.rule} note: {n.message}{hint}")
        if self.notes:
            count = len(self.notes)
            lines.append(f"{self.file}: {count} style note{'s' if count != 1 else ''}")
        count = len(self.problems)
        lines.append(
            f"{self.file}: no problems: ready to paste"
            if self.clean
            else f"{self.file}: {count} problem{'s' if count != 1 else ''}"
        )
        return "\n".join(lines)

    def json(self) -> str:
        return json.dumps(
            {
                "file": self.file,
                "clean": self.clean,
                "problems": [asdict(p) for p in self.problems],
                "notes": [asdict(n) for n in self.notes],
            },
            ensure_ascii=False,
            indent=2,
        )


def _from_diagnostic(d: Diagnostic) -> Problem:
    return Problem(d.rule, d.message, d.hint, d.line)


def check_article(path: Path, options: Options, spacing: bool = False) -> Report:
    return check_parsed(read_article(path, options.encoding), options, spacing, str(path))


def check_parsed(article: Article, options: Options, spacing: bool, name: str) -> Report:
    """check_article for an article already read (from a file, or text given directly)."""
    return check_converted(name, article, convert_article(article, options), spacing)


def check_converted(name: str, article: Article, result: Result, spacing: bool = False) -> Report:
    """The report for an article already converted: its warnings, and what the editor
    would change that no warning explains (and, with spacing, the S1 style notes)."""
    problems = [_from_diagnostic(w) for w in result.warnings]
    ctx = Context(base_dir=article.base_dir, source=article.body, first_line=article.body_line)
    _, changes = paste_filter(result.fragment)
    for change in changes:
        explained = any(
            w.rule == change.rule and change.needle in w.message for w in result.warnings
        )
        if change.visible and not explained:
            line = ctx.line_of(change.needle)
            problems.append(
                Problem(
                    change.rule, change.message, change.hint, line, None if line else change.element
                )
            )
    notes: list[Problem] = []
    if spacing:
        from wxformat.wechat.spacing import missing_spaces

        missing_spaces(result.fragment, ctx)
        notes = [_from_diagnostic(w) for w in ctx.warnings]
    return Report(name, tuple(_unique(problems)), tuple(_unique(notes)))


def check_html(path: Path, encoding: str | None = None) -> Report:
    try:
        if not path.exists():
            raise InputError(f"{path} does not exist", missing_hint(path, (".html", ".htm")))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", "check the path") from None
    html = decode(data, encoding, str(path))
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body or soup
    fragment = body.decode_contents() if isinstance(body, Tag) else str(body)
    # the whole page, not its body alone: a <style> in <head> is lost too (W1)
    _, changes = paste_filter(html)
    problems = [
        Problem(c.rule, c.message, _hint_for(c, path.parent), None, c.element)
        for c in changes
        if c.visible
    ]
    ctx = Context(base_dir=path.parent)
    root = BeautifulSoup(fragment, "html.parser")
    holder = root.new_tag("section")
    for child in list(root.contents):
        holder.append(child.extract())
    diagnose(holder, ctx)
    check_size(fragment, ctx)
    problems += [_from_diagnostic(w) for w in ctx.warnings]
    return Report(str(path), tuple(_unique(problems)))


def _hint_for(change: Change, folder: Path) -> str:
    """The paste filter's hint, unless the page's image is a file on this disk: then say so."""
    if change.rule != "W19" or not change.needle:
        return change.hint
    local = change.needle.removeprefix("file://")
    try:
        target = Path(unquote(local))
        exists = (target if target.is_absolute() else folder / target).is_file()
    except (OSError, ValueError):
        exists = False
    if not exists:
        return change.hint
    return (
        "the image is a file on this computer, which WeChat cannot reach: insert it with the "
        "editor's image button after pasting, or write the article in Markdown and let "
        "wxformat embed it"
    )


def check_file(path: Path, options: Options, spacing: bool = False) -> Report:
    if path.suffix.lower() in HTML_SUFFIXES:
        return check_html(path, options.encoding)
    if path.suffix.lower() not in MARKDOWN_SUFFIXES and os.path.isfile(path):
        raise InputError(
            f"{path} is neither Markdown nor HTML",
            f"give a {', '.join(MARKDOWN_SUFFIXES[:2])} article or an .html file",
        )
    return check_article(path, options, spacing)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
