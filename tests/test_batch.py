"""`wxformat convert DIR -o OUTDIR`: a folder of good and bad articles."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import ARTICLES, CliRun

Cli = Callable[..., CliRun]


def make_blog(root: Path) -> Path:
    blog = root / "blog"
    (blog / "2024" / "assets").mkdir(parents=True)
    (blog / ".drafts").mkdir()
    (blog / "first.md").write_text("# First\n\nhello\n", encoding="utf-8")
    (blog / "2024" / "second.markdown").write_text("# Second\n\n- a\n- b\n", encoding="utf-8")
    (blog / "2024" / "gbk.md").write_bytes("# 坏的\n".encode("gbk"))
    (blog / "2024" / "assets" / "pic.png").write_bytes(
        (ARTICLES / "assets" / "qrcode.png").read_bytes()
    )
    (blog / "2024" / "img.md").write_text(
        "![pic](assets/pic.png)\n\n![gone](gone.png)\n", encoding="utf-8"
    )
    (blog / "notes.txt").write_text("not an article", encoding="utf-8")
    (blog / ".drafts" / "hidden.md").write_text("# hidden\n", encoding="utf-8")
    return blog


def test_folder_converts_good_articles_and_reports_the_bad_one(tmp_path: Path, cli: Cli) -> None:
    blog = make_blog(tmp_path)
    out = tmp_path / "out"
    run = cli("convert", str(blog), "-o", str(out), "--jobs", "2")
    assert run.code == 1  # one article failed
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")) == [
        "2024/img.html",
        "2024/second.html",
        "first.html",
    ]
    assert "First" in (out / "first.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in (out / "2024" / "img.html").read_text(encoding="utf-8")
    assert f"failed: {blog / '2024' / 'gbk.md'}: cannot decode" in run.err
    assert "3 converted (1 with warnings, 1 warning), 0 unchanged, 1 failed" in run.err
    # each warning names its article and line, as convert does for one article
    assert f"warning: {blog / '2024' / 'img.md'}: W19 line 3: " in run.err
    assert "gone.png" in run.err
    assert "Traceback" not in run.err


def test_changed_reconverts_only_what_changed(tmp_path: Path, cli: Cli) -> None:
    blog = make_blog(tmp_path)
    (blog / "2024" / "gbk.md").unlink()
    out = tmp_path / "out"
    assert cli("convert", str(blog), "-o", str(out)).code == 0
    before = {p: p.stat().st_mtime for p in out.rglob("*.html")}
    run = cli("convert", str(blog), "-o", str(out), "--changed")
    assert "0 converted" in run.err and "3 unchanged" in run.err
    later = time.time() + 5
    os.utime(blog / "first.md", (later, later))
    run = cli("convert", str(blog), "-o", str(out), "--changed", "--jobs", "1")
    assert "1 converted" in run.err and "2 unchanged" in run.err
    after = {p: p.stat().st_mtime for p in out.rglob("*.html")}
    assert [p.name for p in after if after[p] != before[p]] == ["first.html"]
    (blog / "wxformat.toml").write_text('theme = "ocean"\n', encoding="utf-8")
    os.utime(blog / "wxformat.toml", (later + 5, later + 5))
    run = cli("convert", str(blog), "-o", str(out), "--changed")
    assert "3 converted" in run.err  # a new config changes every output


def test_folder_needs_an_output_folder(tmp_path: Path, cli: Cli) -> None:
    blog = make_blog(tmp_path)
    run = cli("convert", str(blog))
    assert run.code == 1 and "give an output folder" in run.err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no Markdown articles" in cli("convert", str(empty), "-o", str(tmp_path / "o")).err


# --- issue #14: batch conversion loses nothing ---


def one_line_error(run: CliRun) -> str:
    lines = run.err.strip().splitlines()
    assert run.code == 1 and len(lines) == 1, run.err
    assert lines[0].startswith("error: ") and "hint:" in lines[0] and "internal" not in lines[0]
    return lines[0]


def test_articles_that_would_share_an_output_both_survive(tmp_path: Path, cli: Cli) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "p.md").write_text("# 甲\n\nfrom p.md\n", encoding="utf-8")
    (blog / "p.markdown").write_text("# 乙\n\nfrom p.markdown\n", encoding="utf-8")
    (blog / "q.md").write_text("# q\n", encoding="utf-8")
    out = tmp_path / "out"
    run = cli("convert", str(blog), "-o", str(out))
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir()) == ["p.markdown.html", "p.md.html", "q.html"]
    assert "from p.md" in (out / "p.md.html").read_text(encoding="utf-8")
    assert "from p.markdown" in (out / "p.markdown.html").read_text(encoding="utf-8")
    assert "3 converted" in run.err
    assert f"note: {blog / 'p.md'} is written to {out / 'p.md.html'}" in run.err
    assert f"note: {blog / 'p.markdown'} is written to {out / 'p.markdown.html'}" in run.err


def test_output_folder_that_is_the_input_folder_is_refused(tmp_path: Path, cli: Cli) -> None:
    blog = make_blog(tmp_path)
    before = sorted(blog.rglob("*"))
    error = one_line_error(cli("convert", str(blog), "-o", str(blog)))
    assert "is the folder of the articles" in error and "no Markdown" not in error
    assert sorted(blog.rglob("*")) == before  # nothing written


def test_output_folder_inside_or_around_the_input_folder(tmp_path: Path, cli: Cli) -> None:
    blog = make_blog(tmp_path)
    (blog / "2024" / "gbk.md").unlink()
    inside = blog / "out"
    for _ in range(2):  # the second run does not take the first run's output for input
        run = cli("convert", str(blog), "-o", str(inside))
        assert run.code == 0 and "3 converted" in run.err, run.err
    assert (inside / "2024" / "second.html").is_file()
    assert not (inside / "out").exists()
    run = cli("convert", str(blog), "-o", str(tmp_path))  # around it: blog/ sits in -o
    assert run.code == 0 and "3 converted" in run.err, run.err
    assert (tmp_path / "first.html").is_file() and (tmp_path / "2024" / "img.html").is_file()
    only = tmp_path / "only"
    (only / "out").mkdir(parents=True)
    (only / "out" / "a.md").write_text("# a\n", encoding="utf-8")
    error = one_line_error(cli("convert", str(only), "-o", str(only / "out")))
    assert "which holds the only ones" in error


def test_folders_and_files_that_cannot_be_made_are_one_line_errors(
    tmp_path: Path, cli: Cli
) -> None:
    blog = make_blog(tmp_path)
    (blog / "2024" / "gbk.md").unlink()
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder", encoding="utf-8")
    error = one_line_error(cli("convert", str(blog), "-o", str(in_the_way / "out")))
    assert "cannot create folder" in error
    out = tmp_path / "out"
    out.mkdir()
    (out / "2024").write_text("a file where a folder goes", encoding="utf-8")
    (out / "first.html").mkdir()  # a folder where a file goes
    run = cli("convert", str(blog), "-o", str(out))
    assert run.code == 1 and "internal error" not in run.err and "Traceback" not in run.err
    failed = [line for line in run.err.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 3, run.err
    assert all("(hint: " in line for line in failed)
    assert "cannot create folder" in run.err and f"cannot write {out / 'first.html'}" in run.err
    assert "0 converted" in run.err and "3 failed" in run.err


def test_workers_draw_formulas_after_this_process_started_v8(tmp_path: Path) -> None:
    from wxformat.faces.batch import convert_folder
    from wxformat.faces.runner import Options
    from wxformat.wechat import mathjax

    # V8 runs here now; a forked worker must start its own, not call into this one's
    mathjax.draw("x^2", False)
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"p{i}.md").write_text(f"# {i}\n\n$$\\frac{{a_{i}}}{{b}}$$\n", encoding="utf-8")
    outcomes = convert_folder(src, tmp_path / "out", Options(), workers=2)
    assert [o.error for o in outcomes] == ["", "", ""]
    for i in range(3):
        assert "<svg" in (tmp_path / "out" / f"p{i}.html").read_text(encoding="utf-8")
