"""wxformat benchmark: cold CLI, warm re-render, per-stage times, memory, against budgets.

    python bench/run.py            full run (what the README quotes)
    python bench/run.py --quick    fewer repetitions (CI runs this so it cannot rot)
    python bench/run.py --hostile  only the small hostile inputs of issue #14 (2 s each)
    python bench/run.py --wenyan DIR   also time wenyan on the typical article, side by side

wenyan (Node.js, the converter the cold-convert budget is set against): DIR is a folder
where `npm install @wenyan-md/core jsdom form-data-encoder formdata-node` was run (its
CLI package is not on the registry this project uses; the runner below does what the
CLI's `render` does: front matter, Markdown, theme, highlighting, math). A `wenyan`
command on PATH is used instead when there is one. Without either the comparison is
skipped with a message, and the ratio budget is not judged.

Articles: the shared corpus's smallest, the 11 KB doocs sample (typical) and the 64 KB
JavaGuide article (largest). Prints a table and writes bench/results.json. Exit status is
1 when a budget is missed in a full run; a quick run only reports (shared CI machines are
noisy), but fails if anything errors.

Cold runs are whole `python -m wxformat` processes with a cache folder of the benchmark's
own: the budgeted figures are a re-convert (formulas, highlighted code and theme rules in
the cache, as after any earlier convert or preview); "empty cache" is an article's very
first conversion. wxformat's bytecode is compiled first, as `pip install` does: an
editable checkout run with PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every
module in every process.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
TYPICAL = CORPUS / "doocs-md__markdown.zh-CN.md"
LARGEST = CORPUS / "JavaGuide__java-concurrent-questions-02.md"
SMALLEST = CORPUS / "LeetCode-Go__Time_Complexity.md"  # also formula-free
CHAPTER = CORPUS / "pumpkin-book__chapter3.md"  # 397 formulas: the math-heaviest article

BUDGETS = {  # seconds (median), MB (peak), or a ratio
    "cold convert, typical / wenyan's time": 0.25,
    "cold convert, largest (64 KB)": 0.80,
    "warm re-render, typical": 0.30,
    "wxformat --help": 0.15,
    "peak memory, largest (MB)": 300,
    "peak memory, 200-article batch (MB)": 300,
    "math stage, every corpus formula, empty cache": 5.0,
    "cold convert, pumpkin-book ch.3, empty cache": 3.0,
    "peak memory, pumpkin-book ch.3, empty cache (MB)": 300,
    "V8 started for a formula-free article (0 = no)": 0,
}
HOSTILE_BUDGET = 2.0  # issue #14: each small hostile input (up to 1 MB) converts in under 2 s


CACHE = Path(tempfile.mkdtemp(prefix="wxformat-bench-cache-"))
os.environ["WXFORMAT_CACHE_DIR"] = str(CACHE)


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{done.stderr[-800:]}")
    return elapsed


def median_of(cmd: list[str], reps: int) -> float:
    run(cmd)  # first run fills the OS file cache and wxformat's formula cache
    return statistics.median(run(cmd) for _ in range(reps))


def median_empty_cache(cmd: list[str], reps: int) -> float:
    samples = []
    for _ in range(reps):
        folder = tempfile.mkdtemp(prefix="wxformat-bench-empty-")
        samples.append(run(cmd, env={**os.environ, "WXFORMAT_CACHE_DIR": folder}))
    return statistics.median(samples)


def peak_mb(cmd: list[str], env: dict[str, str] | None = None) -> float:
    code = (
        "import resource, subprocess, sys;"
        f"subprocess.run({cmd!r}, capture_output=True, check=True, env={env!r});"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024  # ru_maxrss is in KB on Linux


# Every corpus article converted in one fresh process with an empty formula cache: the math
# stage's seconds summed (V8's start included), as a writer's first conversions cost
CORPUS_MATH = """
import sys
from pathlib import Path
from wxformat.article import read_article
from wxformat.faces.runner import convert_article
total = 0.0
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    timings = {}
    convert_article(read_article(path), None, timings)
    total += timings.get("math", 0.0)
