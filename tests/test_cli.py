"""`wxformat convert` as a user runs it: outputs, warnings, and one-line errors with hints."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ARTICLES, CliRun, run_process

Cli = Callable[..., CliRun]


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: 我的文章\n---\n# Heading\n\nHello **world**.\n", encoding="utf-8")
    return path


def one_line_error(run: CliRun) -> str:
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: ") and "hint:" in lines[0]
    assert "Traceback" not in run.err
    return lines[0]


def test_page_has_doctype_charset_viewport_title_and_one_root_section(
    cli: Cli, article: Path
) -> None:
    run = cli("convert", str(article))
    assert run.code == 0
    assert run.out.startswith("<!DOCTYPE html>")
    soup = BeautifulSoup(run.out, "html.parser")
    assert soup.find("meta", charset="utf-8") is not None
    assert soup.find("meta", attrs={"name": "viewport"}) is not None
    assert soup.title is not None and soup.title.get_text() == "我的文章"
    body = soup.body
    assert body is not None
    roots = [c for c in body.children if getattr(c, "name", None)]
    assert len(roots) == 1 and roots[0].name == "section"


def test_fragment_prints_only_the_section(cli: Cli, article: Path) -> None:
    run = cli("convert", str(article), "--fragment")
    assert run.code == 0
    assert run.out.startswith("<section") and run.out.rstrip().endswith("</section>")


def test_output_file_is_written_and_input_untouched(
    cli: Cli, article: Path, tmp_path: Path
) -> None:
    before = article.read_bytes()
    out = tmp_path / "post.html"
    run = cli("convert", str(article), "-o", str(out))
    assert run.code == 0 and run.out == ""
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert article.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_output_file_has_the_usual_permissions(cli: Cli, article: Path, tmp_path: Path) -> None:
    out = tmp_path / "post.html"
    old_mask = os.umask(0o022)
    try:
        assert cli("convert", str(article), "-o", str(out)).code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not the temp file's private 0600
        out.chmod(0o640)  # a mode the user chose is kept when the file is rewritten
        assert cli("convert", str(article), "-o", str(out)).code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old_mask)


def test_warnings_go_to_stderr_never_into_html(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("![x](missing.png)\n", encoding="utf-8")
    run = cli("convert", str(path))
    assert run.code == 0
    assert "warning: W19" in run.err and "missing.png" in run.err
    assert "warning" not in run.out


def test_missing_file(cli: Cli, tmp_path: Path) -> None:
    line = one_line_error(cli("convert", str(tmp_path / "nope.md")))
    assert "does not exist" in line and f"(hint: check the path: {tmp_path}/ has no .md" in line


def test_missing_file_names_the_articles_that_are_there(cli: Cli, tmp_path: Path) -> None:
    """A path such as articles/post.md, which a fresh checkout does not have (the README's
    examples named it): the hint lists the articles the folder does hold (it used to say
    "e.g. articles/post.md" whatever was asked for)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("welcome.md", "math.md", "notes.txt", "page.html"):
        (folder / name).write_text("# x\n", encoding="utf-8")
    line = one_line_error(cli("convert", str(folder / "post.md")))
    assert line.endswith(f"(hint: check the path; in {folder}/: math.md, welcome.md)")
    line = one_line_error(cli("check", str(folder / "nope" / "page.htm")))
    assert line.endswith(f"(hint: check the path; in {folder}/: page.html)")


def test_directory_given(cli: Cli, tmp_path: Path) -> None:
    run = cli("convert", str(tmp_path))
    assert run.code == 1 and "is a folder" in one_line_error(run)


