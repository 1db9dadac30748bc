"""`wxformat convert DIR -o OUTDIR`: every article under DIR, in parallel across cores.

One bad article does not stop the rest; the summary counts converted, unchanged, warnings
and failures, and the exit status is non-zero if any failed. With `changed_only`, an
article is skipped when its output is newer than the article, every file its resolved
options read (wxformat.toml, the theme's files, the footer's template and QR code) and the
local pictures it embeds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from wxformat.errors import OutputError, WxformatError
from wxformat.options import Options

BATCH_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")


@dataclass(frozen=True)
class Outcome:
    source: Path
    output: Path
    status: str  # "converted", "unchanged" or "failed"
    warnings: tuple[str, ...] = ()
    error: str = ""


def find_articles(folder: Path, outdir: Path) -> list[Path]:
    """Markdown files under folder, skipping hidden folders and an output folder inside it
    (an output folder around it, `-o .`, holds the articles' folder: nothing to skip)."""
    outdir = outdir.resolve()
    skip_outdir = folder.resolve() in outdir.parents
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in BATCH_SUFFIXES or not path.is_file():
            continue
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in parts):
            continue
        if skip_outdir and (outdir == path.resolve().parent or outdir in path.resolve().parents):
            continue
        found.append(path)
    return found


def output_for(source: Path, folder: Path, outdir: Path) -> Path:
    return outdir / source.relative_to(folder).with_suffix(".html")


def plan(folder: Path, outdir: Path) -> list[tuple[Path, Path]]:
    """Each article and the file it becomes. Articles that would share one (`p.md` and
    `p.markdown`) keep their whole name instead (`p.md.html`, `p.markdown.html`), so none
    overwrites another."""
    sources = find_articles(folder, outdir)
    usual = [output_for(source, folder, outdir) for source in sources]
    taken: dict[str, int] = {}
    for output in usual:  # casefolded: on macOS and Windows P.html is p.html
        taken[str(output).casefold()] = taken.get(str(output).casefold(), 0) + 1
    jobs = [
        (source, output.with_name(source.name + ".html"))
        if taken[str(output).casefold()] > 1
        else (source, output)
        for source, output in zip(sources, usual, strict=True)
    ]
    seen: dict[str, Path] = {}
    for source, output in jobs:
        other = seen.setdefault(str(output).casefold(), source)
        if other is not source:
            raise OutputError(
                f"{other} and {source} would both be written to {output}",
                "rename one of them",
            )
    return jobs


# where an article may name a local picture: a link target](src), a src="..." attribute, a
# [ref]: src definition. Links count too (a needless check costs a conversion, a missed one a
# stale page); each pattern is bounded, so a hostile article cannot make this slow.
_IMAGE_SOURCES = re.compile(
    r"\]\(\s*<?([^\s)>]{1,2000})"
    r"|\bsrc\s*=\s*[\"']([^\"'\n]{1,2000})[\"']"
    r"|^ {0,3}\[[^\]\n]{1,999}\]:[ \t]*<?([^\s>]{1,2000})",
    re.I | re.M,
)


def _inputs_mtime(source: Path, options: Options) -> float:
    """The newest of what the output depends on: the article, the files its options read, and
    the local pictures it embeds. Infinite (convert again) when the options cannot be
    resolved: the conversion says why."""
    from wxformat.article import read_article
    from wxformat.options import resolve

    try:
        article = read_article(source, options.encoding)
        depends = resolve(article, options).depends_on
        newest = max(p.stat().st_mtime for p in (source, *depends))
    except (WxformatError, OSError):
        return float("inf")
    return max([newest, *(_mtime(p) for p in _local_images(article.body, article.base_dir))])


def _local_images(body: str, base_dir: Path) -> set[Path]:
    """The local files an article's pictures may point at."""
    from wxformat.wechat.images import local_path

    found = set()
    for match in _IMAGE_SOURCES.finditer(body):
        src = next(group for group in match.groups() if group)
        path = local_path(src, base_dir)
        if path is not None:
            found.add(path)
    return found


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except (OSError, ValueError):
        return 0.0  # not there: the conversion warns about it


def convert_one(source: Path, output: Path, options: Options, changed_only: bool) -> Outcome:
    """Convert one article to its output file; never raises for the user's problems."""
    from wxformat.faces.output import write_atomically
    from wxformat.faces.runner import convert_file

    try:
        if (
            changed_only
            and output.exists()
            and output.stat().st_mtime >= _inputs_mtime(source, options)
        ):
            return Outcome(source, output, "unchanged")
        result = convert_file(source, options)
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"cannot create folder {output.parent}: {exc.strerror}",
                "check that -o is a folder you can write to",
            ) from None
        write_atomically(output, *result.page_parts(), "\n")
        return Outcome(source, output, "converted", tuple(str(w) for w in result.warnings))
    except WxformatError as exc:
        return Outcome(source, output, "failed", error=exc.format_message())
    except Exception as exc:  # a bug in one article must not stop the batch
        return Outcome(source, output, "failed", error=f"internal error: {exc!r}")


def convert_folder(
    folder: Path,
    outdir: Path,
    options: Options,
    changed_only: bool = False,
    workers: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Convert every article under folder into outdir, keeping the folder structure."""
    jobs = plan(folder, outdir)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    outcomes: list[Outcome] = []
    for outcome in _run(jobs, options, changed_only, workers):
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return sorted(outcomes, key=lambda o: str(o.source))


def _run(
    jobs: list[tuple[Path, Path]], options: Options, changed_only: bool, workers: int
) -> Iterator[Outcome]:
    if workers == 1:
        for source, output in jobs:
            yield convert_one(source, output, options, changed_only)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(convert_one, s, o, options, changed_only) for s, o in jobs]
        for future in as_completed(futures):
            yield future.result()
