"""Chinese–Latin spacing: `--autospace` / `autospace = true` (pangu) and `check --spacing` (S1)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import CliRun

Cli = Callable[..., CliRun]

POST = """# 在Python中用3个线程

在Python中用3个线程，见https://example.com/路径abc页面和[官网](https://www.python.org/中文版)。

用`print(x)`输出，在**Python**中，公式$x^2$里。

```python
print("在Python中用3个线程")
```
"""


def write_post(folder: Path, text: str = POST) -> Path:
    path = folder / "post.md"
    path.write_text(text, encoding="utf-8")
    return path


def fragment(cli: Cli, *args: str) -> BeautifulSoup:
    run = cli("convert", *args, "--fragment")
    assert run.code == 0, run.err
    return BeautifulSoup(run.out, "html.parser")


def test_autospace_spaces_text_and_leaves_code_urls_and_links_alone(
    cli: Cli, tmp_path: Path
) -> None:
    soup = fragment(cli, str(write_post(tmp_path)), "--autospace")
    assert soup.h1.get_text() == "在 Python 中用 3 个线程"
    first, second = soup.find_all("p")[:2]
    assert first.get_text().startswith(
        "在 Python 中用 3 个线程，见 https://example.com/路径abc页面和"
    )
    # text split across inline elements is spaced where a reader sees the seam
    assert "在 Python 中" in second.get_text() and "用 print(x) 输出" in second.get_text()
    assert second.code.get_text() == "print(x)"
    assert soup.pre.get_text() == 'print("在Python中用3个线程")'
    assert "https://www.python.org/中文版" in soup.get_text()  # the reference list's URL
    assert soup.find("svg") is not None  # the formula is drawn, not touched


def test_autospace_is_off_by_default_and_set_in_wxformat_toml(cli: Cli, tmp_path: Path) -> None:
    post = write_post(tmp_path)
    assert fragment(cli, str(post)).h1.get_text() == "在Python中用3个线程"
    (tmp_path / "wxformat.toml").write_text("autospace = true\n", encoding="utf-8")
    assert fragment(cli, str(post)).h1.get_text() == "在 Python 中用 3 个线程"
    assert fragment(cli, str(post), "--no-autospace").h1.get_text() == "在Python中用3个线程"
    (tmp_path / "wxformat.toml").write_text('autospace = "yes"\n', encoding="utf-8")
    run = cli("convert", str(post))
    assert run.code == 1 and "'autospace' must be true or false" in run.err


def test_check_spacing_notes_missing_spaces_by_line_without_failing(
    cli: Cli, tmp_path: Path
) -> None:
    post = write_post(
        tmp_path, "# 标题\n\n好的 English 句子。\n\n在Python中用3个线程。\n\n`在x里`\n"
    )
    run = cli("check", str(post))
    assert run.code == 0 and "S1" not in run.out  # off by default
    run = cli("check", str(post), "--spacing")
    assert run.code == 0, run.out
    assert f"{post}:5: S1 note: no space between Chinese and Latin text" in run.out
    assert "在x里" not in run.out and "English" not in run.out
    assert "1 style note" in run.out
    report = json.loads(cli("check", str(post), "--spacing", "--format", "json").out)
    assert report["clean"] and [(n["rule"], n["line"]) for n in report["notes"]] == [("S1", 5)]
    run = cli("check", str(post), "--spacing", "--autospace")
    assert run.code == 0 and "S1" not in run.out


def test_front_matter_autospace_sits_between_the_config_and_the_flag(
    cli: Cli, tmp_path: Path
) -> None:
    post = write_post(tmp_path, "---\nautospace: true\n---\n# 在Python中\n")
    assert fragment(cli, str(post)).h1.get_text() == "在 Python 中"
    assert fragment(cli, str(post), "--no-autospace").h1.get_text() == "在Python中"
    (tmp_path / "wxformat.toml").write_text("autospace = true\n", encoding="utf-8")
    post.write_text("---\nautospace: false\n---\n# 在Python中\n", encoding="utf-8")
    assert fragment(cli, str(post)).h1.get_text() == "在Python中"


def test_autospace_leaves_chinese_quotes_and_ruby_readings_alone(cli: Cli, tmp_path: Path) -> None:
    """Full-width quotes carry their own spacing (pangu would space 好“引号”里), and a
    ruby's reading sits above its character, not beside it: the sample articles have both."""
    post = write_post(
        tmp_path,
        "# 标题\n\n好“引号”里，**“加粗”**里，他说“在Python中”。\n\n[拼音]{pīn・yīn}和Python\n",
    )
    soup = fragment(cli, str(post), "--autospace", "--no-footer")
    first, second = soup.find_all("p")[:2]
    assert first.get_text() == "好“引号”里，“加粗”里，他说“在 Python 中”。"
    assert [t.get_text() for t in second.find_all("rt")] == ["pīn", "yīn"]
    ruby = re.sub(r' style="[^"]*"', "", str(second.ruby))
    assert ruby == "<ruby>拼<rt>pīn</rt>音<rt>yīn</rt></ruby>"
    assert second.get_text().endswith("和 Python")
    run = cli("check", str(post), "--spacing")
    notes = [line for line in run.out.splitlines() if " S1 " in line]
    assert len(notes) == 2 and all("拼" not in n and "pīn" not in n for n in notes), run.out
    assert "“引号”" not in run.out