def test_undecodable_bytes_name_the_encoding_and_suggest_gbk(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes("# 标题\n".encode("gbk"))
    run = cli("convert", str(path))
    line = one_line_error(run)
    assert run.code == 1 and "utf-8" in line and "--encoding gbk" in line
    ok = cli("convert", str(path), "--encoding", "gbk", "--fragment")
    assert ok.code == 0 and "标题" in ok.out


def test_unknown_theme_lists_the_available_ones(cli: Cli, article: Path) -> None:
    run = cli("convert", str(article), "--theme", "nosuch")
    line = one_line_error(run)
    assert run.code == 1 and "nosuch" in line and "default" in line


def test_invalid_config_names_key_and_file(cli: Cli, article: Path, tmp_path: Path) -> None:
    (tmp_path / "wxformat.toml").write_text("[footer]\nacount = 'x'\n", encoding="utf-8")
    line = one_line_error(cli("convert", str(article)))
    assert "footer.acount" in line and "wxformat.toml" in line


def test_output_never_overwrites_the_input(cli: Cli, article: Path) -> None:
    before = article.read_bytes()
    run = cli("convert", str(article), "-o", str(article))
    assert run.code == 1 and "is the input" in one_line_error(run)
    assert article.read_bytes() == before


def test_output_into_missing_folder_is_a_clear_error(
    cli: Cli, article: Path, tmp_path: Path
) -> None:
    run = cli("convert", str(article), "-o", str(tmp_path / "no" / "such" / "out.html"))
    assert run.code == 1 and "does not exist" in one_line_error(run)


def test_unreadable_file(cli: Cli, article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # as root chmod cannot make a file unreadable, so the OS refusal is raised where it would be
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    run = cli("convert", str(article))
    assert run.code == 1 and "cannot read" in one_line_error(run) and "Permission denied" in run.err


def test_usage_error_exits_2(cli: Cli) -> None:
    run = cli("convert")
    assert run.code == 2 and "Missing argument" in run.err


def test_footer_is_added_from_config_and_can_be_turned_off(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "wxformat.toml").write_text(
        '[footer]\naccount = "算法札记"\nslogan = "每周一篇"\n', encoding="utf-8"
    )
    path = tmp_path / "a.md"
    path.write_text("body text\n", encoding="utf-8")
    on = cli("convert", str(path), "--fragment").out
    assert "关注公众号【算法札记】" in on and "每周一篇" in on
    assert on.index("body text") < on.index("算法札记")
    off = cli("convert", str(path), "--fragment", "--no-footer").out
    assert "算法札记" not in off
    path.write_text("---\nfooter: false\n---\nbody text\n", encoding="utf-8")
    assert "算法札记" not in cli("convert", str(path), "--fragment").out


def test_footer_position_top_and_both(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("BODY\n", encoding="utf-8")
    for position, expected in (("top", 1), ("both", 2), ("end", 1)):
        (tmp_path / "wxformat.toml").write_text(
            f'[footer]\naccount = "号"\nposition = "{position}"\n', encoding="utf-8"
        )
        out = cli("convert", str(path), "--fragment").out
        assert out.count("关注公众号【号】") == expected
        if position == "top":
            assert out.index("号】") < out.index("BODY")


def test_footer_template_with_placeholders_from_config_and_front_matter(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "wxformat.toml").write_text(
        '[footer]\naccount = "号"\ntemplate = "感谢阅读《{title}》，作者 {author}，来自 {account}"\n',
        encoding="utf-8",
    )
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: 标题\nauthor: 小明\n---\ntext\n", encoding="utf-8")
    assert "感谢阅读《标题》，作者 小明，来自 号" in cli("convert", str(path), "--fragment").out


def test_color_and_font_size_flags_reach_the_styles(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("## Section\n\ntext\n", encoding="utf-8")
    out = cli("convert", str(path), "--fragment", "--color", "#0f7b6c", "--font-size", "15px").out
    assert "#0f7b6c" in out and "font-size:15px" in out


def test_bundled_article_converts_with_its_config() -> None:
    run = run_process("convert", str(ARTICLES / "welcome.md"), "--fragment")
    assert run.returncode == 0, run.stderr
    assert "算法札记" in run.stdout and "data:image/png;base64," in run.stdout
    assert run.stderr == ""


def test_python_dash_m_and_version() -> None:
    run = run_process("--version")
    assert run.returncode == 0 and "wxformat" in run.stdout


def test_flags_beat_front_matter_which_beats_config(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "wxformat.toml").write_text('theme = "minimal"\n', encoding="utf-8")
    path = tmp_path / "a.md"
    path.write_text("---\ntheme: ocean\n---\n## Heading\n", encoding="utf-8")
    ocean_h2 = "background-color:#1e3a8a"
    assert ocean_h2 in cli("convert", str(path), "--fragment").out  # front matter over config
    flagged = cli("convert", str(path), "--fragment", "--theme", "tech").out
    assert ocean_h2 not in flagged and "background-color:#0e7490" in flagged  # the flag wins
