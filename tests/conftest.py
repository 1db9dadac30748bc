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
from wxformat.cli import main
from wxformat.config import Settings
from wxformat.pipeline import Result, convert

# the tests never read or write the user's cache: one of their own per session
os.environ.setdefault("WXFORMAT_CACHE_DIR", tempfile.mkdtemp(prefix="wxformat-test-cache-"))

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "articles"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def convert_text(text: str, base_dir: Path | None = None, **settings: Any) -> Result:
    """Convert Markdown text with default settings (no footer unless given)."""
    path = (base_dir or Path.cwd()) / "article.md"
    return convert(parse_article(text, path), Settings(base_dir=path.parent).override(**settings))


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
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m wxformat ARGS` in a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "wxformat", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@dataclass
class ConvertedCorpus:
    """The shared corpus converted once for the whole test session."""

    folder: Path  # each article's page, as `wxformat convert ARTICLE -o NAME.html` writes it
    articles: list[tuple[Path, Article, Result]]


def _convert_for_corpus(path: Path) -> tuple[Path, Article, Result]:
    from wxformat.article import read_article
    from wxformat.runner import Options, settings_for

    article = read_article(path)
    return path, article, convert(article, settings_for(article, Options()))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> ConvertedCorpus:
    """Most of the time goes to drawing formulas on first sight, so the articles are
    converted on every core (fresh processes: a forked one would share the parent's
    cache connection); the drawings land in the session's disk cache for later tests."""
    if not CORPUS.is_dir():
        pytest.skip(
            f"needs the shared corpus of real articles at {CORPUS} "
            "(check out shared/ beside the repository to run this check)"
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
