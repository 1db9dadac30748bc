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


def test_workers_draw_formulas_after_this_process_started_v8(tmp_path: Path) -> None:
    from wxformat.batch import convert_folder
    from wxformat.runner import Options
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