import time
print(total, time.process_time())  # wall seconds of math; CPU seconds of the whole process
"""

NO_V8 = """
import sys
from wxformat.faces.cli import main
sys.argv = ["wxformat", "convert", sys.argv[1], "-o", sys.argv[2]]
try:
    main()
except SystemExit:
    pass
print(int("py_mini_racer" in sys.modules))
"""


def empty_cache_env() -> dict[str, str]:
    return {**os.environ, "WXFORMAT_CACHE_DIR": tempfile.mkdtemp(prefix="wxformat-bench-empty-")}


def output_of(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=empty_cache_env(),
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


# Shapes that made the Markdown stage quadratic once (each block re-joined per heading, each
# quote line re-scanning its quote): times that grow 4x from 20,000 to 40,000 lines are back
SHAPES = {
    "headings": "# 标题\n",
    "quote lines": "> 引用\n",
    "setext headings": "标题\n===\n",
    "list items": "- 列表\n",
    "table rows": "| a | b |\n",
}


def shape_times() -> dict[str, float]:
    from wxformat.render import render_markdown

    times = {}
    for name, unit in SHAPES.items():
        for lines in (20_000, 40_000):
            text = ("| a | b |\n|---|---|\n" if "|" in unit else "") + unit * lines
            start = time.perf_counter()
            render_markdown(text)
            times[f"Markdown stage, {lines:,} {name}"] = time.perf_counter() - start
    return times


def hostile_times(cli: list[str], heavy: bool = True) -> dict[str, float]:
    """Each hostile input of tests/test_hostile.py (issue #14), as a whole `convert` (the
    first conversion: a formula drawn once is cached, as after any earlier run)."""
    sys.path.insert(0, str(ROOT))
    from tests.test_hostile import EARLIER, LONG_RUNS, MATH_HEAVY, SLOW_IN_FIXERS, SLOW_ONCE

    folder = Path(tempfile.mkdtemp(prefix="wxformat-bench-hostile-"))
    times = {}
    cases = {**SLOW_ONCE, **SLOW_IN_FIXERS, **LONG_RUNS, **EARLIER, **(MATH_HEAVY if heavy else {})}
    for number, (name, text) in enumerate(cases.items()):
        source = folder / f"{number}.md"
        source.write_text(text, encoding="utf-8")
        times[f"hostile: {name}"] = run([*cli, "convert", str(source), "-o", str(folder / "out")])
    return times


# what wenyan's CLI does for `wenyan render -f FILE` (default theme, solarized-light code,
# Mac-style code blocks, footnotes), run with --input-type=module from DIR so that
# `@wenyan-md/core` resolves against DIR's node_modules
WENYAN_RUNNER = """
import { readFile } from "node:fs/promises";
import path from "node:path";
import { prepareRenderContext } from "@wenyan-md/core/wrapper";
const file = process.argv[1];
const options = {
  file, theme: "default", highlight: "solarized-light", macStyle: true, footnote: true,
};
const read = async (_input, f) => ({
  content: await readFile(f, "utf8"), absoluteDirPath: path.dirname(path.resolve(f)),
});
const { gzhContent } = await prepareRenderContext(undefined, options, read);
process.stdout.write(gzhContent.content);
"""


def wenyan_command(folder: Path | None, article: Path) -> tuple[list[str], Path | None] | None:
    """The command that renders the article with wenyan and the folder to run it in, or
    None (with a message)."""
    wenyan = shutil.which("wenyan")
    if wenyan:
        return [wenyan, "render", "-f", str(article)], None
    if folder is None:
        print("wenyan comparison skipped: no `wenyan` on PATH and no --wenyan DIR given")
        return None
    if not (folder / "node_modules" / "@wenyan-md" / "core").is_dir() or not shutil.which("node"):
        print(f"wenyan comparison skipped: no node, or no @wenyan-md/core under {folder}")
        return None
    return ["node", "--input-type=module", "-e", WENYAN_RUNNER, str(article)], folder


def cold_process_stages(path: Path, reps: int) -> dict[str, float]:
    """Per-stage times of one conversion in a fresh process: the first conversion pays for
    importing each stage's libraries (premailer, Pygments) and for premailer parsing the
    theme, which a warm process has done already."""
    code = (
        "import json, sys, time\n"
        "from wxformat.faces import deferred\n"
        "deferred.defer()\n"
        "start = time.perf_counter()\n"
        "from wxformat.article import read_article\n"
        "from wxformat.faces.runner import convert_article\n"
        "timings = {'import wxformat': time.perf_counter() - start}\n"
        "start = time.perf_counter()\n"
        "import premailer, cssutils\n"
        "timings['import premailer + cssutils'] = time.perf_counter() - start\n"
        "from pathlib import Path\n"
        "article = read_article(Path(sys.argv[1]))\n"
        "convert_article(article, None, timings)\n"
        "print(json.dumps(timings))\n"
    )
    samples: dict[str, list[float]] = {}
    for _ in range(reps):
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
        )
        for stage, seconds in json.loads(done.stdout).items():
            samples.setdefault(stage, []).append(seconds)
    return {stage: statistics.median(values) for stage, values in samples.items()}


def stage_times(path: Path, reps: int) -> dict[str, float]:
    from wxformat.article import read_article
    from wxformat.faces.runner import convert_article

    totals: dict[str, list[float]] = {}
    for _ in range(reps + 1):
        timings: dict[str, float] = {}
        start = time.perf_counter()
        article = read_article(path)
        timings["read"] = time.perf_counter() - start
        convert_article(article, None, timings)
        for stage, seconds in timings.items():
            totals.setdefault(stage, []).append(seconds)
    return {stage: statistics.median(values[1:]) for stage, values in totals.items()}


def warm_rerender(path: Path, reps: int) -> float:
    from wxformat.faces.runner import Options, convert_file

    convert_file(path, Options())
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        convert_file(path, Options())
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions; report only")
    parser.add_argument(
        "--hostile", action="store_true", help="only the hostile inputs of issue #14"
    )
    parser.add_argument(
        "--wenyan", type=Path, help="folder with @wenyan-md/core installed (see above)"
    )
    args = parser.parse_args()
    if not TYPICAL.exists():
        raise SystemExit(f"the shared corpus is not at {CORPUS}")
    reps = 3 if args.quick else 15
    import wxformat

    compileall.compile_dir(Path(wxformat.__file__).parent, quiet=1)
    cli = [sys.executable, "-m", "wxformat"]
    out = Path(tempfile.mkdtemp()) / "out.html"
    results: dict[str, float] = hostile_times(cli, heavy=not args.quick)
    if args.hostile:
        return report(results, {}, args)
    results["cold convert, smallest (4 KB)"] = median_of(
        [*cli, "convert", str(SMALLEST), "-o", str(out)], reps
    )
    results["cold convert, typical (11 KB)"] = median_of(
        [*cli, "convert", str(TYPICAL), "-o", str(out)], reps
    )
    wenyan = wenyan_command(args.wenyan, TYPICAL)
    if wenyan is not None:
        # side by side: wenyan's runs alternate with ours, so a slow spell hits both
        ours, theirs = [], []
        command, folder = wenyan
        run(command, cwd=folder)
        for _ in range(max(3, reps // 3)):
            theirs.append(run(command, cwd=folder))
            ours.append(run([*cli, "convert", str(TYPICAL), "-o", str(out)]))
        results["wenyan render, typical (Node.js)"] = statistics.median(theirs)
        results["cold convert, typical, beside wenyan"] = statistics.median(ours)
        results["cold convert, typical / wenyan's time"] = statistics.median(
            a / b for a, b in zip(ours, theirs, strict=True)
        )
    results["cold convert, typical, empty cache"] = median_empty_cache(
        [*cli, "convert", str(TYPICAL), "-o", str(out)], reps
    )
    results["cold convert, largest (64 KB)"] = median_of(
        [*cli, "convert", str(LARGEST), "-o", str(out)], reps
    )
    # a long article, to catch work that grows faster than the text:
    # the corpus four times (under the 2 MB cap)
    joined = Path(tempfile.mkdtemp()) / "joined.md"
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.md"))]
    joined.write_text("\n\n".join(texts * 4), encoding="utf-8")
    size_kb = joined.stat().st_size // 1024
    results[f"cold convert, {size_kb} KB (corpus x4), first conversion"] = run(
        [*cli, "convert", str(joined), "-o", str(out)]
    )
    results["warm re-render, typical"] = warm_rerender(TYPICAL, reps * 3)
    results["wxformat --help"] = median_of([*cli, "--help"], reps)
    results["peak memory, largest (MB)"] = peak_mb([*cli, "convert", str(LARGEST), "-o", str(out)])
    batch = Path(tempfile.mkdtemp())
    sources = sorted(CORPUS.glob("*.md"))
    for i in range(200):
        source = sources[i % len(sources)]
        (batch / f"{i:03d}-{source.name}").write_bytes(source.read_bytes())
    results["peak memory, 200-article batch (MB)"] = peak_mb(
        [*cli, "convert", str(batch), "-o", str(batch / "out")]
    )
    start = time.perf_counter()
    run([*cli, "convert", str(batch), "-o", str(batch / "out2")])
    results["200-article batch, wall time"] = time.perf_counter() - start
    math_wall, process_cpu = output_of(CORPUS_MATH, str(CORPUS)).split()
    results["math stage, every corpus formula, empty cache"] = float(math_wall)
    # on a shared machine wall time waits for the cores; CPU time says what the work cost
    results["CPU time, whole corpus converted in one process, empty cache"] = float(process_cpu)
    chapter = [*cli, "convert", str(CHAPTER), "-o", str(out)]
    results["cold convert, pumpkin-book ch.3, empty cache"] = min(
        run(chapter, env=empty_cache_env()) for _ in range(2 if args.quick else 3)
    )
    results["peak memory, pumpkin-book ch.3, empty cache (MB)"] = peak_mb(
        chapter, env=empty_cache_env()
    )
    results["V8 started for a formula-free article (0 = no)"] = float(
        output_of(NO_V8, str(SMALLEST), str(out))
    )
    stages = {f"stage: {k}": v for k, v in stage_times(TYPICAL, reps).items()}
    stages.update({f"cold process: {k}": v for k, v in cold_process_stages(TYPICAL, reps).items()})
    results.update(shape_times())
    return report(results, stages, args)


def report(results: dict[str, float], stages: dict[str, float], args: argparse.Namespace) -> int:
    """Print the table against the budgets; a full run also writes bench/results.json."""
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()}"
    )
    print(f"wxformat benchmark ({'quick' if args.quick else 'full'}; {machine})")
    width = max(len(name) for name in {**results, **stages})
    print(f"{'measure':{width}} {'result':>10} {'budget':>8}  ok")
    missed = []
    for name, value in {**results, **stages}.items():
        budget = BUDGETS.get(name, HOSTILE_BUDGET if name.startswith("hostile: ") else None)
        unit = "MB" if "MB" in name else ("x" if "/" in name else "s")
        unit = "n" if "(0 = no)" in name else unit
        counts = {"MB": "{:.0f} MB", "x": "{:.2f}", "n": "{:.0f}"}
        shown = counts[unit].format(value) if unit in counts else f"{value * 1000:.0f} ms"
        limit = (
            ""
            if budget is None
            else {"MB": f"{budget:.0f} MB", "x": f"{budget:.2f}", "n": f"{budget:.0f}"}.get(
                unit, f"{budget * 1000:.0f} ms"
            )
        )
        ok = "" if budget is None else ("yes" if value <= budget else "NO")
        if ok == "NO":
            missed.append(name)
        print(f"{name:{width}} {shown:>10} {limit:>8}  {ok}")
    summary = {
        "machine": machine,
        "quick": args.quick,
        "results": results,
        "stages": stages,
        "budgets": BUDGETS,
        "missed": missed,
    }
    if not args.hostile:  # a partial run leaves the full run's figures alone
        (ROOT / "bench" / "results.json").write_text(json.dumps(summary, indent=2), "utf-8")
    print(f"budgets missed: {', '.join(missed) if missed else 'none'}")
    return 1 if missed and not args.quick else 0


if __name__ == "__main__":
    sys.exit(main())
