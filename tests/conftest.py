"""Shared helpers: convert Markdown text in-process, and run the CLI as a user would."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from wxformat.article import Article, parse_article
from wxformat.faces.cli import main
from wxformat.faces.runner import DiskFiles
from wxformat.options import ConvertOptions
from wxformat.pipeline import Result, convert
from wxformat.themes import load_theme

# the tests never read or write the user's cache: one of their own per session
os.environ.setdefault("WXFORMAT_CACHE_DIR", tempfile.mkdtemp(prefix="wxformat-test-cache-"))

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "articles"
# the project's shared folder (real articles in corpus/, checkers in tools/), next to the
# checkout as ../shared; WXFORMAT_SHARED points at a copy elsewhere
SHARED = Path(os.environ.get("WXFORMAT_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"


def needs_shared(relative: str, check: str) -> pytest.MarkDecorator:
    """Skip a test when shared/<relative> is missing, saying what is missing and how to get
    the same check."""
    path = SHARED / relative
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"{check} needs {path}, which is not there: put a copy of the project's shared "
        "folder next to this checkout (as ../shared) or set WXFORMAT_SHARED to it, then run "
        "this test again",
    )


def convert_text(
    text: str, base_dir: Path | None = None, theme: str = "default", **options: Any
) -> Result:
    """Convert Markdown text with a theme's defaults (no footer), some of them changed by
    options (ConvertOptions' fields; `variables` adds to the theme's). Local images are read
    from base_dir."""
    path = (base_dir or Path.cwd()) / "article.md"
    loaded = load_theme(theme)
    variables = {**loaded.variables, **options.pop("variables", {})}
    resolved = ConvertOptions(
        **{
            "theme": loaded,
            "code_theme": loaded.code_theme,
            "mac_window": loaded.mac_window,
            "variables": variables,
            **options,
        }
    )
    return convert(parse_article(text, path), resolved, files=DiskFiles())


def soup_of(text: str, **settings: Any) -> BeautifulSoup:
    return BeautifulSoup(convert_text(text, **settings).fragment, "html.parser")


@dataclass
class CliRun:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliRun]:
    """Run `wxformat ARGS` in-process through the real entry point (error mapping included)."""

    def run(*args: str) -> CliRun:
        monkeypatch.setattr(sys, "argv", ["wxformat", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run


def run_process(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m wxformat ARGS` in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "wxformat", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


@dataclass
class ConvertedCorpus:
    """The shared corpus converted once for the whole test session."""

    folder: Path  # each article's page, as `wxformat convert ARTICLE -o NAME.html` writes it
    articles: list[tuple[Path, Article, Result]]


def _convert_for_corpus(path: Path) -> tuple[Path, Article, Result]:
    from wxformat.article import read_article
    from wxformat.faces.runner import Options, convert_article

    article = read_article(path)
    return path, article, convert_article(article, Options())


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> ConvertedCorpus:
    """Most of the time goes to drawing formulas on first sight, so the articles are
    converted on every core (fresh processes: a forked one would share the parent's
    cache connection); the drawings land in the session's disk cache for later tests."""
    if not CORPUS.is_dir():
        pytest.skip(
            f"the corpus checks need {CORPUS}, which is not there: put a copy of the "
            "project's shared folder next to this checkout (as ../shared) or set "
            "WXFORMAT_SHARED to it, then run these tests again"
        )
    folder = tmp_path_factory.mktemp("corpus")
    paths = sorted(CORPUS.glob("*.md"))
    # the largest first, so the workers finish together
    paths.sort(key=lambda p: p.stat().st_size, reverse=True)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context) as pool:
        articles = sorted(pool.map(_convert_for_corpus, paths))
    for path, _, result in articles:
        (folder / f"{path.stem}.html").write_text(result.page() + "\n", encoding="utf-8")
    return ConvertedCorpus(folder, articles)
