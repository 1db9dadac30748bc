"""A new user's first hour (issue 18): the set-up commands, the first conversion, and the
messages a mistyped option gets."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, ROOT, CliRun

Cli = Callable[..., CliRun]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_test_command() -> str:
    """The README's second set-up command: the one that runs the tests."""
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", setup, re.S)
    return str(next(c for c in commands if "pytest" in c))


def _tools_installed() -> bool:
    if not all(shutil.which(tool) for tool in ("chromium", "Xvfb", "xclip", "fc-list")):
        return False
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, timeout=60).stdout
    return "noto sans cjk" in fonts.lower()


def test_the_readme_test_command_says_when_its_apt_fallback_works() -> None:
    command = readme_test_command()
    setup = README.split("## Set up", 1)[1].split("```bash\n" + command, 1)[0]
    assert "only as root on\nDebian or Ubuntu" in setup or "only as root on Debian" in setup
    assert "fonts-noto-cjk" in command and "Noto Sans CJK" in command  # checked, not assumed


@pytest.mark.skipif(
    not _tools_installed(),
    reason="Chromium, Xvfb, xclip or the Noto CJK fonts are missing here: the command's "
    "check would install them with apt-get",
)
def test_the_readme_test_command_checks_quietly() -> None:
    # the part before `pip install`: the check for the tools and fonts (and their install)
    check = readme_test_command().split(" && pip install", 1)[0]
    done = subprocess.run(["bash", "-c", check], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    # CI installs the same fonts the command looks for
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "Noto Sans CJK" in ci and "fonts-noto-cjk" in ci


def test_a_test_that_needs_shared_says_what_is_missing_and_how_to_run_it(tmp_path: Path) -> None:
    nowhere = tmp_path / "no-shared-here"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         str(ROOT / "tests" / "test_fidelity.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "WXFORMAT_SHARED": str(nowhere)},
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 skipped" in done.stdout
    reason = " ".join(done.stdout.split())
    assert str(nowhere / "tools" / "md_fidelity.py") in reason
    assert "../shared" in reason and "WXFORMAT_SHARED" in reason
    assert "CI" not in reason and "session" not in reason


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def readme_commands() -> list[list[str]]:
    """Every `wxformat ...` command in the README's bash blocks, as its arguments, in order."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)\n```", README, re.S):
        for line in block.splitlines():
            for part in re.split(r"\s+#", line, maxsplit=1)[0].split("&&"):
                words = shlex.split(part)
                if words[:1] == ["wxformat"]:
                    commands.append(words[1:])
    return commands


def test_every_wxformat_command_in_the_readme_exists_and_names_files_that_do() -> None:
    """A newcomer runs the README's examples as written, from the checkout: each command and
    option must exist, and each article or page they name must be there (the examples named
    articles/post.md, which a checkout does not have), or be written by an earlier example."""
    import click

    from wxformat.faces.cli import cli

    commands = readme_commands()
    assert len(commands) > 20
    written: set[str] = set()
    for words in commands:
        command: click.Command = cli
        rest = list(words)
        while isinstance(command, click.Group):
            name = rest.pop(0)
            assert name in command.commands, f"wxformat {' '.join(words)}: no command {name}"
            command = command.commands[name]
        options = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        takes_value = {
            o for p in command.params if isinstance(p, click.Option) and not p.is_flag
            for o in p.opts
        }  # fmt: skip
        i = 0
        while i < len(rest):
            word = rest[i]
            if word.startswith("-"):
                assert word in options, f"wxformat {' '.join(words)}: no option {word}"
                if word in takes_value:
                    written.add(rest[i + 1].rstrip("/"))
                    i += 1
            elif word.endswith((".md", ".html", "/")):
                path = word.rstrip("/")
                assert (ROOT / path).exists() or path in written, (
                    f"wxformat {' '.join(words)}: {word} is not in the checkout"
                )
            i += 1


def test_the_page_the_readme_writes_is_ignored_by_git() -> None:
    done = subprocess.run(
        ["git", "check-ignore", "-q", "welcome.html"], cwd=ROOT, capture_output=True, timeout=60
    )
    assert done.returncode == 0


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal is POSIX")
def test_a_page_written_to_a_file_says_what_to_do_next_on_a_terminal(tmp_path: Path) -> None:
    import pty

    out = tmp_path / "welcome.html"
    article = ARTICLES / "welcome.md"
    command = [sys.executable, "-m", "wxformat", "convert", str(article), "-o", str(out)]
    parent, child = pty.openpty()  # stderr on a terminal, as when a person runs it
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=child, timeout=120)
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(parent, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(parent)
    assert done.returncode == 0 and done.stdout == b""
    text = " ".join(shown.decode("utf-8").split())
    assert f"wrote {out}" in text
    assert f"open {out} in a browser, select all" in text
    assert "copy, and paste into the WeChat editor" in text
    assert f"wxformat copy {article}" in text
    # captured by a program (not a terminal): only the one line it always wrote
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert piped.stderr.strip().splitlines() == [piped.stderr.strip()]
    # its count is the part to paste (as copy's), not "N characters" of a longer page
    fragment = subprocess.run(
        [*command[:-2], "--fragment"], capture_output=True, text=True, timeout=120
    ).stdout.rstrip("\n")
    assert piped.stderr.strip() == (
        f"wrote {out} (theme default; {len(fragment):,} characters to paste)"
    )
    assert "select all" not in piped.stderr


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--font-size", "huge", "error: --font-size 'huge' is not a CSS size (hint: use px, em"),
        ("--color", "notacolor", "error: --color 'notacolor' is not a CSS colour (hint: use"),
        ("--line-height", "-1", "error: --line-height '-1' is not a line height (hint: use a"),
        ("--font-size", "0px", "error: --font-size '0px' is not a font size"),
        ("--color", "red;x:y", "error: --color 'red;x:y' is not a CSS colour"),
    ],
)
def test_a_style_value_css_cannot_use_is_refused_in_one_line(
    cli: Cli, tmp_path: Path, flag: str, value: str, message: str
) -> None:
    article = tmp_path / "post.md"
    article.write_text("# T\n\ntext\n", encoding="utf-8")
    run = cli("convert", str(article), flag, value)
    assert run.code == 2 and run.out == ""
    assert len(run.err.strip().splitlines()) == 1 and run.err.startswith(message), run.err


@pytest.mark.parametrize(
    ("flag", "value", "css"),
    [
        ("--color", "teal", "solid teal"),
        ("--color", "rgb(15, 123, 108)", "solid rgb(15, 123, 108)"),
        ("--color", "#0F7B6C", "solid #0F7B6C"),
        ("--font-size", "1.1rem", "font-size:1.1rem"),
        ("--line-height", "28px", "line-height:28px"),
    ],
)
def test_style_values_css_can_use_reach_the_styles(
    cli: Cli, tmp_path: Path, flag: str, value: str, css: str
) -> None:
    article = tmp_path / "post.md"
    article.write_text("## Heading\n\ntext\n", encoding="utf-8")
    run = cli("convert", str(article), "--fragment", flag, value)
    assert run.code == 0, run.err
    assert css in run.out


def test_style_values_in_wxformat_toml_are_checked_with_the_other_problems(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "wxformat.toml").write_text(
        '[style]\nfont-size = "huge"\nprimary-color = "#12"\nline-height = "1.8"\n'
        '[footer]\nposition = "middle"\n',
        encoding="utf-8",
    )
    article = tmp_path / "post.md"
    article.write_text("text\n", encoding="utf-8")
    run = cli("convert", str(article))
    assert run.code == 1 and run.out == ""
    assert len(run.err.strip().splitlines()) == 1
    assert "'style.font-size' = 'huge' is not a CSS size" in run.err
    assert "'style.primary-color' = '#12' is not a CSS colour" in run.err
    assert "line-height" not in run.err
    assert "'footer.position' must be one of" in run.err


def test_a_theme_typo_gets_a_did_you_mean(cli: Cli, tmp_path: Path) -> None:
    article = tmp_path / "post.md"
    article.write_text("text\n", encoding="utf-8")
    run = cli("convert", str(article), "--theme", "elegnt")
    assert run.code == 1
    assert "unknown theme 'elegnt' given to --theme (did you mean 'elegant'?)" in run.err
    assert "elegant 雅致" in run.err  # the hint lists the names with their Chinese ones
    assert cli("convert", str(article), "--theme", "雅至").err.count("did you mean 'elegant'") == 1
    (tmp_path / "front.md").write_text("---\ntheme: inq\n---\ntext\n", encoding="utf-8")
    front = cli("convert", str(tmp_path / "front.md"))
    assert "unknown theme 'inq' in the front matter (did you mean 'ink'?)" in front.err


def test_the_chinese_names_wxformat_themes_lists_are_accepted(cli: Cli, tmp_path: Path) -> None:
    listing = cli("themes").out
    assert "Elegant / 雅致" in listing and "Ink / 水墨" in listing
    article = tmp_path / "post.md"
    article.write_text("## 标题\n\n正文\n", encoding="utf-8")
    for name, theme in (("雅致", "elegant"), ("水墨", "ink"), ("Elegant", "elegant")):
        by_name = cli("convert", str(article), "--fragment", "--theme", name)
        assert by_name.code == 0, by_name.err
        assert by_name.out == cli("convert", str(article), "--fragment", "--theme", theme).out
    (tmp_path / "front.md").write_text("---\ntheme: 水墨\n---\n正文\n", encoding="utf-8")
    out = tmp_path / "front.html"
    assert "theme ink" in cli("convert", str(tmp_path / "front.md"), "-o", str(out)).err


def test_an_unknown_theme_in_wxformat_toml_is_reported_when_it_is_read(
    cli: Cli, tmp_path: Path
) -> None:
    config = tmp_path / "wxformat.toml"
    config.write_text('theme = "defualt"\nline_numbers = "no"\n', encoding="utf-8")
    article = tmp_path / "post.md"
    article.write_text("text\n", encoding="utf-8")
    # even when the command line picks another theme, the file's mistake is reported
    run = cli("convert", str(article), "--theme", "ink")
    assert run.code == 1
    assert f"invalid config {config}" in run.err
    assert "'theme': unknown theme 'defualt' (did you mean 'default'?)" in run.err
    assert "'line_numbers' must be true or false" in run.err


def test_a_folder_is_not_converted_into_a_file_name(cli: Cli, tmp_path: Path) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "post.md").write_text("# Post\n", encoding="utf-8")
    run = cli("convert", str(blog), "-o", str(tmp_path / "single.html"))
    assert run.code == 1
    assert run.err.startswith(f"error: -o {tmp_path / 'single.html'} looks like a file name")
    assert f"wxformat convert {blog} -o out/" in run.err
    assert not (tmp_path / "single.html").exists()


def test_a_missing_qr_code_names_the_key_and_the_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blog = tmp_path / "blog"
    (blog / "posts").mkdir(parents=True)
    (blog / "wxformat.toml").write_text(
        '[footer]\naccount = "号"\nqrcode = "assets/qr.png"\n', encoding="utf-8"
    )
    (blog / "posts" / "post.md").write_text("# Post\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = cli("convert", "blog/posts/post.md", "--fragment")
    assert run.code == 0
    warning = " ".join(run.err.split())
    assert (
        "footer.qrcode = 'assets/qr.png' in blog/wxformat.toml: no such file "
        "(blog/assets/qr.png)" in warning
    )
    assert "the path is relative to blog/wxformat.toml" in warning
    assert "next to the article" not in warning
    assert "号" in run.out and "<img" not in run.out


def test_the_command_summaries_fit_in_the_help(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = cli("--help")
    commands = run.out.split("Commands:", 1)[1]
    assert commands.strip()
    assert "..." not in commands and "…" not in commands, commands
