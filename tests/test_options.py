"""Options resolved once, before `convert`; `convert` reads no file; the cache is handed in,
bounded, and lives in the platform's cache folder."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, CliRun, run_process
from wxformat.article import parse_article, read_article
from wxformat.cache import DiskCache, MemoryCache
from wxformat.errors import ConfigError, UsageError
from wxformat.options import Options, resolve
from wxformat.pipeline import convert

Cli = Callable[..., CliRun]
PNG = (ARTICLES / "assets" / "qrcode.png").read_bytes()


class DictFiles:
    """Files from memory: what a caller with no disk (a server, a test) would hand in."""

    def __init__(self, files: dict[Path, bytes]) -> None:
        self.files = files
        self.read_paths: list[Path] = []

    def size(self, path: Path) -> int | None:
        data = self.files.get(path)
        return None if data is None else len(data)

    def read(self, path: Path) -> bytes:
        self.read_paths.append(path)
        return self.files[path]


def test_convert_reads_images_only_through_the_files_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "on-disk.png").write_bytes(PNG)
    article = parse_article("![a](on-disk.png)\n\n![b](in-memory.png)\n", tmp_path / "post.md")
    options = resolve(article)
    files = DictFiles({tmp_path / "in-memory.png": PNG})
    result = convert(article, options, files=files)
    assert files.read_paths == [tmp_path / "in-memory.png"]
    assert result.fragment.count("data:image/png;base64,") == 1
    assert "on-disk.png" in result.fragment  # the disk was never looked at
    assert [w.rule for w in result.warnings] == ["W19"]
    # with no files at all, every local image is missing, and nothing raises
    alone = convert(article, options)
    assert "data:image" not in alone.fragment and len(alone.warnings) == 2


def test_the_footer_template_is_read_once_when_resolving(tmp_path: Path) -> None:
    (tmp_path / "wxformat.toml").write_text(
        '[footer]\ntemplate = "footer.md"\naccount = "号"\n', encoding="utf-8"
    )
    (tmp_path / "footer.md").write_text("谢谢阅读《{title}》，{account}", encoding="utf-8")
    article = parse_article("# 标题\n\n正文\n", tmp_path / "post.md")
    options = resolve(article)
    (tmp_path / "footer.md").unlink()  # convert must not need it any more
    fragment = convert(article, options).fragment
    assert "谢谢阅读《标题》，号" in fragment
    assert tmp_path / "footer.md" in options.depends_on


def test_a_code_theme_typo_in_the_config_is_reported_with_the_other_problems(
    tmp_path: Path,
) -> None:
    path = tmp_path / "wxformat.toml"
    path.write_text('code_theme = "monokia"\nline_numbers = "yes"\n', encoding="utf-8")
    article = parse_article("x", tmp_path / "post.md")
    with pytest.raises(ConfigError) as info:
        resolve(article)
    message = info.value.format_message()
    assert str(path) in message
    assert "unknown code theme 'monokia' (did you mean 'monokai'?)" in message
    assert "'line_numbers' must be true or false" in message


def test_a_code_theme_typo_on_the_command_line(cli: Cli, tmp_path: Path) -> None:
    article = tmp_path / "post.md"
    article.write_text("```py\nx = 1\n```\n", encoding="utf-8")
    run = cli("convert", str(article), "--code-theme", "dracla")
    assert run.code == 2 and run.out == ""
    assert run.err.strip().splitlines() == [
        "error: --code-theme: unknown code theme 'dracla' (did you mean 'dracula'?) "
        "(hint: `wxformat themes --code` lists them)"
    ]
    with pytest.raises(UsageError):
        Options.from_flags(code_theme="nope")


def test_publish_settings_are_typed(tmp_path: Path) -> None:
    (tmp_path / "wxformat.toml").write_text(
        '[publish]\nauthor = "作者"\nopen_comments = false\n', encoding="utf-8"
    )
    options = resolve(parse_article("x", tmp_path / "post.md"))
    assert options.publish.author == "作者"
    assert options.publish.open_comments is False
    assert options.publish.fans_only_comments is False


def test_changed_sees_the_footer_template_and_the_qr_code(tmp_path: Path, cli: Cli) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "post.md").write_text("# Post\n", encoding="utf-8")
    (blog / "qr.png").write_bytes(PNG)
    (blog / "footer.html").write_text("<p>{account}</p>", encoding="utf-8")
    (blog / "wxformat.toml").write_text(
        '[footer]\naccount = "号"\nqrcode = "qr.png"\ntemplate = "footer.html"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    assert cli("convert", str(blog), "-o", str(out)).code == 0
    assert "unchanged" in cli("convert", str(blog), "-o", str(out), "--changed").err
    later = (out / "post.html").stat().st_mtime + 10
    for name in ("footer.html", "qr.png"):
        os.utime(blog / name, (later, later))
        run = cli("convert", str(blog), "-o", str(out), "--changed")
        assert "1 converted" in run.err, (name, run.err)
        later += 10


def test_the_disk_cache_stays_within_its_size(tmp_path: Path) -> None:
    store = DiskCache(tmp_path, max_bytes=10_000)
    for n in range(100):
        store.put(f"key{n}", f"{n:04d}" * 50)  # 200 bytes each: 20,000 in all
    assert store.size() <= 10_000
    again = DiskCache(tmp_path, max_bytes=10_000)  # what another process sees
    assert again.get("key99") == "0099" * 50  # the newest stay
    assert again.get("key0") is None  # the oldest went first
    assert (tmp_path / "cache.sqlite3").stat().st_size < 200_000


def test_the_memory_cache_is_bounded() -> None:
    store = MemoryCache(max_entries=3)
    for n in range(5):
        store.put(str(n), "x")
    assert [store.get(str(n)) for n in range(5)] == [None, None, "x", "x", "x"]


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG cache folder is Linux's")
def test_the_cache_lives_in_the_platform_cache_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WXFORMAT_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg-cache")
    done = run_process("convert", str(ARTICLES / "math.md"), "--fragment", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "xdg-cache" / "wxformat" / "cache.sqlite3").is_file()


def test_every_command_resolves_the_same_options(tmp_path: Path) -> None:
    article = read_article(ARTICLES / "welcome.md")
    options = resolve(article)
    assert options.footer is not None and options.account == "算法札记"
    assert ARTICLES / "wxformat.toml" in options.depends_on
    assert (ARTICLES / "assets" / "qrcode.png").resolve() in options.depends_on
    assert any(p.name == "style.css" for p in options.depends_on)


def test_changed_sees_the_pictures_an_article_embeds(tmp_path: Path, cli: Cli) -> None:
    blog = tmp_path / "blog"
    (blog / "img").mkdir(parents=True)
    for name in ("a.png", "b.png", "c.png"):
        (blog / "img" / name).write_bytes(PNG)
    (blog / "post.md").write_text(
        '![a](img/a.png "title")\n\n<img src="img/b.png" width="100">\n\n![c][pic]\n\n'
        "[pic]: img/c.png\n\n![web](https://example.com/x.png)\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert cli("convert", str(blog), "-o", str(out)).code == 0
    assert "1 unchanged" in cli("convert", str(blog), "-o", str(out), "--changed").err
    later = (out / "post.html").stat().st_mtime + 10
    for name in ("a.png", "b.png", "c.png"):
        os.utime(blog / "img" / name, (later, later))
        run = cli("convert", str(blog), "-o", str(out), "--changed")
        assert "1 converted" in run.err, (name, run.err)
        later += 10
